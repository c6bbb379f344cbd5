"""No single record may break search for others, and an index behind the database is noticed."""
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.search import services as search_services
from portal.search.analysis import MAX_WORD_CHARS, gram_analyzer, terms, text_analyzer
from portal.solutions.models import Solution

from . import factories
from .conftest import log_in
from .test_accounts import REGISTRATION

LONG_LATIN_WORD = "x" * 2100  # PostgreSQL refuses words over 2,047 bytes in a tsvector
LONG_HANGUL_WORD = "침수" * 500  # 3,000 bytes in UTF-8


def test_over_long_words_are_left_out_of_every_analysis():
    text = f"flood {LONG_LATIN_WORD} sensor {LONG_HANGUL_WORD}에서 {'y' * MAX_WORD_CHARS}"
    found = terms(text_analyzer(), text)
    assert found[:2] == ["flood", "sensor"] and found[2].startswith("y" * (MAX_WORD_CHARS - 1))  # stemmed
    assert all(len(term) <= MAX_WORD_CHARS for term in found)
    assert all(len(term) <= MAX_WORD_CHARS for term in terms(gram_analyzer(), text))


def test_a_record_with_an_over_long_word_breaks_nothing(app, client, runner, world, tmp_path):
    """A 2,100-character word (registered without logging in) and 3,000-byte Hangul words in a solution and
    in an imported file: search, dashboards, challenge pages and the commands still answer."""
    response = client.post("/register", data=dict(
        REGISTRATION, organisation_description=f"Harbour city {LONG_LATIN_WORD} with ferries."))
    assert response.status_code == 302
    client.post("/logout")
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        city = db.session.get(Organisation, world["city_org"])
        factories.solution(company, title="Basement flood sensor", summary="Warns residents of flooding.",
                           description=f"반지하 {LONG_HANGUL_WORD} 경보", sectors=["safety"])
        challenge = factories.challenge(city, title="Flood alerts for basements", sectors=["safety"],
                                        summary="Residents of basements need flood warnings.")
        challenge_key = challenge.key
        db.session.commit()
    imported = {"organisations": [{"key": "long-city", "kind": "city", "name": "Long City", "country": "KR",
                                   "description": "A city.", "website": "", "alliance_member": False}],
                "solutions": [], "challenges": [{
                    "key": "ch-long", "organisation": "long-city", "title": "Street flooding",
                    "summary": "Streets flood in summer.", "problem": f"도로 {LONG_HANGUL_WORD}",
                    "outcomes": "Dry streets.", "language": "en", "sectors": ["water-waste"],
                    "budget": {"min": 1, "max": 2, "currency": "KRW"}, "opens": "2030-01-01",
                    "closes": "2030-02-01"}]}
    path = tmp_path / "long.json"
    path.write_text(json.dumps(imported, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["import-json", str(path)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output

    page = client.get("/search", query_string={"q": "flood"})
    assert page.status_code == 200 and "Basement flood sensor" in page.get_data(as_text=True)
    assert "Street flooding" in client.get("/search", query_string={"q": "flooding"}).get_data(as_text=True)
    log_in(app, client, world["company"])
    assert client.get("/dashboard").status_code == 200
    log_in(app, client, world["city"])
    page = client.get(f"/challenges/{challenge_key}")
    assert page.status_code == 200 and "Basement flood sensor" in page.get_data(as_text=True)
    result = runner.invoke(args=["search", "flood", "--json"])
    assert result.exit_code == 0 and any(row["key"] == "ch-long" for row in json.loads(result.output))
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "indexed" in result.output, result.output
    with app.test_request_context():
        assert db.session.query(Challenge).filter_by(key="ch-long").one().problem.endswith(LONG_HANGUL_WORD)


def _commit_unindexed(app, change):
    """Commit `change(session)` as a server killed right after the commit would: the index never hears of it."""
    with app.app_context(), Session(bind=db.engine, info={"search_session": True}) as session:
        change(session)
        session.commit()
    app.extensions.pop("portal_search_checked", None)  # the server starts again


def _find(app, text, **options):
    with app.test_request_context():
        return [hit.title for hit in search_services.search(None, text, **options).hits]


def _solution(session, title):
    return session.scalars(select(Solution).where(Solution.title == title)).one()


@pytest.fixture
def indexed(app, world):
    """One public solution, indexed."""
    with app.test_request_context():
        company = db.session.get(Organisation, world["company_org"])
        factories.solution(company, title="Canal level sensor", summary="Measures the water.",
                           description="", tags=[], sectors=["water-waste"], countries=["KR"])
        db.session.commit()
    assert _find(app, "canal") == ["Canal level sensor"]


def test_an_edit_the_index_missed_is_found_when_the_server_starts_again(app, indexed):
    def retitle(session):
        _solution(session, "Canal level sensor").title = "Harbour tide gauge"

    _commit_unindexed(app, retitle)
    assert _find(app, "tide") == ["Harbour tide gauge"] and _find(app, "canal") == []


def test_a_sector_or_country_edit_the_index_missed_is_found(app, indexed):
    def move(session):
        solution = _solution(session, "Canal level sensor")
        solution.sectors = ["energy"]
        solution.countries = ["DK"]

    _commit_unindexed(app, move)
    assert _find(app, "canal", filters={"sectors": "energy"}) == ["Canal level sensor"]
    assert _find(app, "canal", filters={"countries": "DK"}) == ["Canal level sensor"]
    assert _find(app, "canal", filters={"sectors": "water-waste"}) == []


def test_a_verification_change_the_index_missed_is_found(app, indexed, world):
    def withdraw(session):
        session.get(Organisation, world["company_org"]).verification = Organisation.PENDING

    _commit_unindexed(app, withdraw)
    assert _find(app, "canal") == []


def test_a_record_created_through_the_form_is_found_at_once(app, client, world):
    """Creating a record sets a savepoint (see portal/keys.py); releasing it is no commit to index."""
    assert _find(app, "culvert") == []  # the index is checked against the database, once per process
    log_in(app, client, world["company"])
    data = factories.solution_data(title="Culvert debris camera", trl="7", tags="debris")
    assert client.post("/solutions/new", data=data).status_code == 302
    assert _find(app, "culvert") == ["Culvert debris camera"]
