"""Co-creation workspaces: opening one from the shortlist, members, stages and gates, the city system fit table,
the investment decision, milestones, the decision log, meeting notes with action items, and the activity feed."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.extensions import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.workspaces import services
from portal.workspaces.models import (
    ActionItem,
    FitAnswer,
    FitItem,
    GateDecision,
    InvestmentDecision,
    MeetingNote,
    Milestone,
    Workspace,
    WorkspaceActivity,
)

from . import factories

TODAY = date.today()
INVESTMENT = {"budget_line": "2027 스마트도시 실증 예산 (Smart city pilots 2027)", "amount": "850000000",
              "currency": "KRW", "funding_source": "Seoul city budget and a national grant",
              "procurement_model": "innovation-partnership", "approved_by_name": "Kim Jiwoo",
              "approved_by_role": "Director, Smart City Bureau", "approved_on": TODAY.isoformat()}


@pytest.fixture
def room(app, world):
    """A published challenge of the city with company and other_company on its shortlist, and its workspace
    with the city, company and the consultancy as facilitator; plus another city's workspace."""
    with app.test_request_context():
        organisations = {name: db.session.get(Organisation, world[name]) for name in (
            "city_org", "company_org", "other_company_org", "consultancy_org", "other_city_org")}
        challenge = factories.challenge(organisations["city_org"], title="Flood warnings")
        for company in ("company_org", "other_company_org"):
            factories.shortlisted(challenge, organisations[company])
        workspace = factories.workspace(challenge, [organisations["company_org"]], organisations["consultancy_org"])
        elsewhere = factories.challenge(organisations["other_city_org"], title="Harbour buses")
        factories.shortlisted(elsewhere, organisations["other_company_org"])
        other = factories.workspace(elsewhere, [organisations["other_company_org"]])
        unopened = factories.challenge(organisations["city_org"], title="Quiet streets")
        factories.shortlisted(unopened, organisations["company_org"])
        factories.shortlisted(unopened, organisations["other_company_org"])
        db.session.commit()
        return {"id": workspace.id, "other_id": other.id, "challenge": challenge.key, "unopened": unopened.key,
                "unopened_id": unopened.id}


def count(model, **filters):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def notifications_of(user_id, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                         Notification.kind == kind)).all()


def text(response):
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- opening

def test_the_city_opens_one_workspace_with_shortlisted_companies_and_a_facilitator(app, client, world, room, login,
                                                                                   outbox):
    login(world["city"])
    page = text(client.get(f"/challenges/{room['unopened']}"))
    assert f"/workspaces/open/{room['unopened']}" in page
    form = text(client.get(f"/workspaces/open/{room['unopened']}"))
    assert "Alpha Sensing" in form and "Beta Robotics" in form and "Gamma Advisory" in form
    response = client.post(f"/workspaces/open/{room['unopened']}", data={
        "title": "Quiet streets together", "company_ids": [str(world["company_org"])],
        "facilitator_id": str(world["consultancy_org"])})
    assert response.status_code == 302
    with app.app_context():
        workspace = db.session.scalar(select(Workspace).where(Workspace.challenge_id == room["unopened_id"]))
        assert {(m.organisation_id, m.role) for m in workspace.members} == {
            (world["city_org"], "city"), (world["company_org"], "company"), (world["consultancy_org"], "facilitator")}
        assert response.headers["Location"].endswith(f"/workspaces/{workspace.id}")
        for invited in ("company", "consultant"):
            (notice,) = notifications_of(world[invited], "workspace_member_invited")
            assert notice.link == f"/workspaces/{workspace.id}"
        assert notifications_of(world["other_company"], "workspace_member_invited") == []
        assert [a.kind for a in services.activity_feed(workspace)][-1] == "opened"
    assert {message["To"] for message in outbox()} >= {"company@example.org", "consultant@example.org"}
    mail = next(m for m in outbox() if m["To"] == "company@example.org")
    assert "invited your organisation as company" in mail.get_body(preferencelist=("plain",)).get_content()
    # One workspace per challenge: opening again leads to the one there is.
    again = client.get(f"/workspaces/open/{room['unopened']}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/workspaces/{workspace.id}")
    login(world["company"])
    assert "Go to the workspace" in text(client.get(f"/challenges/{room['unopened']}"))
    assert "Quiet streets together" in text(client.get("/dashboard"))


