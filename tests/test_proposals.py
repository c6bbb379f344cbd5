"""Proposals: a company answers an open challenge, alone or with a consortium, and the city decides."""
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.challenges.models import Challenge, ChallengeConsultant
from portal.errors import Invalid, NotAllowed
from portal.extensions import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.proposals import ranking, services
from portal.proposals.models import ConsortiumPartner, Proposal, ProposalNote
from portal.solutions.models import Solution

from . import factories

TODAY = date.today()
FORM = {"title": "Crossing sensors", "language": "en", "approach": "LiDAR at every school crossing.",
        "cost_estimate": "200000", "currency": "EUR", "timeline": "Six months.", "team": "Four engineers."}


@pytest.fixture
def setup(app, world):
    """An open challenge of the city with the consultancy assigned, a published solution of each company."""
    with app.test_request_context():
        city = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(city, title="Safer school routes")
        challenge.consultants.append(ChallengeConsultant(organisation_id=world["consultancy_org"]))
        closed = factories.challenge(city, title="Old bridges", opens=TODAY - timedelta(days=60),
                                     closes=TODAY - timedelta(days=5))
        upcoming = factories.challenge(city, title="Later", opens=TODAY + timedelta(days=5),
                                       closes=TODAY + timedelta(days=40))
        own = factories.solution(db.session.get(Organisation, world["company_org"]), title="Crossing guard LiDAR")
        other = factories.solution(db.session.get(Organisation, world["other_company_org"]), title="Beta bot")
        db.session.commit()
        return dict(world, challenge=challenge.key, challenge_id=challenge.id, closed=closed.key,
                    upcoming=upcoming.key, own_solution=own.id, other_solution=other.id)


def get(model, id):
    return db.session.get(model, id)


def notices(user_id, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                         Notification.kind == kind)).all()


