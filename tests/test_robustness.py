"""Hostile input to every form: a clear 4xx or a normal answer, never a 500, never a half-written record."""
import pytest

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.solutions.models import Solution

from . import factories
from .conftest import log_in

HOSTILE = [
    "",
    " ",
    "x" * 20000,
    "'; DROP TABLE users; --",
    '"unbalanced <script>alert(1)</script>',
    "공무원에게 😀 \u202e\u200b",
    "-1",
    "99999999999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "1e309",
    "NaN",
    "../../etc/passwd",
]

# (persona, path, fields) for every form the portal has.
FORMS = [
    ("anonymous", "/register", ["name", "email", "password", "confirm", "locale", "organisation_kind",
                                "organisation_name", "organisation_country", "organisation_website",
                                "organisation_description", "organisation_sectors",
                                "organisation_alliance_member"]),
    ("anonymous", "/login", ["email", "password", "next"]),
    ("anonymous", "/password/forgot", ["email"]),
    ("company", "/account", ["locale", "timezone"]),
    ("company", "/account/password", ["current_password", "new_password", "confirm"]),
    ("company", "/organisations/alpha-sensing/edit", ["name", "country", "timezone", "website", "description",
                                                      "sectors", "alliance_member"]),
    ("company", "/organisations/alpha-sensing/members", ["email"]),
    ("company", "/solutions/new", ["title", "summary", "language", "description", "title_ko", "summary_ko",
                                   "sectors", "trl", "countries", "tags"]),
    ("city", "/challenges/new", ["title", "summary", "language", "problem", "outcomes", "title_ko",
                                 "summary_ko", "sectors", "budget_min", "budget_max", "currency", "opens",
                                 "closes"]),
    ("admin", "/admin/organisations/{pending_id}/reject", ["reason"]),
    ("anonymous", "/language", ["language", "next"]),
]

VALID = {
    "/solutions/new": factories.solution_data(trl="7", tags="a, b"),
    "/challenges/new": dict(factories.challenge_data(), budget_min="1", budget_max="2", opens="2030-01-01",
                            closes="2030-02-01"),
}


def snapshot(app):
    with app.app_context():
        return tuple(db.session.query(model).count() for model in (Organisation, Solution, Challenge))


@pytest.mark.parametrize(("persona", "path", "fields"), FORMS, ids=[form[1] for form in FORMS])
def test_hostile_values_never_cause_a_server_error(app, client, world, persona, path, fields):
    with app.test_request_context():
        pending_id = factories.organisation("company", verified=False).id
        db.session.commit()
    path = path.format(pending_id=pending_id)
    if persona != "anonymous":
        log_in(app, client, world[persona])
    base = dict(VALID.get(path, {}))
    for field in fields:
        for value in HOSTILE:
            before = snapshot(app)
            response = client.post(path, data=dict(base, **{field: value}))
            assert response.status_code < 500, (field, value[:40])
            if response.status_code >= 400:
                assert snapshot(app) == before, (field, value[:40])


def test_query_parameters_never_cause_a_server_error(client):
    for path in ("/solutions", "/challenges", "/organisations", "/admin/users"):
        for name in ("page", "sector", "country", "trl_min", "trl_max", "organisation", "phase", "kind", "q"):
            for value in HOSTILE:
                assert client.get(path, query_string={name: value}).status_code < 500, (path, name, value[:40])


HUGE = str(2**64)


def test_ids_that_cannot_exist_answer_not_found(app, client, world):
    with app.test_request_context():
        challenge = factories.challenge(db.session.get(Organisation, world["city_org"]))
        db.session.commit()
        challenge_key = challenge.key
    for persona, path in (("admin", f"/admin/users/{HUGE}/deactivate"),
                          ("admin", f"/admin/organisations/{HUGE}/verify"), ("company", f"/alerts/{HUGE}/delete"),
                          ("city", f"/challenges/{challenge_key}/consultants/{HUGE}/remove")):
        log_in(app, client, world[persona])
        assert client.post(path).status_code == 404, path


def test_an_organisation_id_that_cannot_exist_is_a_form_error(app, client, world):
    with app.test_request_context():
        challenge = factories.challenge(db.session.get(Organisation, world["city_org"]))
        db.session.commit()
        challenge_key = challenge.key
    log_in(app, client, world["city"])
    for value in (HUGE, "9" * 400, "-1"):
        response = client.post(f"/challenges/{challenge_key}/consultants", data={"organisation_id": value},
                               follow_redirects=True)
        assert response.status_code == 200 and "Choose a verified consultancy." in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "field", "message"), [
    ("/solutions/new", "trl", "Must be a whole number from 1 to 9."),
    ("/challenges/new", "budget_min", "Must be a whole, non-negative amount."),
    ("/challenges/new", "budget_max", "Must be a whole, non-negative amount."),
])
def test_numbers_of_hundreds_of_digits_are_form_errors(app, client, world, path, field, message):
    log_in(app, client, world["company" if path == "/solutions/new" else "city"])
    before = snapshot(app)
    response = client.post(path, data=dict(VALID[path], **{field: "9" * 400}))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_nul_character_in_the_path_is_a_bad_request(client):
    for path in ("/solutions/%00", "/challenges/a%00b", "/organisations/%00"):
        response = client.get(path)
        assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True), path