def test_opening_refuses_companies_off_the_shortlist_and_changes_nothing(app, client, world, room, login):
    login(world["city"])
    with app.test_request_context():
        outsider = factories.organisation("company", name="Delta Drones").id
        db.session.commit()
    for data, message in (
        ({"title": "Room", "company_ids": [str(outsider)]}, "Only companies on this challenge"),
        ({"title": "Room", "company_ids": []}, "Choose at least one company"),
        ({"title": "", "company_ids": [str(world["company_org"])]}, "This field is required"),
        ({"title": "Room", "company_ids": [str(world["company_org"])], "facilitator_id": str(world["company_org"])},
         "Choose a verified consultancy"),
    ):
        response = client.post(f"/workspaces/open/{room['unopened']}", data=data)
        assert response.status_code == 422 and message in text(response), data
    with app.app_context():
        assert count(Workspace, challenge_id=room["unopened_id"]) == 0
        assert count(Notification) == 0


def test_only_the_owning_city_opens_a_workspace(app, client, world, room, login):
    for persona in ("company", "consultant", "other_city"):
        login(world[persona])
        assert client.post(f"/workspaces/open/{room['unopened']}", data={
            "title": "Mine", "company_ids": [str(world["company_org"])]}).status_code == 403, persona
        assert "/workspaces/open/" not in text(client.get(f"/challenges/{room['unopened']}"))
    with app.test_request_context():
        draft = factories.challenge(db.session.get(Organisation, world["city_org"]), status=Challenge.DRAFT)
        db.session.commit()
        key = draft.key
    login(world["city"])
    assert client.get(f"/workspaces/open/{key}").status_code == 403
    with app.app_context():
        assert count(Workspace) == 2


# ---------------------------------------------------------------- members

def test_the_city_invites_and_removes_companies_and_removed_ones_see_nothing(app, client, world, room, login):
    base = f"/workspaces/{room['id']}"
    login(world["other_company"])
    assert client.get(base).status_code == 404
    login(world["company"])
    assert client.post(f"{base}/members", data={"organisation_id": str(world["other_company_org"])}).status_code == 403
    login(world["city"])
    assert client.post(f"{base}/members", data={"organisation_id": "999999"}).status_code == 422
    assert client.post(f"{base}/members", data={"organisation_id": str(world["other_company_org"])}).status_code == 302
    with app.app_context():
        assert len(notifications_of(world["other_company"], "workspace_member_invited")) == 1
    login(world["other_company"])
    assert client.get(base).status_code == 200
    assert "Harbour buses" not in text(client.get(base))
    login(world["city"])
    assert client.post(f"{base}/members/{world['consultancy_org']}/remove").status_code == 403
    assert client.post(f"{base}/members/{world['other_company_org']}/remove").status_code == 302
    login(world["other_company"])
    for path in ("", "/fit", "/members", "/activity", "/milestones"):
        assert client.get(base + path).status_code == 404, path
    assert f"/workspaces/{room['id']}\"" not in text(client.get("/workspaces"))
    with app.app_context():
        kinds = [line.kind for line in services.activity_feed(db.session.get(Workspace, room["id"]))]
    assert kinds[:2] == ["member_removed", "member_invited"]


# ---------------------------------------------------------------- stages and gates

def move(client, workspace_id, direction="forward", reason="The problem is understood.", **extra):
    return client.post(f"/workspaces/{workspace_id}/gates", data={"direction": direction, "reason": reason, **extra})


def set_stage(app, workspace_id, stage):
    with app.app_context():
        db.session.get(Workspace, workspace_id).stage = stage
        db.session.commit()


def stage_of(app, workspace_id):
    with app.app_context():
        return db.session.get(Workspace, workspace_id).stage


