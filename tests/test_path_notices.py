"""Everyone a step on the path concerns hears of it: a consultancy assigned to a challenge, the companies asked
to answer the fit table, the city told of their answers, the members told of the investment decision, the
authors of a requirement document told of a new revision and every member told when the city agrees it."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.extensions import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.workspaces.models import FitItem

from . import factories
from .conftest import log_in

INVESTMENT = {"budget_line": "Climate adaptation 2027", "amount": "4000000", "currency": "DKK",
              "funding_source": "The city's climate fund", "procurement_model": "innovation-partnership",
              "approved_by_name": "Signe Berg", "approved_by_role": "Head of climate",
              "approved_on": date.today().isoformat()}


def notices(user_id, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
                              .order_by(Notification.id)).all()


def mails_to(outbox, address):
    return [message for message in outbox() if message["To"] == address]


def client_of(app, world, persona):
    client = app.test_client()
    log_in(app, client, world[persona])
    return client


@pytest.fixture
def room(app, world):
    """A workspace with the city, the company and the other company, and the consultancy as facilitator."""
    with app.test_request_context():
        organisations = {name: db.session.get(Organisation, world[name]) for name in (
            "city_org", "company_org", "other_company_org", "consultancy_org")}
        db.session.get(User, world["company"]).name = "Hana Lee"
        db.session.get(User, world["other_company"]).name = "Erik Sund"
        db.session.get(User, world["city"]).name = "Mina Park"
        challenge = factories.challenge(organisations["city_org"], title="Flood warnings")
        workspace = factories.workspace(challenge, [organisations["company_org"], organisations["other_company_org"]],
                                        organisations["consultancy_org"])
        db.session.commit()
        return {"id": workspace.id, "challenge": challenge.key}


def test_the_consultancy_hears_that_the_city_assigned_it(app, world, outbox):
    with app.test_request_context():
        key = factories.challenge(db.session.get(Organisation, world["city_org"]), title="Cooler streets").key
        db.session.commit()
    city = client_of(app, world, "city")
    assert city.post(f"/challenges/{key}/consultants",
                     data={"organisation_id": str(world["consultancy_org"])}).status_code == 302
    with app.app_context():
        (notice,) = notices(world["consultant"], "consultancy_assigned")
        assert notice.link == f"/challenges/{key}"
        assert notices(world["company"], "consultancy_assigned") == []
    (mail,) = mails_to(outbox, "consultant@example.org")
    assert mail["Subject"] == "Your consultancy is assigned to a challenge on CoCity"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Seoul Test City assigned your consultancy to facilitate its challenge “Cooler streets”" in body
    assert f"http://localhost/challenges/{key}" in body
    consultant = client_of(app, world, "consultant")
    assert "assigned your consultancy to facilitate" in consultant.get("/notifications").get_data(as_text=True)
    # A refused assignment tells nobody.
    assert city.post(f"/challenges/{key}/consultants",
                     data={"organisation_id": str(world["consultancy_org"])}).status_code == 302
    with app.app_context():
        assert len(notices(world["consultant"], "consultancy_assigned")) == 1
        assert db.session.scalar(select(Challenge).where(Challenge.key == key)).consultants


def test_companies_are_asked_once_to_answer_the_fit_items_and_the_city_hears_their_answers(app, world, room, outbox):
    city = client_of(app, world, "city")
    base = f"/workspaces/{room['id']}"
    for title in ("The city's IoT platform", "KS X 6101 data"):
        assert city.post(f"{base}/fit/items", data={"category": "system", "title": title}).status_code == 302
    with app.app_context():
        for persona in ("company", "other_company"):
            (notice,) = notices(world[persona], "workspace_fit_items")  # one request, however many items
            assert notice.link == f"{base}/fit/answers"
        assert notices(world["city"], "workspace_fit_items") == []
        assert notices(world["consultant"], "workspace_fit_items") == []
    (mail,) = mails_to(outbox, "company@example.org")
    assert mail["Subject"] == "The city asks how your solution fits, on CoCity"
    assert f"http://localhost{base}/fit/answers" in mail.get_body(preferencelist=("plain",)).get_content()

    company = client_of(app, world, "company")
    company.post("/notifications/read")  # once read, the next item asks again
    assert city.post(f"{base}/fit/items", data={"category": "regulation", "title": "GDPR"}).status_code == 302
    with app.app_context():
        assert len(notices(world["company"], "workspace_fit_items")) == 2
        assert len(notices(world["other_company"], "workspace_fit_items")) == 1
        items = list(db.session.scalars(select(FitItem.id)))
    answers = {f"verdict-{item}": "fits" for item in items} | {f"how-{item}": "It does." for item in items}
    assert company.post(f"{base}/fit/answers", data=answers).status_code == 302
    with app.app_context():
        for persona in ("city", "consultant"):
            (notice,) = notices(world[persona], "workspace_fit_answered")
            assert notice.params["count"] == 3 and notice.link == f"{base}/fit"
        assert notices(world["other_company"], "workspace_fit_answered") == []
    mail = mails_to(outbox, "city@example.org")[-1]
    assert mail["Subject"] == "A company answered the fit table on CoCity"
    assert "Alpha Sensing answered 3 fit items" in mail.get_body(preferencelist=("plain",)).get_content()
    # Answers that change nothing tell nobody.
    assert company.post(f"{base}/fit/answers", data=answers).status_code == 302
    with app.app_context():
        assert len(notices(world["city"], "workspace_fit_answered")) == 1


def test_every_other_member_hears_of_the_investment_decision(app, world, room, outbox):
    city = client_of(app, world, "city")
    base = f"/workspaces/{room['id']}"
    assert city.post(f"{base}/investment", data=dict(INVESTMENT, amount="0")).status_code == 422
    with app.app_context():
        assert notices(world["company"], "workspace_investment") == []
    assert city.post(f"{base}/investment", data=INVESTMENT).status_code == 302
    with app.app_context():
        for persona in ("company", "other_company", "consultant"):
            (notice,) = notices(world[persona], "workspace_investment")
            assert notice.link == f"{base}/investment"
        assert notices(world["city"], "workspace_investment") == []
    mail = mails_to(outbox, "othercompany@example.org")[-1]
    assert mail["Subject"] == "An investment decision in a CoCity workspace"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Seoul Test City recorded its decision to invest in" in body and "Climate adaptation 2027" in body
    assert city.post(f"{base}/investment", data=dict(INVESTMENT, amount="4500000")).status_code == 302
    page = client_of(app, world, "company").get("/notifications").get_data(as_text=True)
    assert "Seoul Test City changed its investment decision in" in page


def test_authors_hear_of_new_revisions_and_every_member_of_the_agreement(app, world, room, outbox):
    base = f"/workspaces/{room['id']}/documents"
    company, other, city = (client_of(app, world, persona) for persona in ("company", "other_company", "city"))
    location = company.post(f"{base}/new", data={"title": "Sensor requirements", "body": "Sensors report hourly."}
                            ).headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(Notification.id).where(Notification.kind == "document_revised")) is None
    assert other.post(f"{location}/edit", data={"title": "Sensor requirements", "body": "Every 5 minutes.",
                                                "base": "1"}).status_code == 302
    with app.app_context():
        (notice,) = notices(world["company"], "document_revised")
        assert notice.params["number"] == 2 and location.endswith(notice.link)
        assert notices(world["other_company"], "document_revised") == []
        assert notices(world["city"], "document_revised") == []  # the city has not written in it
    mail = mails_to(outbox, "company@example.org")[-1]
    assert mail["Subject"] == "A new revision of a CoCity requirement document"
    assert "Erik Sund saved revision 2 of “Sensor requirements”" in mail.get_body(
        preferencelist=("plain",)).get_content()

    assert city.post(f"{location}/agree", data={"base": "2"}).status_code == 302
    with app.app_context():
        for persona in ("company", "other_company", "consultant"):
            (notice,) = notices(world[persona], "document_agreed")
            assert notice.params["number"] == 2
        assert notices(world["city"], "document_agreed") == []
    mail = mails_to(outbox, "consultant@example.org")[-1]
    assert mail["Subject"] == "A requirement document was agreed in a CoCity workspace"
    assert "Mina Park agreed revision 2 of “Sensor requirements”" in mail.get_body(
        preferencelist=("plain",)).get_content()
    # A refused agreement (already agreed) tells nobody again.
    city.post(f"{location}/agree", data={"base": "2"})
    with app.app_context():
        assert len(notices(world["company"], "document_agreed")) == 1
