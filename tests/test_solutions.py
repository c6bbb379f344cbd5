"""Solutions: company members list them; the public catalogue filters and pages them."""
from sqlalchemy import select

from portal.extensions import db
from portal.organisations.models import Organisation
from portal.solutions.models import Solution

from . import factories

FORM = {"title": "Flood sensor for semi-basements", "summary": "Warns residents before water gets in.",
        "language": "ko", "description": "반지하 주택의 침수를 조기에 감지합니다.",
        "title_ko": "반지하 침수 센서", "summary_ko": "물이 들어오기 전에 주민에게 알립니다.",
        "sectors": ["safety", "water-waste"], "trl": "8", "countries": ["KR", "DK"],
        "tags": "flood, sensor"}


def solutions(app):
    with app.app_context():
        return db.session.scalars(select(Solution)).all()


def test_company_member_creates_a_solution_shown_in_both_languages(app, client, world, login):
    login(world["company"])
    response = client.post("/solutions/new", data=dict(FORM, organisation_id=world["other_company_org"],
                                                       status="archived", key="sol-forged"))
    assert response.status_code == 302
    (solution,) = solutions(app)
    assert solution.organisation_id == world["company_org"] and solution.status == "published"
    assert solution.key != "sol-forged"
    assert (solution.trl, list(solution.countries), solution.tags) == (8, ["DK", "KR"], ["flood", "sensor"])
    client.post("/logout")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for text in ("Flood sensor for semi-basements", "반지하 침수 센서", "물이 들어오기 전에", "반지하 주택의 침수를",
                 "TRL 8 of 9", "Denmark"):
        assert text in page


def test_invalid_solution_is_refused_field_by_field(app, client, world, login):
    login(world["company"])
    response = client.post("/solutions/new", data=dict(FORM, trl="10", countries=["XX"], sectors=[], title=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Must be a whole number from 1 to 9." in page
    assert "This field is required." in page
    assert 'value="10"' in page
    assert solutions(app) == []
    response = client.post("/solutions/new", data=dict(FORM, sectors=[], title="x" * 201))
    assert "Choose at least one sector." in response.get_data(as_text=True)
    assert "At most 200 characters." in response.get_data(as_text=True)
    assert solutions(app) == []


def test_only_company_members_add_solutions(client, world, login):
    login(world["city"])
    assert client.get("/solutions/new").status_code == 403
    assert client.post("/solutions/new", data=FORM).status_code == 403


def test_edit_and_archive(app, client, world, login):
    with app.test_request_context():
        key = factories.solution(db.session.get(Organisation, world["company_org"])).key
        db.session.commit()
    login(world["company"])
    response = client.post(f"/solutions/{key}/edit", data=dict(FORM, title="Renamed sensor"))
    assert response.status_code == 302
    assert "Renamed sensor" in client.get(f"/solutions/{key}").get_data(as_text=True)
    client.post(f"/solutions/{key}/archive")
    assert "Renamed sensor" not in client.get("/solutions").get_data(as_text=True)
    assert "archived" in client.get(f"/solutions/{key}").get_data(as_text=True)
    login(world["other_company"])
    assert client.get(f"/solutions/{key}").status_code == 404
    assert client.post(f"/solutions/{key}/edit", data=FORM).status_code == 404


def test_catalogue_filters(app, client, world):
    with app.test_request_context():
        alpha = db.session.get(Organisation, world["company_org"])
        beta = db.session.get(Organisation, world["other_company_org"])
        factories.solution(alpha, title="Kappa bus planner", sectors=["mobility"], trl=9, countries=["KR"])
        factories.solution(alpha, title="Lambda leak finder", sectors=["water-waste"], trl=5, countries=["SE"])
        factories.solution(beta, title="Mu heat pump control", sectors=["energy"], trl=7, countries=["SE", "DK"])
        hidden = factories.organisation("company", verified=False)
        factories.solution(hidden, title="Nu unverified thing", sectors=["energy"])
        db.session.commit()

    def titles(query):
        page = client.get("/solutions" + query).get_data(as_text=True)
        return {t for t in ("Kappa", "Lambda", "Mu heat", "Nu unverified") if t in page}

    assert titles("") == {"Kappa", "Lambda", "Mu heat"}
    assert titles("?sector=energy") == {"Mu heat"}
    assert titles("?country=SE") == {"Lambda", "Mu heat"}
    assert titles("?trl_min=6&trl_max=8") == {"Mu heat"}
    assert titles("?organisation=alpha-sensing") == {"Kappa", "Lambda"}
    response = client.get("/solutions?trl_min=abc&sector=nonsense&country=SE")
    assert response.status_code == 200 and "were not valid" in response.get_data(as_text=True)
    assert titles("?trl_min=abc&sector=nonsense&country=SE") == {"Lambda", "Mu heat"}  # the valid filter holds


def test_catalogue_pages(app, client, world):
    with app.test_request_context():
        alpha = db.session.get(Organisation, world["company_org"])
        for number in range(25):
            factories.solution(alpha, title=f"Numbered solution {number:02d}")
        db.session.commit()
    first = client.get("/solutions").get_data(as_text=True)
    second = client.get("/solutions?page=2").get_data(as_text=True)
    assert first.count("Numbered solution") == 20 and second.count("Numbered solution") == 5
    assert "25 solutions" in first
    assert client.get("/solutions?page=99").status_code == 200


def test_the_error_summary_links_to_each_field_it_names(client, world, login):
    login(world["company"])
    page = client.post("/solutions/new", data=dict(FORM, trl="10", sectors=[], title="")).get_data(as_text=True)
    summary = page.split('class="alert alert-danger error-summary"')[1].split("</div>")[0]
    assert '<a href="#title">' in summary and '<a href="#trl">' in summary
    assert '<a href="#sectors-0">' in summary  # a list of checkboxes: its first box
    assert 'id="title"' in page and 'id="trl"' in page and 'id="sectors-0"' in page


def test_invisible_format_characters_are_refused_in_titles(app, client, world, login):
    login(world["company"])
    response = client.post("/solutions/new", data=dict(FORM, title="Smart \u202ecrossing guard"))
    assert response.status_code == 422
    assert "U+202E" in response.get_data(as_text=True) and solutions(app) == []
    for title in ("Zero\u200bwidth", "Soft\u00adhyphen", "Mark\u200eed", "Bom\ufeff"):
        assert client.post("/solutions/new", data=dict(FORM, title=title)).status_code == 422, repr(title)
    # What emoji and Korean text need stays allowed: a joiner builds a person-at-a-computer emoji, tag
    # characters a subdivision flag (Scotland).
    scotland = "\U0001F3F4" + "".join(chr(0xE0000 + ord(letter)) for letter in "gbsct") + "\U000E007F"
    emoji = f"Coders \U0001F469\u200d\U0001F4BB and 보행자 {scotland}"
    assert client.post("/solutions/new", data=dict(FORM, title=emoji)).status_code == 302
    assert [solution.title for solution in solutions(app)] == [emoji]