def test_gates_are_recorded_with_who_when_and_why_and_notify_every_member(app, client, world, room, login, outbox):
    login(world["consultant"])
    assert move(client, room["id"], reason="").status_code == 422
    assert stage_of(app, room["id"]) == "explore"
    assert move(client, room["id"], reason="Needs are mapped with residents.").status_code == 302
    assert stage_of(app, room["id"]) == "define"
    with app.app_context():
        (decision,) = db.session.scalars(select(GateDecision)).all()
        assert (decision.from_stage, decision.to_stage, decision.decided_by_id) == ("explore", "define",
                                                                                   world["consultant"])
        assert decision.reason == "Needs are mapped with residents." and decision.decided_at is not None
        for persona in ("city", "company"):
            (notice,) = notifications_of(world[persona], "workspace_gate_passed")
            assert notice.params["to_stage"] == "define"
        assert notifications_of(world["consultant"], "workspace_gate_passed") == []
        assert notifications_of(world["other_company"], "workspace_gate_passed") == []
    assert "Needs are mapped with residents." in outbox()[-1].get_body(preferencelist=("plain",)).get_content()
    login(world["company"])
    assert move(client, room["id"]).status_code == 403
    page = text(client.get(f"/workspaces/{room['id']}/gates"))
    assert "Needs are mapped with residents." in page and "Decide a gate" not in page
    login(world["city"])
    assert move(client, room["id"], "back", "We skipped the residents of Mangwon.").status_code == 302
    assert stage_of(app, room["id"]) == "explore"
    # A second click on a page loaded before the move does not move it again.
    assert move(client, room["id"], from_stage="define").status_code == 422
    assert move(client, room["id"], "back").status_code == 422  # nothing before explore
    assert stage_of(app, room["id"]) == "explore"
    history = text(client.get(f"/workspaces/{room['id']}/gates"))
    assert history.index("We skipped the residents") < history.index("Needs are mapped")


def test_the_facilitator_never_decides_the_ready_to_tender_gate(app, client, world, room, login):
    set_stage(app, room["id"], "pilot")
    login(world["consultant"])
    assert move(client, room["id"]).status_code == 403
    assert move(client, room["id"], "back", "The pilot needs another round.").status_code == 302
    set_stage(app, room["id"], "ready-to-tender")
    assert move(client, room["id"], "back", "Reopen it.").status_code == 403
    assert stage_of(app, room["id"]) == "ready-to-tender"


def fill_for_ready(app, client, world, room, login):
    """The city lists two fit items, the company answers both, the city records its investment decision."""
    login(world["city"])
    for category, title in (("system", "Seoul IoT urban data platform (S-DoT)"), ("regulation", "PIPA")):
        assert client.post(f"/workspaces/{room['id']}/fit/items",
                           data={"category": category, "title": title, "description": ""}).status_code == 302
    with app.app_context():
        items = db.session.scalars(select(FitItem.id).order_by(FitItem.id)).all()
    login(world["company"])
    answers = {}
    for item in items:
        answers |= {f"verdict-{item}": "fits", f"how-{item}": "Open API, tested in Busan."}
    assert client.post(f"/workspaces/{room['id']}/fit/answers", data=answers).status_code == 302
    login(world["city"])
    assert client.post(f"/workspaces/{room['id']}/investment", data=INVESTMENT).status_code == 302
    return items


def test_the_ready_gate_stays_closed_and_says_what_is_missing(app, client, world, room, login):
    set_stage(app, room["id"], "pilot")
    login(world["city"])
    page = text(client.get(f"/workspaces/{room['id']}"))
    assert "The city has not recorded its investment decision." in page
    assert "The city has not listed what a solution must fit yet." in page
    response = move(client, room["id"], reason="Ready.")
    assert response.status_code == 422 and "The gate is closed" in text(response)
    assert stage_of(app, room["id"]) == "pilot"
    items = fill_for_ready(app, client, world, room, login)
    # A company that joins later has not answered: the table is not filled in any more.
    assert client.post(f"/workspaces/{room['id']}/members",
                       data={"organisation_id": str(world["other_company_org"])}).status_code == 302
    page = text(client.get(f"/workspaces/{room['id']}"))
    assert "2 answers are missing" in page and "investment decision" not in page.split("Still missing")[1][:300]
    assert move(client, room["id"], reason="Ready.").status_code == 422
    login(world["other_company"])
    client.post(f"/workspaces/{room['id']}/fit/answers",
                data={f"{field}-{item}": value for item in items
                      for field, value in (("verdict", "needs-work"), ("how", "An adapter, 3 months."))})
    login(world["city"])
    # The fit table and the investment decision are there; the requirements are written but not agreed.
    page = text(client.get(f"/workspaces/{room['id']}"))
    assert "No requirement document is agreed yet" in page and "answers are missing" not in page
    response = client.post(f"/workspaces/{room['id']}/documents/new",
                           data={"title": "Requirements", "body": "Sensors at every drain."})
    document_path = response.headers["Location"]
    assert move(client, room["id"], reason="Ready.").status_code == 422
    assert client.post(f"{document_path}/agree", data={"base": "1"}).status_code == 302
    page = text(client.get(f"/workspaces/{room['id']}"))
    assert "Nothing is missing: the gate is open." in page
    assert "agreed revision 1 of the document “Requirements”" in page  # the activity feed heard of it
    assert move(client, room["id"], reason="Investment approved; the fit is known.").status_code == 302
    assert stage_of(app, room["id"]) == "ready-to-tender"