def create_draft(client, login, setup, **fields):
    login(setup["company"])
    response = client.post(f"/challenges/{setup['challenge']}/proposals/new", data=dict(FORM, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


# ---------------------------------------------------------------- the lead's path

def test_challenge_page_offers_the_button_to_eligible_companies_only(app, client, login, setup):
    path = f"/challenges/{setup['challenge']}"
    assert "Answer with a proposal" not in client.get(path).get_data(as_text=True)
    for persona in ("city", "consultant", "admin"):
        login(setup[persona])
        assert "Answer with a proposal" not in client.get(path).get_data(as_text=True), persona
    login(setup["company"])
    assert "Answer with a proposal" in client.get(path).get_data(as_text=True)
    for other in (setup["closed"], setup["upcoming"]):
        assert "Answer with a proposal" not in client.get(f"/challenges/{other}").get_data(as_text=True)
    proposal_id = create_draft(client, login, setup)
    page = client.get(path).get_data(as_text=True)
    assert "Answer with a proposal" not in page and f"/proposals/{proposal_id}" in page


def test_a_company_drafts_submits_and_the_city_hears_of_it(app, client, login, outbox, setup):
    proposal_id = create_draft(client, login, setup, solutions=[str(setup["own_solution"])])
    with app.app_context():
        proposal = get(Proposal, proposal_id)
        assert (proposal.status, proposal.cost_estimate, proposal.organisation_id) == ("draft", 200000,
                                                                                       setup["company_org"])
        assert [link.solution_id for link in proposal.solution_links] == [setup["own_solution"]]
    login(setup["city"])
    assert client.get(f"/proposals/{proposal_id}").status_code == 404  # a draft stays with the company
    login(setup["company"])
    assert client.post(f"/proposals/{proposal_id}/submit").status_code == 302
    with app.app_context():
        assert get(Proposal, proposal_id).status == "submitted"
        (notice,) = notices(setup["city"], "proposal_submitted")
        assert notice.link == f"/proposals/{proposal_id}"
    (mail,) = [m for m in outbox() if m["To"] == "city@example.org"]
    assert "Crossing sensors" in mail.get_body(preferencelist=("plain",)).get_content()
    login(setup["city"])
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "LiDAR at every school crossing." in page and "Shortlist" in page


def test_submitting_twice_says_so_and_changes_nothing(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    assert client.post(f"/proposals/{proposal_id}/submit").status_code == 302
    second = client.post(f"/proposals/{proposal_id}/submit")
    assert second.status_code == 409
    assert "submitted already" in second.get_data(as_text=True)
    with app.app_context():
        assert len(notices(setup["city"], "proposal_submitted")) == 1


def test_an_incomplete_draft_cannot_be_submitted(app, client, login, setup):
    proposal_id = create_draft(client, login, setup, cost_estimate="", timeline="", team="")
    response = client.post(f"/proposals/{proposal_id}/submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give a cost estimate before you submit." in page and "Name the team before you submit." in page
    with app.app_context():
        assert get(Proposal, proposal_id).status == "draft"


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "This field is required."),
    ("approach", "  ", "This field is required."),
    ("cost_estimate", "-5", "Must be a whole, non-negative amount."),
    ("currency", "XXX", "Not a valid choice"),
    ("solutions", "999999", "Link only your own"),
])
def test_bad_input_gets_a_message_and_writes_nothing(app, client, login, setup, field, value, message):
    login(setup["company"])
    data = dict(FORM, **{field: value})
    response = client.post(f"/challenges/{setup['challenge']}/proposals/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_another_companys_solution_cannot_be_linked(app, client, login, setup):
    login(setup["company"])
    response = client.post(f"/challenges/{setup['challenge']}/proposals/new",
                           data=dict(FORM, solutions=[str(setup["other_solution"])]))
    assert response.status_code == 422 and "Link only your own" in response.get_data(as_text=True)


def test_one_live_proposal_per_company_and_challenge(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    assert client.get(f"/challenges/{setup['challenge']}/proposals/new").headers["Location"].endswith(
        f"/proposals/{proposal_id}")
    again = client.post(f"/challenges/{setup['challenge']}/proposals/new", data=FORM)
    assert again.status_code == 409 and "already has a proposal" in again.get_data(as_text=True)
    client.post(f"/proposals/{proposal_id}/submit")
    assert client.post(f"/proposals/{proposal_id}/withdraw").status_code == 302
    second = create_draft(client, login, setup, title="A better idea")
    with app.app_context():
        statuses = dict(db.session.execute(select(Proposal.id, Proposal.status)).all())
    assert statuses == {proposal_id: "withdrawn", second: "draft"}


def test_the_database_refuses_a_second_live_proposal(app, setup):
    from sqlalchemy.exc import IntegrityError
    with app.test_request_context():
        challenge = get(Challenge, setup["challenge_id"])
        company = get(Organisation, setup["company_org"])
        factories.proposal(challenge, company, status="withdrawn")
        factories.proposal(challenge, company)
        with pytest.raises(IntegrityError):
            factories.proposal(challenge, company, status="submitted")
        db.session.rollback()


@pytest.mark.parametrize("persona", ["city", "consultant"])
def test_only_verified_companies_answer(app, client, login, setup, persona):
    login(setup[persona])
    assert client.get(f"/challenges/{setup['challenge']}/proposals/new").status_code == 403
    assert client.post(f"/challenges/{setup['challenge']}/proposals/new", data=FORM).status_code == 403


def test_a_pending_company_cannot_answer(app, setup):
    with app.test_request_context():
        pending = factories.organisation("company", verified=False)
        member = factories.user(pending)
        with pytest.raises(NotAllowed):
            services.create(member, get(Challenge, setup["challenge_id"]), dict(FORM, cost_estimate=1, solutions=[]))


def test_closed_and_upcoming_challenges_take_no_proposals(app, client, login, setup):
    login(setup["company"])
    for key in (setup["closed"], setup["upcoming"]):
        response = client.post(f"/challenges/{key}/proposals/new", data=FORM)
        assert response.status_code == 409 and "not open for proposals" in response.get_data(as_text=True)


def test_after_the_challenge_closes_the_proposal_is_read_only_but_readable(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    client.post(f"/proposals/{proposal_id}/submit")
    with app.app_context():
        get(Challenge, setup["challenge_id"]).status = Challenge.CLOSED
        db.session.commit()
    response = client.post(f"/proposals/{proposal_id}/edit", data=dict(FORM, title="Changed", revision="1"))
    assert response.status_code == 302  # sent back to the proposal, with the reason
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "can no longer be changed" in page and "Crossing sensors" in page
    assert f"/proposals/{proposal_id}/edit" not in page
    with app.app_context():
        assert get(Proposal, proposal_id).title == "Crossing sensors"
        with pytest.raises(Invalid):
            services.update(get(User, setup["company"]), get(Proposal, proposal_id), dict(FORM, cost_estimate=1), 1)


def test_a_stale_edit_is_refused_and_the_newer_one_kept(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    page = client.get(f"/proposals/{proposal_id}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    assert client.post(f"/proposals/{proposal_id}/edit",
                       data=dict(FORM, title="First save", revision=revision)).status_code == 302
    stale = client.post(f"/proposals/{proposal_id}/edit", data=dict(FORM, title="Second save", revision=revision))
    assert stale.status_code == 409 and "saved this proposal after you opened it" in stale.get_data(as_text=True)
    with app.app_context():
        assert get(Proposal, proposal_id).title == "First save"


# ---------------------------------------------------------------- the consortium

def invite(client, proposal_id, organisation_id, share="30", role="local-partner"):
    return client.post(f"/proposals/{proposal_id}/partners",
                       data={"organisation_id": str(organisation_id), "role": role, "share": share})


def test_a_partner_confirms_and_only_then_sees_the_proposal(app, client, login, outbox, setup):
    proposal_id = create_draft(client, login, setup)
    assert invite(client, proposal_id, setup["other_company_org"]).status_code == 302
    with app.app_context():
        (partner,) = get(Proposal, proposal_id).partners
        partner_id = partner.id
        (notice,) = notices(setup["other_company"], "partner_invited")
        assert notice.link == f"/proposals/invitations/{partner_id}"
    assert any(m["To"] == "othercompany@example.org" for m in outbox())
    login(setup["other_company"])
    assert client.get(f"/proposals/{proposal_id}").status_code == 404
    page = client.get(f"/proposals/invitations/{partner_id}").get_data(as_text=True)
    assert "Alpha Sensing" in page and "local partner" in page and "30&nbsp;%" in page and "Safer school routes" in page
    assert "LiDAR at every school crossing." not in page  # not the proposal's content
    assert "Crossing sensors" not in page
    assert client.post(f"/proposals/invitations/{partner_id}/confirm").status_code == 302
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "LiDAR at every school crossing." in page and "Beta Robotics" in page and "70&nbsp;%" in page
    # A partner reads; only the lead changes, submits or withdraws.
    assert client.post(f"/proposals/{proposal_id}/submit").status_code == 403
    assert client.get(f"/proposals/{proposal_id}/edit").status_code == 403
    assert invite(client, proposal_id, setup["consultancy_org"]).status_code == 403
    again = client.post(f"/proposals/invitations/{partner_id}/decline")
    assert again.status_code == 409 and "answered this invitation already" in again.get_data(as_text=True)
    with app.app_context():
        assert get(ConsortiumPartner, partner_id).status == "confirmed"
        (answered,) = notices(setup["company"], "partner_answered")
        assert "Beta Robotics confirmed" in services_describe(answered)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"/proposals/{proposal_id}" in dashboard


def services_describe(notification):
    from portal.notifications.services import describe
    return describe(notification)


def test_a_confirmed_partners_solutions_can_be_linked(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    invite(client, proposal_id, setup["other_company_org"])
    edit = dict(FORM, solutions=[str(setup["other_solution"])], revision="1")
    assert client.post(f"/proposals/{proposal_id}/edit", data=edit).status_code == 422
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    login(setup["other_company"])
    client.post(f"/proposals/invitations/{partner_id}/confirm")
    login(setup["company"])
    assert client.post(f"/proposals/{proposal_id}/edit", data=edit).status_code == 302
    with app.app_context():
        assert [link.solution_id for link in get(Proposal, proposal_id).solution_links] == [setup["other_solution"]]


def test_a_declined_partner_stays_outside(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    invite(client, proposal_id, setup["other_company_org"])
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    login(setup["other_company"])
    assert "Confirm and join" in client.get("/dashboard").get_data(as_text=True) or \
        f"/proposals/invitations/{partner_id}" in client.get("/dashboard").get_data(as_text=True)
    assert client.post(f"/proposals/invitations/{partner_id}/decline").status_code == 302
    assert client.get(f"/proposals/{proposal_id}").status_code == 404
    with app.app_context():
        (answered,) = notices(setup["company"], "partner_answered")
        assert "declined" in services_describe(answered)
    login(setup["company"])
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "declined the invitation" in page and "100&nbsp;%" in page  # its share returns to the lead


@pytest.mark.parametrize("target, share, message", [
    ("city_org", "10", "Choose a verified company or consultancy"),
    ("company_org", "10", "Choose a verified company or consultancy"),
    ("other_company_org", "101", "from 0 to 100"),
    ("other_company_org", "abc", "from 0 to 100"),
])
def test_bad_invitations_are_refused(app, client, login, setup, target, share, message):
    proposal_id = create_draft(client, login, setup)
    response = invite(client, proposal_id, setup[target], share=share)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert get(Proposal, proposal_id).partners == []


def test_shares_never_exceed_a_hundred(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    assert invite(client, proposal_id, setup["other_company_org"], share="60").status_code == 302
    response = invite(client, proposal_id, setup["consultancy_org"], share="50", role="operator")
    assert response.status_code == 422 and "at most 40 % is left" in response.get_data(as_text=True)
    assert invite(client, proposal_id, setup["consultancy_org"], share="40", role="operator").status_code == 302
    with app.app_context():
        assert services.lead_share(get(Proposal, proposal_id)) == 0


def test_the_lead_removes_an_invitation(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    invite(client, proposal_id, setup["other_company_org"])
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    assert client.post(f"/proposals/{proposal_id}/partners/{partner_id}/remove").status_code == 302
    login(setup["other_company"])
    assert client.get(f"/proposals/invitations/{partner_id}").status_code == 404


# ---------------------------------------------------------------- the city

def sent(app, setup, status="submitted", partners=(), **fields):
    with app.test_request_context():
        company = get(Organisation, fields.pop("org", setup["company_org"]))
        item = factories.proposal(get(Challenge, setup["challenge_id"]), company, status=status,
                                  partners=[(get(Organisation, org), state) for org, state in partners], **fields)
        db.session.commit()
        return item.id


def test_the_city_declines_with_a_reason_the_consortium_reads(app, client, login, outbox, setup):
    with app.test_request_context():
        get(User, setup["other_company"]).locale = "ko"
        db.session.commit()
    proposal_id = sent(app, setup, partners=[(setup["other_company_org"], "confirmed")])
    login(setup["city"])
    missing = client.post(f"/proposals/{proposal_id}/decline", data={"reason": " "})
    assert missing.status_code == 422 and "Say why you decline" in missing.get_data(as_text=True)
    with app.app_context():
        assert get(Proposal, proposal_id).status == "submitted"
    assert client.post(f"/proposals/{proposal_id}/decline", data={"reason": "Over our budget."}).status_code == 302
    with app.app_context():
        assert get(Proposal, proposal_id).status == "declined"
        assert len(notices(setup["company"], "proposal_declined")) == 1
        assert len(notices(setup["other_company"], "proposal_declined")) == 1
    mails = {m["To"]: m for m in outbox()}
    english = mails["company@example.org"].get_body(preferencelist=("plain",)).get_content()
    korean = mails["othercompany@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert "Over our budget." in english and "declined your proposal" in english
    assert "Over our budget." in korean and "거절" in korean
    again = client.post(f"/proposals/{proposal_id}/decline", data={"reason": "Again."})
    assert again.status_code == 409 and "declined already" in again.get_data(as_text=True)
    login(setup["company"])
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "Over our budget." in page and "Withdraw" not in page


def test_the_city_shortlists_and_a_withdrawn_proposal_cannot_be_decided(app, client, login, setup):
    first = sent(app, setup)
    second = sent(app, setup, status="withdrawn", title="Pulled back")
    login(setup["city"])
    assert client.post(f"/proposals/{first}/shortlist", data={"reason": "Strong fit."}).status_code == 302
    stale = client.post(f"/proposals/{second}/shortlist")
    assert stale.status_code == 409 and "withdrawn and cannot be shortlisted" in stale.get_data(as_text=True)
    with app.app_context():
        assert get(Proposal, first).status == "shortlisted" and get(Proposal, second).status == "withdrawn"
        assert "shortlist" in services_describe(notices(setup["company"], "proposal_shortlisted")[0])
    login(setup["company"])
    assert client.post(f"/proposals/{first}/edit", data=dict(FORM, revision="1")).status_code == 302
    with app.app_context():
        assert get(Proposal, first).title == "Crossing sensors for school routes"


def test_notes_are_the_citys_own(app, client, login, setup):
    proposal_id = sent(app, setup)
    login(setup["city"])
    assert client.post(f"/proposals/{proposal_id}/notes", data={"body": ""}).status_code == 422
    assert client.post(f"/proposals/{proposal_id}/notes", data={"body": "Ask about maintenance."}).status_code == 302
    assert "Ask about maintenance." in client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "Ask about maintenance." in client.get(f"/challenges/{setup['challenge']}/proposals").get_data(as_text=True)
    for persona in ("company", "consultant"):
        login(setup[persona])
        assert "Ask about maintenance." not in client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
        assert client.post(f"/proposals/{proposal_id}/notes", data={"body": "Mine."}).status_code == 403
    assert "Ask about maintenance." not in client.get(
        f"/challenges/{setup['challenge']}/proposals").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalNote.id))) == 1


def test_the_assigned_consultancy_reads_without_buttons_and_its_posts_are_refused(app, client, login, setup):
    proposal_id = sent(app, setup)
    login(setup["consultant"])
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "LiDAR sensors warn drivers" in page and "Read only" in page
    assert "Shortlist" not in page and "Add note" not in page and "Withdraw" not in page
    for action, data in (("shortlist", {}), ("decline", {"reason": "No."}), ("withdraw", {}), ("submit", {})):
        assert client.post(f"/proposals/{proposal_id}/{action}", data=data).status_code == 403, action
    with app.app_context():
        assert get(Proposal, proposal_id).status == "submitted"


def test_the_citys_list_shows_sent_proposals_best_fit_first(app, client, login, setup):
    weak = sent(app, setup, title="Office cleaning", approach="We clean offices and windows every week.",
                org=setup["other_company_org"])
    strong = sent(app, setup, title="Safer school routes with crossing sensors",
                  approach="Sensors at school crossings warn drivers so children walk to school safely on busy "
                           "roads, and near misses fall.", solutions=[])
    with app.test_request_context():
        third = factories.organisation("company", name="Gamma Drafts")
        factories.proposal(get(Challenge, setup["challenge_id"]), third, title="Unsent draft about school routes")
        withdrawn_org = factories.organisation("company", name="Delta Withdrawn")
        # It answers the challenge better than any other, but it was withdrawn: it is listed last.
        withdrawn = factories.proposal(
            get(Challenge, setup["challenge_id"]), withdrawn_org, status="withdrawn",
            title="Pulled back: safer school routes with crossing sensors",
            approach="Sensors at school crossings warn drivers so children walk to school safely on busy roads, "
                     "and near misses fall. Drivers see children at crossings.").id
        db.session.commit()
    login(setup["city"])
    page = client.get(f"/challenges/{setup['challenge']}/proposals").get_data(as_text=True)
    order = [int(found) for found in re.findall(r'href="/proposals/(\d+)"', page)]
    assert order[:2] == [strong, weak] or order.index(strong) < order.index(weak)
    assert "Unsent draft" not in page and "Pulled back: safer school routes" in page
    assert order[-1] == withdrawn
    with app.test_request_context():
        challenge = get(Challenge, setup["challenge_id"])
        scored = ranking.rank(challenge, [get(Proposal, weak), get(Proposal, strong)])
        assert [item.proposal.id for item in scored] == [strong, weak]
        assert scored[0].text > 0.3 > scored[1].text
        assert "school" in " ".join(scored[0].words).lower()


def test_a_linked_solution_that_fits_lifts_a_proposal(app, setup):
    with app.test_request_context():
        challenge = get(Challenge, setup["challenge_id"])
        company = get(Organisation, setup["company_org"])
        other = factories.organisation("company", name="Epsilon")
        fitting = factories.solution(other, title="School crossing sensors",
                                     summary="Warns drivers of children at school crossings on busy roads.",
                                     sectors=["safety"])
        plain = factories.proposal(challenge, company, status="submitted", title="Our offer", approach="See below.")
        linked = factories.proposal(challenge, other, status="submitted", title="Our offer", approach="See below.",
                                    solutions=[fitting])
        db.session.commit()
        scored = ranking.rank(challenge, [plain, linked])
        assert scored[0].proposal.id == linked.id and scored[0].best_solution.id == fitting.id
        assert scored[0].solution > 0 and scored[1].solution == 0 and scored[0].text == scored[1].text


def test_a_korean_proposal_answers_an_english_challenge_through_the_glossary(app, setup):
    with app.test_request_context():
        city = get(Organisation, setup["city_org"])
        challenge = factories.challenge(city, title="Flood early warning for basement homes",
                                        summary="Warn residents of basement homes before flooding.",
                                        problem="Flooding reaches basement homes in heavy rain.",
                                        outcomes="Residents get a flood warning in time.")
        company = get(Organisation, setup["company_org"])
        korean = factories.proposal(challenge, company, status="submitted", language="ko", title="반지하 침수 경보",
                                    approach="폭우 때 반지하 주택 주민에게 침수 경보를 미리 보냅니다.")
        other = factories.proposal(challenge, get(Organisation, setup["other_company_org"]), status="submitted",
                                   title="Parking app", approach="An app that finds free parking places.")
        db.session.commit()
        scored = ranking.rank(challenge, [other, korean])
        assert scored[0].proposal.id == korean.id and scored[0].text > 0


def test_other_companies_get_404_everywhere(app, client, login, setup):
    proposal_id = sent(app, setup, partners=[(setup["consultancy_org"], "invited")])
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    login(setup["other_company"])
    for path in (f"/proposals/{proposal_id}", f"/proposals/{proposal_id}/edit", f"/proposals/invitations/{partner_id}"):
        assert client.get(path).status_code == 404, path
    for path in ("submit", "withdraw", "shortlist", "decline", "notes", "partners", f"partners/{partner_id}/remove"):
        assert client.post(f"/proposals/{proposal_id}/{path}", data={"reason": "x", "body": "x"}).status_code == 404
    assert client.post(f"/proposals/invitations/{partner_id}/confirm").status_code == 404
    assert client.get(f"/challenges/{setup['challenge']}/proposals").status_code == 403
    assert "Crossing sensors" not in client.get("/dashboard").get_data(as_text=True)


def test_dashboard_lists_led_proposals_and_pending_invitations(app, client, login, setup):
    led = sent(app, setup, status="draft", partners=[(setup["consultancy_org"], "invited")])
    login(setup["company"])
    assert f"/proposals/{led}" in client.get("/dashboard").get_data(as_text=True)
    login(setup["consultant"])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Consortium invitations waiting for your answer" in dashboard and "Alpha Sensing invites you" in dashboard
    assert f'href="/proposals/{led}"' not in dashboard


def test_pages_speak_korean(app, client, login, setup):
    proposal_id = sent(app, setup)
    with app.app_context():
        for persona in ("company", "city"):
            get(User, setup[persona]).locale = "ko"
        db.session.commit()
    login(setup["company"])
    assert "제안" in client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    login(setup["city"])
    page = client.get(f"/challenges/{setup['challenge']}/proposals").get_data(as_text=True)
    assert "제안" in page and "Proposals" not in page


def test_archived_solutions_cannot_be_linked(app, setup):
    with app.test_request_context():
        company = get(Organisation, setup["company_org"])
        archived = factories.solution(company, status=Solution.ARCHIVED, title="Old")
        member = get(User, setup["company"])
        with pytest.raises(Invalid):
            services.create(member, get(Challenge, setup["challenge_id"]),
                            dict(FORM, cost_estimate=1, solutions=[archived.id]))


# ---------------------------------------------------------------- attachments

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"


def attach(client, proposal_id, content=PDF, name="비용 계획.pdf"):
    return client.post(f"/proposals/{proposal_id}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name, "application/pdf")})


def stored_files(app):
    """The names in the upload folder and the StoredFile and ProposalAttachment rows."""
    from portal.files.models import StoredFile
    from portal.proposals.models import ProposalAttachment

    folder = Path(app.instance_path) / "uploads"
    with app.app_context():
        rows = [db.session.scalar(select(func.count()).select_from(model))
                for model in (StoredFile, ProposalAttachment)]
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else [], rows


def fetch(client, path):
    """GET `path`: its status and body, the response closed (a download streams a file)."""
    response = client.get(path)
    status, data = response.status_code, response.data
    response.close()
    return status, data


def attachment_ids(app, proposal_id):
    from portal.proposals.models import ProposalAttachment
    with app.app_context():
        return list(db.session.scalars(select(ProposalAttachment.id).where(
            ProposalAttachment.proposal_id == proposal_id)))


def test_the_lead_attaches_a_file_and_everyone_who_sees_the_proposal_downloads_it(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    invite(client, proposal_id, setup["other_company_org"])
    response = attach(client, proposal_id)
    assert response.status_code == 302 and response.headers["Location"].endswith("#attachments")
    (attachment_id,) = attachment_ids(app, proposal_id)
    path = f"/proposals/{proposal_id}/attachments/{attachment_id}"
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "비용 계획.pdf" in page and path in page
    download = client.get(path)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%EB%B9%84%EC%9A%A9%20%EA%B3%84%ED%9A%8D.pdf" in download.headers["Content-Disposition"]
    download.close()
    # While it is a draft only the consortium sees it, the invited partner once it confirms.
    readers = {"city": 404, "consultant": 404, "other_company": 404, "other_city": 404, "admin": 404}
    for persona, status in readers.items():
        login(setup[persona])
        assert fetch(client, path)[0] == status, persona
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    login(setup["other_company"])
    client.post(f"/proposals/invitations/{partner_id}/confirm")
    assert fetch(client, path) == (200, PDF)
    login(setup["company"])
    assert client.post(f"/proposals/{proposal_id}/submit").status_code == 302
    # Once sent, the city and the assigned consultancy download it too; nobody else ever.
    readers.update(city=200, consultant=200, other_company=200)
    for persona, status in readers.items():
        login(setup[persona])
        answer, data = fetch(client, path)
        assert answer == status, persona
        assert (data == PDF) is (status == 200), persona
        if status == 200:
            assert "비용 계획.pdf" in client.get(f"/proposals/{proposal_id}").get_data(as_text=True), persona


def test_a_partner_the_city_and_the_consultancy_cannot_attach_or_remove(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    attach(client, proposal_id)
    (attachment_id,) = attachment_ids(app, proposal_id)
    invite(client, proposal_id, setup["other_company_org"])
    client.post(f"/proposals/{proposal_id}/submit")
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    login(setup["other_company"])
    client.post(f"/proposals/invitations/{partner_id}/confirm")
    for persona in ("other_company", "city", "consultant"):
        login(setup[persona])
        section = client.get(f"/proposals/{proposal_id}").get_data(as_text=True).split('id="attachments"')[1]
        section = section.split("</section>")[0]
        assert "비용 계획.pdf" in section and "/remove" not in section and "multipart" not in section, persona
        assert attach(client, proposal_id, name="mine.pdf").status_code == 403, persona
        assert client.post(f"/proposals/{proposal_id}/attachments/{attachment_id}/remove").status_code == 403
    assert attachment_ids(app, proposal_id) == [attachment_id]
    assert len(stored_files(app)[0]) == 1


@pytest.mark.parametrize("content, name, message", [
    (EXE, "budget.pdf", "a Windows program, whatever its name says"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "plan.txt", "a web page or markup"),
    (PDF, "plan.exe", "its name ends in “.exe”"),
])
def test_hostile_uploads_are_refused_with_a_message_and_nothing_is_kept(app, client, login, setup, content, name,
                                                                        message):
    proposal_id = create_draft(client, login, setup)
    response = attach(client, proposal_id, content, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Crossing sensors" in page  # the proposal page, with the reason at the field
    assert stored_files(app) == ([], [0, 0])


def test_an_upload_without_a_file_says_so(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    response = client.post(f"/proposals/{proposal_id}/attachments", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)


def test_an_attachment_over_the_cap_is_refused_with_the_limit(instance_path, setup):
    from .conftest import build_app, log_in

    app = build_app(instance_path, MAX_UPLOAD_BYTES=1000)
    client = app.test_client()
    log_in(app, client, setup["company"])
    proposal_id = create_draft(client, lambda _user: None, setup)
    response = attach(client, proposal_id, PDF + b"0" * 1000, "big.pdf")
    assert response.status_code == 422
    assert "The file is larger than 1000 B, the most this site accepts." in response.get_data(as_text=True)
    assert stored_files(app) == ([], [0, 0])
    # Beyond the cap and a form's worth of fields the body is not even read; other proposal forms keep the
    # portal's small limit.
    assert attach(client, proposal_id, PDF + b"0" * (2 * 1024 * 1024), "huge.pdf").status_code == 413
    response = client.post(f"/proposals/{proposal_id}/notes", content_type="multipart/form-data",
                           data={"body": "x", "file": (io.BytesIO(b"0" * (3 * 1024 * 1024)), "x.pdf")})
    assert response.status_code == 413


def test_a_proposal_holds_a_limited_number_of_attachments(app, client, login, setup, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENTS_MAX", 2)
    proposal_id = create_draft(client, login, setup)
    assert attach(client, proposal_id, name="one.pdf").status_code == 302
    assert attach(client, proposal_id, name="two.pdf").status_code == 302
    response = attach(client, proposal_id, name="three.pdf")
    assert response.status_code == 422 and "at most 2 attachments" in response.get_data(as_text=True)
    assert len(attachment_ids(app, proposal_id)) == 2 and len(stored_files(app)[0]) == 2


def test_an_attachment_is_not_found_under_another_proposals_address(app, client, login, setup):
    own = create_draft(client, login, setup)
    attach(client, own)
    (attachment_id,) = attachment_ids(app, own)
    client.post(f"/proposals/{own}/submit")
    with app.app_context():
        other = factories.proposal(get(Challenge, setup["challenge_id"]),
                                   get(Organisation, setup["other_company_org"]), status="submitted").id
        db.session.commit()
    # The city sees both proposals, yet the attachment exists only under its own.
    login(setup["city"])
    assert fetch(client, f"/proposals/{own}/attachments/{attachment_id}")[0] == 200
    assert fetch(client, f"/proposals/{other}/attachments/{attachment_id}")[0] == 404
    login(setup["other_company"])
    assert fetch(client, f"/proposals/{other}/attachments/{attachment_id}")[0] == 404
    assert client.post(f"/proposals/{other}/attachments/{attachment_id}/remove").status_code == 404
    assert attachment_ids(app, own) == [attachment_id]


def test_the_lead_removes_an_attachment_and_its_bytes_go(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    attach(client, proposal_id, name="old.pdf")
    attach(client, proposal_id, name="new.pdf")
    first, second = attachment_ids(app, proposal_id)
    before = set(stored_files(app)[0])
    response = client.post(f"/proposals/{proposal_id}/attachments/{first}/remove")
    assert response.status_code == 302
    assert "“old.pdf” is removed" in client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    names, rows = stored_files(app)
    assert rows == [1, 1] and len(names) == 1 and set(names) < before
    assert fetch(client, f"/proposals/{proposal_id}/attachments/{first}")[0] == 404
    assert fetch(client, f"/proposals/{proposal_id}/attachments/{second}")[0] == 200
    assert client.post(f"/proposals/{proposal_id}/attachments/{first}/remove").status_code == 404


def test_after_the_challenge_closes_attachments_stay_readable_and_fixed(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    attach(client, proposal_id)
    (attachment_id,) = attachment_ids(app, proposal_id)
    client.post(f"/proposals/{proposal_id}/submit")
    with app.app_context():
        get(Challenge, setup["challenge_id"]).status = Challenge.CLOSED
        db.session.commit()
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "비용 계획.pdf" in page and 'enctype="multipart/form-data"' not in page
    refused = attach(client, proposal_id, name="late.pdf")
    assert refused.status_code == 409 and "The challenge has closed" in refused.get_data(as_text=True)
    assert client.post(f"/proposals/{proposal_id}/attachments/{attachment_id}/remove").status_code == 409
    assert fetch(client, f"/proposals/{proposal_id}/attachments/{attachment_id}") == (200, PDF)
    assert len(stored_files(app)[0]) == 1


# ---------------------------------------------------------------- deleting an abandoned draft

def test_the_lead_deletes_an_abandoned_draft_and_may_start_again(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    invite(client, proposal_id, setup["other_company_org"])
    attach(client, proposal_id)
    assert client.get(f"/challenges/{setup['challenge']}/proposals/new").status_code == 302  # the draft blocks
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert f"/proposals/{proposal_id}/delete" in page
    confirm = client.get(f"/proposals/{proposal_id}/delete").get_data(as_text=True)
    assert "Delete the draft?" in confirm and "1 attachment<" in confirm and "1 consortium invitation" in confirm
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    response = client.post(f"/proposals/{proposal_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == f"/challenges/{setup['challenge']}"
    assert "The draft is deleted." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert get(Proposal, proposal_id) is None and get(ConsortiumPartner, partner_id) is None
    assert stored_files(app) == ([], [0, 0])
    assert client.get(f"/proposals/{proposal_id}").status_code == 404
    login(setup["other_company"])
    assert client.get(f"/proposals/invitations/{partner_id}").status_code == 404
    # Nothing blocks a new proposal now.
    with app.app_context():
        assert get(Proposal, create_draft(client, login, setup)).partners == []


def test_only_a_draft_is_deleted_and_only_by_its_lead(app, client, login, setup):
    proposal_id = create_draft(client, login, setup)
    invite(client, proposal_id, setup["other_company_org"])
    with app.app_context():
        partner_id = get(Proposal, proposal_id).partners[0].id
    login(setup["other_company"])
    client.post(f"/proposals/invitations/{partner_id}/confirm")
    assert client.get(f"/proposals/{proposal_id}/delete").status_code == 403
    assert client.post(f"/proposals/{proposal_id}/delete").status_code == 403
    for persona in ("city", "consultant", "admin"):  # a draft does not exist for them
        login(setup[persona])
        assert client.post(f"/proposals/{proposal_id}/delete").status_code == 404, persona
    login(setup["company"])
    client.post(f"/proposals/{proposal_id}/submit")
    assert client.get(f"/proposals/{proposal_id}").get_data(as_text=True).count(f"/proposals/{proposal_id}/delete") == 0
    assert client.get(f"/proposals/{proposal_id}/delete").status_code == 302
    refused = client.post(f"/proposals/{proposal_id}/delete")
    assert refused.status_code == 409 and "only a draft can be deleted" in refused.get_data(as_text=True)
    login(setup["city"])
    assert client.post(f"/proposals/{proposal_id}/delete").status_code == 403
    with app.app_context():
        assert get(Proposal, proposal_id).status == "submitted"


def test_a_delete_racing_a_submit_changes_nothing(app, setup):
    with app.test_request_context():
        proposal = factories.proposal(get(Challenge, setup["challenge_id"]), get(Organisation, setup["company_org"]))
        db.session.commit()
        lead = get(User, setup["company"])
        # Another request submitted it after this one loaded the draft.
        db.session.execute(db.update(Proposal).where(Proposal.id == proposal.id).values(status="submitted")
                           .execution_options(synchronize_session=False))
        assert proposal.status == "draft"
        with pytest.raises(services.Stale, match="submitted meanwhile"):
            services.delete_draft(lead, proposal)
        assert proposal.status == "submitted"
        db.session.rollback()
        assert get(Proposal, proposal.id) is not None


def test_the_ranked_list_leads_the_city_from_its_shortlist_into_the_workspace(app, client, setup, login):
    login(setup["city"])
    assert "See the ranked proposals" not in client.get(f"/challenges/{setup['challenge']}").get_data(as_text=True)
    with app.test_request_context():
        challenge = db.session.get(Challenge, setup["challenge_id"])
        factories.proposal(challenge, db.session.get(Organisation, setup["company_org"]), status="submitted")
        db.session.commit()
    assert "See the ranked proposals" in client.get(f"/challenges/{setup['challenge']}").get_data(as_text=True)
    ranked = f"/challenges/{setup['challenge']}/proposals"
    assert "Open a workspace" not in client.get(ranked).get_data(as_text=True)  # nobody is shortlisted yet
    with app.test_request_context():
        db.session.scalar(select(Proposal)).status = Proposal.SHORTLISTED
        db.session.commit()
    assert f'href="/workspaces/open/{setup["challenge"]}"' in client.get(ranked).get_data(as_text=True)
    login(setup["consultant"])
    assert "/workspaces/open/" not in client.get(ranked).get_data(as_text=True)
