"""Malformed requests get a 400 or 413 with a reason and change nothing; CSRF is enforced."""
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db

from .conftest import build_app
from .factories import PASSWORD
from .test_accounts import REGISTRATION


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_nul_character_in_a_form_returns_the_form_with_the_text_kept(app, client):
    response = client.post("/register", data=dict(REGISTRATION, name="Hana\x00Lee",
                                                   organisation_description="Port\x00 city."))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="HanaLee"' in page and "\nPort city.</textarea>" in page  # what was typed, less the NUL
    name_errors = page.split('id="name-errors"')[1].split("</div>")[0]
    assert "NUL character" in name_errors
    assert 'id="organisation_description-errors"' in page and 'id="email-errors"' not in page
    assert user_count(app) == 0


def test_nul_character_in_a_login_is_refused_beside_the_field(client, world):
    response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD + "\x00"})
    assert response.status_code in (401, 422)
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_malformed_utf8_in_a_form_is_refused(app, client):
    body = b"name=Hana%FFLee&email=hana%40example.org"
    response = client.post("/register", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_malformed_query_strings_are_refused(client):
    assert client.get("/solutions?sector=%C3%28").status_code == 400
    assert client.get("/solutions?country=K%00R").status_code == 400


def test_large_bodies_are_refused(client):
    response = client.post("/login", data={"email": "a@b.example", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_csrf_token_is_required(instance_path, world):
    app = build_app(instance_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_stylesheets_are_served_by_the_app(client):
    page = client.get("/").get_data(as_text=True)
    assert "cdn" not in page.lower()
    assert client.get("/static/css/portal.css").status_code == 200
    css_link = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert client.get(css_link).status_code == 200


def test_unknown_pages_and_methods_answer_with_reasons(client):
    assert client.get("/solutions/sol-missing").status_code == 404
    assert client.get("/logout").status_code == 405


def test_behind_a_proxy_throttling_counts_the_forwarded_address(instance_path, world):
    from portal.accounts.models import LoginFailure

    app = build_app(instance_path, PROXY_HOPS=1)
    client = app.test_client()
    client.post("/login", data={"email": "company@example.org", "password": "guess guess"},
                headers={"X-Forwarded-For": "203.0.113.9"})
    with app.app_context():
        assert db.session.scalar(select(LoginFailure.address)) == "203.0.113.9"
