"""Accounts: registration, login, sessions, throttling, passwords, invitations."""
import re

from argon2 import PasswordHasher
from sqlalchemy import func, select

from portal.accounts.models import LoginFailure, User
from portal.extensions import db
from portal.organisations.models import Organisation

from . import factories
from .conftest import build_app
from .factories import PASSWORD

REGISTRATION = {
    "name": "Hana Lee", "email": "hana@busan.example", "password": "a long passphrase",
    "confirm": "a long passphrase", "locale": "ko", "organisation_kind": "city",
    "organisation_name": "Busan Smart Office", "organisation_country": "KR",
    "organisation_website": "https://busan.example", "organisation_description": "Port city.",
    "organisation_sectors": ["mobility", "water-waste"], "organisation_alliance_member": "y",
}


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_register_creates_pending_organisation_and_logs_in(app, client):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Busan Smart Office" in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hana@busan.example"))
        assert user.role == "city" and user.locale == "ko" and user.timezone == "Asia/Seoul"
        assert user.organisation.verification == Organisation.PENDING
        assert user.organisation.sectors == ["mobility", "water-waste"]
        assert user.password_hash.startswith("$argon2id$")
    # Not public until an admin verifies it.
    assert client.get("/organisations/busan-smart-office").status_code == 200
    client.post("/logout")
    assert client.get("/organisations/busan-smart-office").status_code == 404


def test_registration_errors_all_show_at_once_beside_fields_and_keep_input(app, client):
    data = dict(REGISTRATION, email="not-an-email", password="short", confirm="short",
                organisation_country="XX", organisation_website="ftp://x")
    response = client.post("/register", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Busan Smart Office"' in page
    for message in ("Not a valid choice", "Enter a valid email address.", "Use at least 10 characters.",
                    "Enter a web address starting with https://."):
        assert message in page
    assert 'aria-invalid="true"' in page
    assert count(app, User) == 0 and count(app, Organisation) == 0


def test_registration_refuses_a_taken_email(app, client, world):
    response = client.post("/register", data=dict(REGISTRATION, email="company@example.org"))
    assert response.status_code == 422
    assert "An account with this email address exists already." in response.get_data(as_text=True)


def test_login_and_logout(client, world):
    response = client.post("/login", data={"email": "Company@Example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "Alpha Sensing" in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post("/login", data={"email": "company@example.org", "password": "wrong password"})
    assert response.status_code == 401
    assert "The email or password is wrong." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_logout_ends_the_session_on_the_server(app, client, world):
    client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    copied = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/dashboard").status_code == 302


def test_session_cookie_flags(client, world):
    response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_outside_debug_and_tests(instance_path):
    app = build_app(instance_path, TESTING=False)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_default_password_hash_is_argon2id_with_64_mib(instance_path):
    from portal import create_app
    from portal.accounts.services import hash_password

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance_path)})  # the shipped cost settings
    with app.app_context():
        assert re.match(r"^\$argon2id\$v=19\$m=65536,t=3,p=1\$", hash_password("x" * 12))


def test_login_throttled_per_account_even_with_the_right_password(app, client, world):
    for _ in range(5):
        client.post("/login", data={"email": "company@example.org", "password": "guess guess"})
    response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Another account from the same address is not locked by these five.
    assert client.post("/login", data={"email": "city@example.org", "password": PASSWORD}).status_code == 302


