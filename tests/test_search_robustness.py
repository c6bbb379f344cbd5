"""No single record may break search for others, and an index behind the database is noticed."""
import json

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.search.analysis import MAX_WORD_CHARS, gram_analyzer, terms, text_analyzer

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
