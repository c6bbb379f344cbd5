"""Requests that race each other (several workers, one database) get a clear answer, never a 500."""
import re
import threading

from sqlalchemy import func, select

from portal.accounts.models import LoginFailure, User
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.solutions.models import Solution

from . import factories
from .conftest import build_app, log_in
from .factories import PASSWORD
from .test_accounts import REGISTRATION


def at_once(count, request):
    """Run `request(number)` in `count` threads released together; their answers, in order."""
    start = threading.Barrier(count)
    answers = [None] * count

    def run(number):
        start.wait()
        answers[number] = request(number)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_wrong_passwords_are_stopped_at_the_limit(instance_path, world):
    # A password check that takes a while, as in production, leaves room for the race.
    app = build_app(instance_path, PASSWORD_HASH_TIME_COST=2, PASSWORD_HASH_MEMORY_KIB=16384)
    statuses = at_once(40, lambda _number: app.test_client().post(
        "/login", data={"email": "company@example.org", "password": "guess guess"}).status_code)
    assert sorted(statuses) == [401] * 5 + [429] * 35
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5
    response = app.test_client().post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert response.status_code == 429


def _answer(client, path, data):
    """The status of a POST, or the exception a server error would have shown as a 500."""
    try:
        return client.post(path, data=data).status_code
    except Exception as error:  # the test client raises what the server would answer with a 500
        return repr(error)


def test_concurrent_creates_with_one_title_all_succeed_with_their_own_keys(app, world):
    clients = [app.test_client() for _ in range(8)]
    for client in clients:
        log_in(app, client, world["company"])
    data = factories.solution_data(title="Twin crossing guard", trl="7", tags="a")
    statuses = at_once(8, lambda number: _answer(clients[number], "/solutions/new", data))
    assert statuses == [302] * 8
    with app.app_context():
        keys = db.session.scalars(select(Solution.key).where(Solution.title == "Twin crossing guard")).all()
        assert len(set(keys)) == 8 and "sol-twin-crossing-guard" in keys


def test_concurrent_registrations_with_one_email_make_one_account(app):
    statuses = at_once(8, lambda _number: _answer(app.test_client(), "/register", REGISTRATION))
    assert sorted(statuses, key=str) == [302] + [422] * 7
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def _invitation(app, world, outbox, email, name):
    """(the link the company's invitation of `email` mails, the form the invited person fills in)."""
    client = app.test_client()
    log_in(app, client, world["company"])
    client.post("/organisations/alpha-sensing/members", data={"email": email})
    link = re.search(r"http://localhost(/invitations/\S+)", outbox()[0].get_content()).group(1)
    return link, {"name": name, "password": "colleague secret", "confirm": "colleague secret", "locale": "en"}


def test_concurrent_acceptances_of_one_invitation_make_one_account(app, world, outbox):
    link, person = _invitation(app, world, outbox, "new.colleague@example.org", "New Colleague")
    statuses = at_once(8, lambda _number: _answer(app.test_client(), link, person))
    assert sorted(statuses, key=str) == [302] + [404] * 7
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email == "new.colleague@example.org")) == 1


def test_an_invitation_accepted_while_the_form_was_checked_answers_as_used(app, world, outbox, monkeypatch):
    """The race above, made certain: another acceptance commits between this request reading the invitation
    and creating the account. The answer is that the invitation was used, not that the address is taken."""
    from portal.accounts import services

    link, person = _invitation(app, world, outbox, "late.colleague@example.org", "Late Colleague")
    checks = services.person_errors

    def another_acceptance_first(*args, **kwargs):
        monkeypatch.setattr(services, "person_errors", checks)
        assert app.test_client().post(link, data=person).status_code == 302
        return checks(*args, **kwargs)

    monkeypatch.setattr(services, "person_errors", another_acceptance_first)
    assert app.test_client().post(link, data=person).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email == "late.colleague@example.org")) == 1
