"""Who hears of what happens in a workspace: an agreed requirement document and a logged decision reach every
other member, a milestone its owner, an action item its owner; nobody outside, nobody about their own doing,
and nobody who switched the kind off."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.documents import services as documents
from portal.documents.models import Document
from portal.extensions import db
from portal.notifications import services as notifications
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.workspaces.models import MeetingNote, Workspace

from . import factories

TODAY = date.today()
KINDS = ("document_agreed", "decision_logged", "milestone_assigned", "action_assigned")


@pytest.fixture
def room(app, world):
    """The city, the company (two people: its usual one and a colleague who reads Korean) and the consultancy as
    facilitator in one workspace; the other company is on the shortlist but not in it; a meeting to hang actions on."""
    with app.test_request_context():
        organisations = {name: db.session.get(Organisation, world[name]) for name in (
            "city_org", "company_org", "other_company_org", "consultancy_org")}
        challenge = factories.challenge(organisations["city_org"], title="Flood warnings")
        for company in ("company_org", "other_company_org"):
            factories.shortlisted(challenge, organisations[company])
        workspace = factories.workspace(challenge, [organisations["company_org"]], organisations["consultancy_org"])
        colleague = factories.user(organisations["company_org"], email="colleague@example.org", name="Lee Seoyeon",
                                   locale="ko")
        meeting = MeetingNote(workspace_id=workspace.id, held_on=TODAY, attendees="All", notes="Walked the alleys.",
                              recorded_by_id=world["consultant"])
        db.session.add(meeting)
        db.session.commit()
        return dict(world, id=workspace.id, colleague=colleague.id, meeting=meeting.id)


def told(app, kind):
    """{user id: [notification]} of `kind`."""
    with app.app_context():
        found = {}
        for notice in db.session.scalars(select(Notification).where(Notification.kind == kind)):
            found.setdefault(notice.user_id, []).append(notice)
        return found


def mail_to(outbox, address):
    return [message for message in outbox() if message["To"] == address]


def act(app, room, user_id, change):
    """Run `change(actor, workspace)` as the user in the room's workspace and commit, as a request would."""
    with app.test_request_context():
        result = change(db.session.get(User, user_id), db.session.get(Workspace, room["id"]))
        db.session.commit()
        return getattr(result, "id", None)


def agree(app, room, document_id):
    """The city agrees the document's first revision."""
    act(app, room, room["city"], lambda actor, _workspace: documents.agree(
        actor, db.session.get(Document, document_id), 1))


def test_an_agreed_document_reaches_every_other_member(app, room, outbox):
    def write(actor, workspace):
        return documents.create(actor, workspace, {"title": "Requirements for flood sensors", "body": "Sensors."})

    document_id = act(app, room, room["company"], write)
    agree(app, room, document_id)
    notices = told(app, "document_agreed")
    assert set(notices) == {room["company"], room["colleague"], room["consultant"]}  # not the city that agreed
    (notice,) = notices[room["company"]]
    assert notice.link == f"/workspaces/{room['id']}/documents/{document_id}"
    (message,) = mail_to(outbox, "company@example.org")
    assert message["Subject"] == "A requirement document was agreed in a CoCity workspace"
    body = message.get_body(("plain",)).get_content()
    assert "agreed revision 1 of “Requirements for flood sensors”" in body
    assert "what a tender will be built from" in body
    assert f"http://localhost/workspaces/{room['id']}/documents/{document_id}" in body
    # The colleague reads Korean: the mail and the portal speak it.
    (korean,) = mail_to(outbox, "colleague@example.org")
    assert korean["Subject"] == "CoCity 협업 공간에서 요구사항 문서가 합의되었습니다"
    assert "입찰" in korean.get_body(("plain",)).get_content()
    assert mail_to(outbox, "othercompany@example.org") == [] and mail_to(outbox, "city@example.org") == []


def test_a_logged_decision_reaches_every_other_member_with_what_was_decided(app, client, login, room, outbox):
    login(room["consultant"])
    response = client.post(f"/workspaces/{room['id']}/decisions", data={
        "title": "Pilot area", "decision": "Mangwon-dong, 40 homes <first>.", "decided_by": "Steering group",
        "decided_on": TODAY.isoformat()})
    assert response.status_code == 302
    notices = told(app, "decision_logged")
    assert set(notices) == {room["city"], room["company"], room["colleague"]}
    assert notices[room["city"]][0].link == f"/workspaces/{room['id']}/decisions"
    (message,) = mail_to(outbox, "city@example.org")
    assert message["Subject"] == "A decision was logged in a CoCity workspace"
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert "logged the decision “Pilot area”" in text and "Decided by Steering group:" in text
    assert "Mangwon-dong, 40 homes <first>." in text and "Mangwon-dong, 40 homes &lt;first&gt;." in html
    login(room["city"])
    assert "logged the decision “Pilot area”" in client.get("/notifications").get_data(as_text=True)
    # A refused entry tells nobody.
    login(room["company"])
    assert client.post(f"/workspaces/{room['id']}/decisions", data={
        "title": "Mine", "decision": "x", "decided_by": "x", "decided_on": TODAY.isoformat()}).status_code == 403
    assert sum(len(found) for found in told(app, "decision_logged").values()) == 3


