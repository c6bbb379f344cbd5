"""Listings, the home page and search keep what they rendered only while the data they show is unchanged."""
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.extensions import db
from portal.model_types import utcnow
from portal.organisations.models import Organisation
from portal.search.backend import get_backend
from portal.solutions import services as solution_services
from portal.solutions.models import Solution

from . import factories


@pytest.fixture
def catalogue(app, world):
    with app.app_context():
        company = db.session.get(Organisation, world["company_org"])
        solution = factories.solution(company, title="Rain garden planner")
        db.session.commit()
        return {"solution": solution.id, "key": solution.key}


def rename(app, world, solution_id, title):
    with app.test_request_context():
        actor = db.session.get(User, world["company"])
        solution = db.session.get(Solution, solution_id)
        solution_services.update(actor, solution, factories.solution_data(title=title))
        db.session.commit()


@pytest.mark.parametrize("path", ["/", "/solutions", "/search?q=garden+planner"])
def test_an_edit_shows_at_once_where_the_record_was_listed(app, client, world, catalogue, path):
    assert "Rain garden planner" in client.get(path).get_data(as_text=True)
    rename(app, world, catalogue["solution"], "Rain garden planner for courtyards")
    page = client.get(path).get_data(as_text=True)
    assert "Rain garden planner for courtyards" in page


def test_an_edit_shows_at_once_even_when_the_index_update_fails(app, client, world, catalogue, monkeypatch):
    assert "Rain garden planner" in client.get("/solutions").get_data(as_text=True)
    with app.app_context():
        backend = get_backend()

    def broken(_documents):
        raise OSError("disk full")

    monkeypatch.setattr(backend, "add", broken)
    rename(app, world, catalogue["solution"], "Courtyard rain planner")
    page = client.get("/solutions").get_data(as_text=True)
    assert "Courtyard rain planner" in page and "Rain garden planner" not in page


def test_a_challenge_moves_to_closed_when_its_time_passes(app, client, world):
    with app.app_context():
        city = db.session.get(Organisation, world["city_org"])
        challenge = factories.challenge(city, title="Quieter night buses")
        db.session.commit()
        challenge_id = challenge.id
    assert "Quieter night buses" in client.get("/challenges?phase=open").get_data(as_text=True)
    assert "Quieter night buses" not in client.get("/challenges?phase=closed").get_data(as_text=True)
    with app.app_context():  # time passes: nothing is written through the models, so nothing is re-indexed
        past = utcnow() - timedelta(minutes=1)
        db.session.execute(update(Challenge).where(Challenge.id == challenge_id).values(closes_at=past))
        db.session.commit()
    assert "Quieter night buses" not in client.get("/challenges?phase=open").get_data(as_text=True)
    assert "Quieter night buses" in client.get("/challenges?phase=closed").get_data(as_text=True)
    assert "Quieter night buses" not in client.get("/").get_data(as_text=True)


def test_search_results_made_for_one_viewer_never_reach_another(app, client, world, login):
    with app.app_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, status=Solution.ARCHIVED, title="Retired kerbside charger")
        db.session.commit()
    login(world["company"])
    assert "Retired kerbside charger" in client.get("/search?q=kerbside+charger").get_data(as_text=True)
    client.post("/logout")
    assert "Retired kerbside charger" not in client.get("/search?q=kerbside+charger").get_data(as_text=True)
    login(world["other_company"])
    assert "Retired kerbside charger" not in client.get("/search?q=kerbside+charger").get_data(as_text=True)


def test_a_listing_rendered_in_korean_is_not_served_in_english(client, catalogue):
    client.post("/language", data={"language": "ko"})
    assert "분야" in client.get("/solutions").get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    page = client.get("/solutions").get_data(as_text=True)
    assert "Sector" in page and "분야" not in page


class Statements:
    """Counts the SELECT statements the app sends while it is used."""

    def __init__(self, app):
        self.app, self.selects = app, []

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            self.selects.append(statement)


def test_a_solution_and_a_challenge_page_are_read_in_one_query(app, client, world):
    """Their sectors, countries and consultancies come with the record, not one query each."""
    with app.app_context():
        company = db.session.get(Organisation, world["company_org"])
        city = db.session.get(Organisation, world["city_org"])
        solution = factories.solution(company, sectors=["energy", "water-waste"], countries=["DK", "KR"])
        challenge = factories.challenge(city, sectors=["mobility", "water-waste"])
        db.session.commit()
        solution_key, challenge_key = solution.key, challenge.key
    client.get(f"/solutions/{solution_key}")  # the first request of a process loads what every page needs
    with Statements(app) as statements:
        solution_page = client.get(f"/solutions/{solution_key}").get_data(as_text=True)
    assert len(statements.selects) == 1, statements.selects
    assert "Denmark" in solution_page and "Korea" in solution_page and "Water and waste" in solution_page
    with Statements(app) as statements:
        challenge_page = client.get(f"/challenges/{challenge_key}").get_data(as_text=True)
    assert len(statements.selects) == 1, statements.selects
    assert "Mobility" in challenge_page and "Water and waste" in challenge_page


def test_a_signed_in_company_s_dashboard_does_not_read_organisations_sectors(app, client, world, login):
    """Organisations come with nearly every row and with the signed-in user; their sectors only with their page."""
    with app.app_context():
        company = db.session.get(Organisation, world["company_org"])
        company.sectors = ["energy", "mobility"]
        factories.solution(company)
        db.session.commit()
        key = company.key
    login(world["company"])
    client.get("/dashboard")
    with Statements(app) as statements:
        assert client.get("/dashboard").status_code == 200
    assert not [statement for statement in statements.selects if "organisation_sectors" in statement]
    assert "Energy" in client.get(f"/organisations/{key}").get_data(as_text=True)
