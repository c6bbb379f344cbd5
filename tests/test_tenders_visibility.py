"""Who may see a tender: a draft is its city's alone (administrators included); every published state is
public. Pages, the listing, the dashboard, downloads and the rule itself agree, for every role."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.model_types import utcnow
from portal.tenders import services
from portal.tenders.models import Question, Tender

from . import tender_factories

PERSONAS = ("anonymous", "company", "other_company", "city", "other_city", "consultant", "admin")
STATES = ("draft", "open", "sealed", "to-open", "cancelled")


def may_see(persona, state):
    """The rule as people state it: anyone once published; the draft only the members of its city."""
    return state != "draft" or persona == "city"


@pytest.fixture
def tenders(app, world):
    """One tender of the city in each state, titled after it."""
    with app.test_request_context():
        city = db.session.get(User, world["city"])
        now = utcnow()
        built = {
            "draft": tender_factories.draft(city, title="Tender draft"),
            "open": tender_factories.published(city, title="Tender open"),
            "sealed": tender_factories.published(city, now - timedelta(days=31), title="Tender sealed",
                                                 opening_at=now + timedelta(days=1)),
            "to-open": tender_factories.published(city, now - timedelta(days=40), title="Tender to-open"),
            "cancelled": tender_factories.published(city, title="Tender cancelled"),
        }
        services.cancel(city, built["cancelled"], "No budget.")
        assert {state: tender.phase(now) for state, tender in built.items()} == {state: state for state in STATES}
        db.session.commit()
        return {state: tender.id for state, tender in built.items()}


def client_as(app, login_as, world, persona):
    client = app.test_client()
    if persona != "anonymous":
        login_as(client, world[persona])
    return client


@pytest.fixture
def login_as(app):
    from .conftest import log_in
    return lambda client, user_id: log_in(app, client, user_id)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_path_agrees_with_the_rule(app, world, tenders, login_as, persona):
    client = client_as(app, login_as, world, persona)
    listing = client.get("/tenders").get_data(as_text=True) + client.get("/tenders?phase=closed").get_data(
        as_text=True)
    for state, tender_id in tenders.items():
        seen = may_see(persona, state)
        assert client.get(f"/tenders/{tender_id}").status_code == (200 if seen else 404), state
        download = client.get(f"/tenders/{tender_id}/versions/1.pdf")
        assert download.status_code == (404 if state == "draft" else 200), state
        download.close()
        # The public listing holds every published tender; a draft shows there only to its city, as its draft.
        listed = f'href="/tenders/{tender_id}"' in listing
        assert listed is seen, state
    public_part = listing.split("Your city’s drafts")[-1].split("</section>")[-1]
    assert "Tender draft" not in public_part
    with app.test_request_context():
        user = db.session.get(User, world[persona]) if persona != "anonymous" else None
        visible = set(db.session.scalars(select(Tender.id).where(Tender.visible_to(user))))
        assert visible == {tender_id for state, tender_id in tenders.items() if may_see(persona, state)}
    if persona != "anonymous":
        dashboard = client.get("/dashboard").get_data(as_text=True)
        on_dashboard = {state for state, tender_id in tenders.items() if f'href="/tenders/{tender_id}"' in dashboard}
        assert on_dashboard == (set(STATES) if persona == "city" else set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_city_reaches_the_drafts_form_and_actions(app, world, tenders, login_as, persona):
    client = client_as(app, login_as, world, persona)
    draft = tenders["draft"]
    wanted = 200 if persona == "city" else 302 if persona == "anonymous" else 404
    assert client.get(f"/tenders/{draft}/edit").status_code == wanted
    assert client.get(f"/tenders/{draft}/delete").status_code == wanted
    page = client.get(f"/tenders/{tenders['open']}").get_data(as_text=True)
    assert (f'href="/tenders/{tenders["open"]}/amend"' in page) is (persona == "city")
    assert ("Cancel the tender" in page) is (persona == "city")


def test_questions_follow_their_own_rule(app, world, tenders):
    """Unanswered: the asking organisation and the city; answered: everyone, as its tender."""
    with app.test_request_context():
        open_tender = db.session.get(Tender, tenders["open"])
        company, city = (db.session.get(User, world[name]) for name in ("company", "city"))
        waiting = services.ask(company, open_tender, "Waiting?")
        answered = services.ask(company, open_tender, "Answered?")
        services.answer(city, answered, "Yes.")
        db.session.commit()
        for persona in PERSONAS:
            user = db.session.get(User, world[persona]) if persona != "anonymous" else None
            seen = set(db.session.scalars(select(Question.id).where(Question.visible_to(user))))
            wanted = {answered.id} | ({waiting.id} if persona in ("company", "city") else set())
            assert seen == wanted, persona
            assert {question.id for question in services.questions_for(user, open_tender)} == wanted, persona