def test_other_packages_add_gate_requirements_through_the_hook(app, client, world, room, login):
    def agreed_document(workspace):
        return None if workspace.title.endswith("(agreed)") else "No requirement document is agreed yet."

    services.register_gate_requirement("define", agreed_document)
    try:
        login(world["city"])
        response = move(client, room["id"])
        assert response.status_code == 422 and "No requirement document is agreed yet." in text(response)
        with app.app_context():
            workspace = db.session.get(Workspace, room["id"])
            assert services.readiness(workspace) == ["No requirement document is agreed yet."]
            workspace.title += " (agreed)"
            db.session.commit()
        assert move(client, room["id"]).status_code == 302
    finally:
        services.gate_requirements.remove(("define", agreed_document))
    with pytest.raises(ValueError):
        services.register_gate_requirement("nowhere", agreed_document)


# ---------------------------------------------------------------- city system fit

def test_each_company_answers_for_itself_and_the_table_shows_them_side_by_side(app, client, world, room, login):
    base = f"/workspaces/{room['id']}"
    login(world["city"])
    client.post(f"{base}/members", data={"organisation_id": str(world["other_company_org"])})
    assert client.post(f"{base}/fit/items", data={"category": "data-standard", "title": "",
                                                  "description": "x"}).status_code == 422
    assert client.post(f"{base}/fit/items", data={"category": "weather", "title": "KS X 6101"}).status_code == 422
    assert client.post(f"{base}/fit/items", data={"category": "data-standard", "title": "KS X 6101",
                                                  "description": "Seoul's sensor data format"}).status_code == 302
    with app.app_context():
        (item,) = db.session.scalars(select(FitItem.id)).all()
    for persona in ("company", "consultant"):
        login(world[persona])
        assert client.post(f"{base}/fit/items", data={"category": "system", "title": "Mine"}).status_code == 403
    login(world["consultant"])
    assert client.get(f"{base}/fit/answers").status_code == 403
    login(world["company"])
    # Half an answer is refused, with the reason at the field, and nothing is saved.
    response = client.post(f"{base}/fit/answers", data={f"verdict-{item}": "fits", f"how-{item}": ""})
    assert response.status_code == 422 and "Say how." in text(response)
    response = client.post(f"{base}/fit/answers", data={f"verdict-{item}": "perhaps", f"how-{item}": "Somehow"})
    assert response.status_code == 422
    with app.app_context():
        assert count(FitAnswer) == 0
    # Whatever the form says, an answer is the answering company's own.
    assert client.post(f"{base}/fit/answers", data={f"verdict-{item}": "fits", f"how-{item}": "Native support.",
                                                    "organisation_id": str(world["other_company_org"])}
                       ).status_code == 302
    login(world["other_company"])
    assert "Native support." not in text(client.get(f"{base}/fit/answers"))
    client.post(f"{base}/fit/answers", data={f"verdict-{item}": "does-not-fit", f"how-{item}": "We use NGSI-LD."})
    with app.app_context():
        answers = dict(db.session.execute(select(FitAnswer.organisation_id, FitAnswer.verdict)).all())
    assert answers == {world["company_org"]: "fits", world["other_company_org"]: "does-not-fit"}
    login(world["consultant"])
    table = text(client.get(f"{base}/fit"))
    assert table.index("Alpha Sensing") < table.index("Beta Robotics")
    assert "Native support." in table and "We use NGSI-LD." in table and "Does not fit" in table
    assert "Every company has answered every item." in table
    # On a phone the companies' columns scroll sideways; the page says so.
    assert "2 companies answer side by side: swipe the table sideways to see each." in table


# ---------------------------------------------------------------- the investment decision

def test_the_investment_decision_needs_every_field_and_only_the_city_records_it(app, client, world, room, login):
    base = f"/workspaces/{room['id']}/investment"
    login(world["city"])
    bad = dict(INVESTMENT, amount="0", procurement_model="handshake", approved_by_name="", approved_on="2031-13-01")
    response = client.post(base, data=bad)
    page = text(response)
    assert response.status_code == 422
    for message in ("An investment decision needs an amount above zero.", "Not a valid choice",
                    "This field is required."):
        assert message in page, message
    with app.app_context():
        assert count(InvestmentDecision) == 0
    for persona in ("consultant", "company"):
        login(world[persona])
        assert client.post(base, data=INVESTMENT).status_code == 403, persona
        assert "Save the investment decision" not in text(client.get(base))
    with app.app_context():
        assert count(InvestmentDecision) == 0
    login(world["city"])
    assert client.post(base, data=INVESTMENT).status_code == 302
    login(world["company"])
    page = text(client.get(base))
    assert "Innovation partnership" in page and "Kim Jiwoo" in page and "850,000,000" in page