def test_login_throttled_per_address(instance_path, world):
    app = build_app(instance_path, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    for number in range(3):
        client.post("/login", data={"email": f"nobody{number}@example.org", "password": "guess guess"})
    response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_throttle_counts_are_shared_between_processes(instance_path, world):
    """Two app instances (as two workers) see the same failure counts."""
    first, second = build_app(instance_path), build_app(instance_path)
    for _ in range(3):
        first.test_client().post("/login", data={"email": "company@example.org", "password": "guess guess"})
    for _ in range(2):
        second.test_client().post("/login", data={"email": "company@example.org", "password": "guess guess"})
    assert count(first, LoginFailure) == 5
    response = first.test_client().post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert response.status_code == 429


def test_next_only_goes_to_paths_on_this_site(client, world):
    for target, expected in [
        ("/solutions?sector=energy", "/solutions?sector=energy"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ]:
        response = client.post("/login", data={"email": "company@example.org", "password": PASSWORD,
                                               "next": target})
        assert response.headers["Location"] == expected, target
        client.post("/logout")


def test_password_reset_by_emailed_link(app, client, world, outbox):
    response = client.post("/password/forgot", data={"email": "company@example.org"})
    assert response.status_code == 302
    (message,) = outbox()
    assert message["To"] == "company@example.org"
    link = re.search(r"http://localhost(/password/reset/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": "company@example.org", "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={"email": "company@example.org",
                                       "password": "a brand new secret"}).status_code == 302
    # The link worked once; the new password made it stale.
    assert client.get(link).status_code == 404


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(client, world, outbox):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert outbox() == []


def test_change_password_ends_other_sessions(app, client, world, login):
    other_browser = app.test_client()
    log_in_other = other_browser.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert log_in_other.status_code == 302
    login(world["company"])
    response = client.post("/account/password", data={
        "current_password": "wrong one here", "new_password": "another long secret",
        "confirm": "another long secret"})
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "another long secret", "confirm": "another long secret"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other_browser.get("/dashboard").status_code == 302


def test_invitation_lets_a_colleague_join(app, client, world, login, outbox):
    login(world["company"])
    response = client.post("/organisations/alpha-sensing/members", data={"email": "new.colleague@example.org"})
    assert response.status_code == 302
    (message,) = outbox()
    assert message["Subject"] == "An invitation to join an organisation on CoCity"
    assert "Organisation: “Alpha Sensing”" in message.get_content()
    link = re.search(r"http://localhost(/invitations/\S+)", message.get_content()).group(1)
    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert "new.colleague@example.org" in page
    response = client.post(link, data={"name": "New Colleague", "password": "colleague secret",
                                       "confirm": "colleague secret", "locale": "en"})
    assert response.status_code == 302
    with app.app_context():
        joined = db.session.scalar(select(User).where(User.email == "new.colleague@example.org"))
        assert joined.organisation.name == "Alpha Sensing"
    client.post("/logout")
    assert client.get(link).status_code == 404


def test_invitation_to_someone_with_an_account_is_refused(client, world, login, outbox):
    login(world["company"])
    response = client.post("/organisations/alpha-sensing/members", data={"email": "city@example.org"})
    assert response.status_code == 422
    assert "accounts belong to one organisation" in response.get_data(as_text=True)
    assert outbox() == []


def test_only_members_of_a_verified_organisation_may_invite(app, client, login, outbox):
    with app.test_request_context():
        pending = factories.organisation("company", verified=False, name="Your account is locked")
        member = factories.user(pending)
        db.session.commit()
        key, member_id = pending.key, member.id
    login(member_id)
    page = client.get(f"/organisations/{key}/members").get_data(as_text=True)
    assert "once an administrator has verified" in page and "Send invitation" not in page
    response = client.post(f"/organisations/{key}/members", data={"email": "target@example.org"})
    assert response.status_code == 422
    assert "once an administrator has verified" in response.get_data(as_text=True)
    assert outbox() == []


def test_invitations_are_limited_per_organisation_and_day(app, client, world, login, outbox):
    app.config["INVITATIONS_PER_DAY"] = 3
    login(world["company"])
    for number in range(3):
        response = client.post("/organisations/alpha-sensing/members", data={"email": f"p{number}@example.org"})
        assert response.status_code == 302
    response = client.post("/organisations/alpha-sensing/members", data={"email": "p3@example.org"})
    assert response.status_code == 422
    assert "3 invitations in the last 24 hours" in response.get_data(as_text=True)
    assert len(outbox()) == 3


def test_names_people_chose_never_reach_a_mail_header(app, client, world, login, outbox):
    name = "Alpha\u2028Subject: Your account is locked\u0085Bcc: all@example.org\u2029\u202e"
    with app.test_request_context():
        organisation = db.session.get(Organisation, world["company_org"])
        organisation.name = name
        db.session.get(User, world["company"]).name = "Mallory\u2028From: admin@cocity.example"
        db.session.commit()
    login(world["company"])
    for email in ("one@example.org", "two@example.org"):
        response = client.post("/organisations/alpha-sensing/members", data={"email": email})
        assert response.status_code == 302
    messages = outbox()
    assert [message["To"] for message in messages] == ["one@example.org", "two@example.org"]
    for message in messages:
        assert message["Subject"] == "An invitation to join an organisation on CoCity"
        assert message["From"] == app.config["MAIL_SENDER"]
        assert message["Bcc"] is None
        body = message.get_content()
        assert "Organisation: “Alpha Subject: Your account is locked Bcc: all@example.org”" in body
        assert "Invited by: “Mallory From: admin@cocity.example” <company@example.org>" in body


def test_admin_deactivation_logs_the_user_out(app, client, world, login):
    victim = app.test_client()
    victim.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    login(world["admin"])
    assert client.post(f"/admin/users/{world['company']}/deactivate").status_code == 302
    assert victim.get("/dashboard").status_code == 302
    response = victim.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert response.status_code == 401
    page = client.get("/admin/users?q=company").get_data(as_text=True)
    assert "Deactivated" in page


def test_admin_cannot_deactivate_themselves(client, world, login):
    login(world["admin"])
    response = client.post(f"/admin/users/{world['admin']}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)


def test_preferences_are_saved_and_validated(app, client, world, login):
    login(world["company"])
    response = client.post("/account", data={"locale": "ko", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert client.post("/account", data={"locale": "ko", "timezone": "Europe/Oslo"}).status_code == 302
    with app.app_context():
        user = db.session.get(User, world["company"])
        assert (user.locale, user.timezone) == ("ko", "Europe/Oslo")


def test_registration_cannot_make_an_admin_or_a_verified_organisation(app, client):
    forged = dict(REGISTRATION, is_admin="y", active="y", organisation_verification="verified",
                  verification="verified", organisation_id="1")
    assert client.post("/register", data=forged).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hana@busan.example"))
        assert not user.is_admin
        assert user.organisation.verification == Organisation.PENDING


def test_old_failures_and_expired_sessions_are_cleaned_up(app, client, world):
    from datetime import timedelta

    from portal.accounts.models import UserSession
    from portal.model_types import utcnow

    with app.app_context():
        db.session.add(LoginFailure(email="company@example.org", address="10.0.0.1",
                                    at=utcnow() - timedelta(hours=2)))
        db.session.add(UserSession(token="stale", user_id=world["company"], expires_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    client.post("/login", data={"email": "company@example.org", "password": "guess guess"})
    client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginFailure.id))) == 0  # old one pruned, new one cleared
        assert db.session.get(UserSession, "stale") is None


def test_every_refused_login_spends_one_password_check(app, client, world, monkeypatch):
    """Unknown, deactivated and active accounts all cost one Argon2 verification: the time of the answer
    does not tell which addresses have accounts."""
    with app.app_context():
        db.session.get(User, world["other_company"]).active = False
        db.session.commit()
    checks = []
    real_verify = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda *args: checks.append(1) or real_verify(*args))
    for email in ("nobody@example.org", "othercompany@example.org", "company@example.org"):
        checks.clear()
        response = client.post("/login", data={"email": email, "password": PASSWORD + " wrong"})
        assert response.status_code == 401 and checks == [1], email
    checks.clear()
    response = client.post("/login", data={"email": "othercompany@example.org", "password": PASSWORD})
    assert response.status_code == 401 and checks == [1]  # the right password of a deactivated account