def test_a_milestone_reaches_its_owner_person_or_the_owning_organisation(app, client, login, room, outbox):
    base = f"/workspaces/{room['id']}/milestones"
    day = TODAY + timedelta(days=30)
    login(room["consultant"])
    assert client.post(base, data={"title": "Pilot in Mangwon-dong", "due_on": day.isoformat(),
                                   "owner_organisation_id": str(room["company_org"]),
                                   "owner_user_id": str(room["colleague"])}).status_code == 302
    notices = told(app, "milestone_assigned")
    assert set(notices) == {room["colleague"]}  # the person named, not the rest of the company
    (korean,) = mail_to(outbox, "colleague@example.org")
    assert korean["Subject"] == "CoCity 협업 공간의 마일스톤 담당이 되었습니다"
    assert "Pilot in Mangwon-dong" in korean.get_body(("plain",)).get_content()
    # Owned by the organisation: all its people hear of it; the facilitator who added it does not.
    assert client.post(base, data={"title": "Sensor spec", "due_on": day.isoformat(),
                                   "owner_organisation_id": str(room["company_org"])}).status_code == 302
    notices = told(app, "milestone_assigned")
    assert {user: len(found) for user, found in notices.items()} == {room["colleague"]: 2, room["company"]: 1}
    login(room["company"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "made Alpha Sensing the owner of the milestone “Sensor spec”, due" in page
    # Following it (which marks it read) leads to the milestones.
    (link,) = re.findall(r'href="(/notifications/\d+)">[^<]*Sensor spec', page)
    assert client.get(link).headers["Location"] == base
    # The facilitator's own organisation owning it: the facilitator hears nothing of its own doing.
    login(room["consultant"])
    assert client.post(base, data={"title": "Workshop", "due_on": day.isoformat(),
                                   "owner_organisation_id": str(room["consultancy_org"])}).status_code == 302
    assert room["consultant"] not in told(app, "milestone_assigned")


def test_an_action_item_reaches_its_owner_only(app, client, login, room, outbox):
    base = f"/workspaces/{room['id']}"
    login(room["consultant"])
    due = TODAY + timedelta(days=7)
    assert client.post(f"{base}/meetings/{room['meeting']}/actions", data={
        "description": "Send the sensor spec", "owner_id": str(room["company"]), "due_on": due.isoformat()}
    ).status_code == 302
    notices = told(app, "action_assigned")
    assert set(notices) == {room["company"]}
    (notice,) = notices[room["company"]]
    assert notice.link == f"{base}/meetings#meeting-{room['meeting']}"
    (message,) = mail_to(outbox, "company@example.org")
    assert message["Subject"] == "You have a new action in a CoCity workspace"
    assert "gave you an action due" in message.get_body(("plain",)).get_content()
    assert "Send the sensor spec" in message.get_body(("plain",)).get_content()
    # A refused action (someone outside the workspace) tells nobody; an action one gives oneself neither.
    assert client.post(f"{base}/meetings/{room['meeting']}/actions", data={
        "description": "Ask", "owner_id": str(room["other_company"]), "due_on": due.isoformat()}).status_code == 422
    assert client.post(f"{base}/meetings/{room['meeting']}/actions", data={
        "description": "Book the room", "owner_id": str(room["consultant"]), "due_on": due.isoformat()}
    ).status_code == 302
    assert set(told(app, "action_assigned")) == {room["company"]}


def test_each_kind_is_on_the_account_page_and_switched_off_tells_nothing(app, client, login, room, outbox):
    login(room["company"])
    page = client.get("/account").get_data(as_text=True)
    for label in ("A requirement document in your workspace is agreed",
                  "A decision is logged in a workspace you are in",
                  "You or your organisation own a new milestone", "Someone gives you an action in a workspace"):
        assert label in page
    choices = {f"notify-{name}": "email" for name in notifications.KINDS}
    choices.update({f"notify-{kind}": "off" for kind in KINDS}, **{"notify-section": "notifications"})
    assert client.post("/account", data=choices).status_code == 302
    with app.test_request_context():
        colleague = db.session.get(User, room["colleague"])
        notifications.set_preferences(colleague, dict(notifications.preferences(colleague), decision_logged="portal"))
        db.session.commit()
    login(room["consultant"])
    base = f"/workspaces/{room['id']}"
    client.post(f"{base}/decisions", data={"title": "Area", "decision": "Mangwon.", "decided_by": "Group",
                                           "decided_on": TODAY.isoformat()})
    client.post(f"{base}/milestones", data={"title": "Pilot", "due_on": TODAY.isoformat(),
                                            "owner_organisation_id": str(room["company_org"])})
    client.post(f"{base}/meetings/{room['meeting']}/actions", data={
        "description": "Spec", "owner_id": str(room["company"]), "due_on": TODAY.isoformat()})
    document_id = act(app, room, room["consultant"], lambda actor, workspace: documents.create(
        actor, workspace, {"title": "Requirements", "body": "Sensors."}))
    agree(app, room, document_id)
    for kind in KINDS:
        assert room["company"] not in told(app, kind), kind
    assert mail_to(outbox, "company@example.org") == []
    # The colleague chose the portal only for decisions: the notice, and no mail about it.
    assert room["colleague"] in told(app, "decision_logged")
    assert [m["Subject"] for m in mail_to(outbox, "colleague@example.org")] == [
        "CoCity 협업 공간의 마일스톤 담당이 되었습니다", "CoCity 협업 공간에서 요구사항 문서가 합의되었습니다"]