# ---------------------------------------------------------------- milestones, decisions, meeting notes

def test_milestones_show_in_the_citys_and_the_readers_time_zones(app, client, world, room, login):
    base = f"/workspaces/{room['id']}/milestones"
    day = TODAY + timedelta(days=30)
    login(world["consultant"])
    response = client.post(base, data={"title": "Pilot in Mangwon-dong", "due_on": day.isoformat(),
                                       "owner_organisation_id": str(world["other_company_org"])})
    assert response.status_code == 422 and "Choose a member organisation." in text(response)
    response = client.post(base, data={"title": "Pilot", "due_on": day.isoformat(),
                                       "owner_organisation_id": str(world["company_org"]),
                                       "owner_user_id": str(world["city"])})
    assert response.status_code == 422 and "Choose a person of the owning organisation." in text(response)
    assert client.post(base, data={"title": "Pilot in Mangwon-dong", "due_on": day.isoformat(),
                                   "owner_organisation_id": str(world["company_org"]),
                                   "owner_user_id": str(world["company"])}).status_code == 302
    login(world["company"])
    assert client.post(base, data={"title": "Mine", "due_on": day.isoformat(),
                                   "owner_organisation_id": str(world["company_org"])}).status_code == 403
    with app.app_context():
        db.session.get(User, world["company"]).timezone = "Europe/Stockholm"
        db.session.commit()
        assert count(Milestone) == 1
    page = text(client.get(base))
    assert "Pilot in Mangwon-dong" in page and "Person" not in page.split("Pilot in Mangwon-dong")[1][:50]
    assert "11:59" in page or "23:59" in page
    assert "Your time:" in page and "Stockholm" in page and "Seoul" in page


def test_decisions_and_meeting_notes_with_action_items_their_owners_mark_done(app, client, world, room, login):
    base = f"/workspaces/{room['id']}"
    login(world["consultant"])
    assert client.post(f"{base}/decisions", data={"title": "", "decision": "", "decided_by": "",
                                                   "decided_on": ""}).status_code == 422
    assert client.post(f"{base}/decisions", data={"title": "Pilot area", "decision": "Mangwon-dong, 40 homes.",
                                                   "decided_by": "Steering group",
                                                   "decided_on": TODAY.isoformat()}).status_code == 302
    assert client.post(f"{base}/meetings", data={"held_on": TODAY.isoformat(), "attendees": "Seoul, Alpha, Gamma",
                                                  "notes": "Walked the alleys."}).status_code == 302
    with app.app_context():
        (meeting,) = db.session.scalars(select(MeetingNote.id)).all()
    action = {"description": "Send the sensor spec", "owner_id": str(world["other_company"]),
              "due_on": (TODAY + timedelta(days=7)).isoformat()}
    response = client.post(f"{base}/meetings/{meeting}/actions", data=action)
    assert response.status_code == 422 and "Choose a person in the workspace." in text(response)
    assert client.post(f"{base}/meetings/{meeting}/actions",
                       data=dict(action, owner_id=str(world["company"]))).status_code == 302
    with app.app_context():
        (action_id,) = db.session.scalars(select(ActionItem.id)).all()
    login(world["company"])
    assert client.post(f"{base}/decisions", data={"title": "x", "decision": "x", "decided_by": "x",
                                                   "decided_on": TODAY.isoformat()}).status_code == 403
    assert client.post(f"{base}/actions/{action_id}/done").status_code == 302
    with app.app_context():
        assert db.session.get(ActionItem, action_id).done_by_id == world["company"]
    page = text(client.get(f"{base}/meetings"))
    assert "Walked the alleys." in page and "Open again" in page
    feed = text(client.get(f"{base}/activity"))
    assert feed.index("marked done: Send the sensor spec") < feed.index("gave") < feed.index("logged the decision")


def test_records_of_one_workspace_are_not_found_under_another(app, client, world, room, login):
    """Even for a member of both workspaces, an id of workspace A under workspace B's address is a 404."""
    base = f"/workspaces/{room['id']}"
    login(world["city"])
    client.post(f"{base}/fit/items", data={"category": "system", "title": "S-DoT"})
    client.post(f"{base}/milestones", data={"title": "Pilot", "due_on": TODAY.isoformat(),
                                            "owner_organisation_id": str(world["city_org"])})
    client.post(f"{base}/meetings", data={"held_on": TODAY.isoformat(), "attendees": "All", "notes": "Met."})
    with app.app_context():
        item, milestone, meeting = (db.session.scalar(select(model.id)) for model in (FitItem, Milestone, MeetingNote))
        other = db.session.get(Workspace, room["other_id"])
        from portal.workspaces.models import WorkspaceMember
        other.members.append(WorkspaceMember(organisation_id=world["city_org"], role="company"))
        db.session.commit()
    client.post(f"{base}/meetings/{meeting}/actions", data={"description": "Do", "owner_id": str(world["city"]),
                                                           "due_on": TODAY.isoformat()})
    with app.app_context():
        action = db.session.scalar(select(ActionItem.id))
    elsewhere = f"/workspaces/{room['other_id']}"
    assert client.get(elsewhere).status_code == 200
    for method, path in (("GET", f"/fit/items/{item}/edit"), ("POST", f"/fit/items/{item}/delete"),
                         ("POST", f"/milestones/{milestone}/delete"), ("POST", f"/meetings/{meeting}/actions"),
                         ("POST", f"/actions/{action}/done")):
        assert client.open(elsewhere + path, method=method).status_code == 404, path
    with app.app_context():
        assert count(FitItem) == 1 and count(Milestone) == 1 and count(ActionItem, done_at=None) == 1


def test_the_hub_shows_stage_what_the_gate_needs_and_the_activity_newest_first(app, client, world, room, login):
    fill_for_ready(app, client, world, room, login)
    login(world["company"])
    page = text(client.get(f"/workspaces/{room['id']}"))
    assert 'aria-current="step"' in page and "Stage 1 of 5: Explore." in page
    assert "The gate to Define" in page and "Nothing is missing" in page
    feed = page[page.index("Latest activity"):]
    assert feed.index("recorded the investment decision") < feed.index("answered 2 fit items for") < feed.index(
        "added the fit item")
    for tab in ("Members", "Fit table", "Investment", "Milestones", "Decisions", "Meeting notes", "Activity"):
        assert f">{tab}</a>" in page, tab
    with app.app_context():
        assert count(WorkspaceActivity, workspace_id=room["id"]) == 4
        assert count(WorkspaceActivity, workspace_id=room["other_id"]) == 0


def test_korean_readers_get_the_hub_in_korean(app, client, world, room, login):
    login(world["company"])
    client.post("/language", data={"language": "ko"})
    page = text(client.get(f"/workspaces/{room['id']}"))
    assert "탐색" in page and "활동" in page


def test_every_tab_of_the_hub_leads_to_the_threads_documents_and_files_inside(client, world, room, login):
    login(world["company"])
    page = text(client.get(f"/workspaces/{room['id']}"))
    for path in ("threads", "documents", "files"):
        assert f'href="/workspaces/{room["id"]}/{path}"' in page, path


def test_the_facilitator_at_the_pilot_is_told_the_last_gate_is_the_citys(app, client, world, room, login):
    with app.app_context():
        db.session.get(Workspace, room["id"]).stage = "pilot"
        db.session.commit()
    login(world["consultant"])
    page = text(client.get(f"/workspaces/{room['id']}/gates"))
    assert "The gate to ready-to-tender is the city’s decision." in page
    assert "Back to Co-design" in page and "Forward to" not in page


def test_the_gate_form_and_the_overview_follow_what_the_next_gate_needs(app, client, world, room, login):
    login(world["city"])
    overview = text(client.get(f"/workspaces/{room['id']}"))
    assert f'href="/workspaces/{room["id"]}/gates">Decide the gate to Define' in overview  # the gate is open
    with app.app_context():
        db.session.get(Workspace, room["id"]).stage = "pilot"
        db.session.commit()
    assert "Decide the gate to" not in text(client.get(f"/workspaces/{room['id']}"))
    gates = text(client.get(f"/workspaces/{room['id']}/gates"))
    assert 'value="forward" disabled' in gates and "closed until nothing is missing" in gates
    login(world["company"])
    assert "Decide the gate to" not in text(client.get(f"/workspaces/{room['id']}"))
    with app.app_context():
        db.session.get(Workspace, room["id"]).stage = "ready-to-tender"
        db.session.commit()
    assert "its agreed requirement document, fit table and investment decision" in text(
        client.get(f"/workspaces/{room['id']}"))
