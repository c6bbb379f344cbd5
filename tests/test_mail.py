"""Outgoing mail: links from the public address, the transactional outbox, delivery through real SMTP."""
import email
import email.policy
import re
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal import create_app, mail
from portal.config import ConfigError
from portal.extensions import db
from portal.mail.models import OutgoingMail
from portal.mail.services import deliver
from portal.model_types import utcnow

from . import factories
from .conftest import build_app


def test_a_forged_host_header_is_refused_and_mails_no_link(client, world, outbox):
    response = client.post("/password/forgot", data={"email": "company@example.org"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert outbox() == []


def test_mailed_links_use_the_configured_public_address(world, instance_path, outbox):
    portal = build_app(instance_path, BASE_URL="https://portal.example.org/cocity")
    try:
        client = portal.test_client()
        assert client.post("/password/forgot", data={"email": "company@example.org"},
                           base_url="https://portal.example.org").status_code == 302
        (message,) = outbox()
        link = re.search(r"https?://\S+", message.get_content()).group(0)
        assert link.startswith("https://portal.example.org/cocity/password/reset/")
        assert client.get("/password/forgot", base_url="https://evil.example").status_code == 400
    finally:
        with portal.app_context():
            db.engine.dispose()


def test_the_public_address_is_required_outside_debug_and_tests(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "a secret"})
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL must be an http"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "a secret", "BASE_URL": "cocity.example.org"})


# ---------------------------------------------------------------- the outbox


def queue_one(app, to="someone@example.org", commit=True):
    with app.test_request_context():
        mail.queue(db.session, to, "Subject", "Body")
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def statuses(app):
    with app.app_context():
        return sorted(db.session.scalars(select(OutgoingMail.status)))


def test_mail_is_written_with_the_change_and_dropped_with_its_rollback(app, outbox):
    queue_one(app, commit=False)
    assert statuses(app) == [] and outbox() == []
    queue_one(app)
    assert statuses(app) == ["sent"]
    assert [message["To"] for message in outbox()] == ["someone@example.org"]


def test_mail_waits_for_the_outer_commit_not_a_savepoint_inside_it(app, outbox):
    with app.test_request_context():
        mail.queue(db.session, "someone@example.org", "Subject", "Body")
        with db.session.begin_nested():
            db.session.add(factories.organisation("company", name="Savepoint Works"))
        savepoint = db.session.begin_nested()
        factories.organisation("company", name="Rolled Back Works")
        savepoint.rollback()
        assert outbox() == []  # released, not committed
        db.session.commit()
    assert statuses(app) == ["sent"]
    assert [message["To"] for message in outbox()] == ["someone@example.org"]


def the_one_mail(app):
    """(attempts, next attempt, times tried) of the only message in the outbox."""
    with app.app_context():
        row = db.session.scalar(select(OutgoingMail))
        return row.attempts, row.next_attempt_at, [attempt.at for attempt in row.attempt_log]


def run_deliverer(app, now=None):
    with app.app_context():
        return deliver(now=now)


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives; start() and stop() switch it."""

    def __init__(self, port):
        self.received, self.refuse = [], set()
        self.controller, self.running = Controller(self, hostname="127.0.0.1", port=port), False

    def start(self):
        self.controller.start()
        self.running = True

    def stop(self):
        if self.running:
            self.controller.stop()
            self.running = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        time.sleep(0.01)  # a server that takes a moment, so that concurrent deliverers overlap
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app):
    """The app sends to an SMTP server on a free local port, which starts switched off."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_RETRY_SECONDS=0)
    server = SmtpServer(port)
    yield server
    server.stop()


def test_a_notification_goes_out_through_smtp_with_a_text_and_an_html_part(app, client, world, login, smtp):
    smtp.start()
    with app.test_request_context():
        pending = factories.organisation("company", verified=False, name="Nordlys <Sensors>")
        factories.user(pending, email="member@nordlys.example", locale="ko")
        db.session.commit()
        pending_id = pending.id
    login(world["admin"])
    assert client.post(f"/admin/organisations/{pending_id}/verify").status_code == 302
    (message,) = smtp.received
    assert message["To"] == "member@nordlys.example"
    assert message["Subject"] == "CoCity에서 조직이 인증되었습니다"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Nordlys <Sensors>" in text and "Nordlys &lt;Sensors&gt;" in html
    assert re.search(r"http://localhost/organisations/nordlys-sensors\b", text)
    assert 'href="http://localhost/organisations/nordlys-sensors"' in html
    assert statuses(app)[-1] == "sent"


def test_mail_queued_while_the_server_is_down_goes_out_when_it_is_back(app, runner, smtp):
    queue_one(app)  # delivery right after the commit fails: nothing listens
    assert smtp.received == [] and statuses(app) == ["queued"]
    smtp.start()
    result = runner.invoke(args=["deliver-mail"])
    assert result.exit_code == 0 and result.output.startswith("1 sent")
    assert [message["To"] for message in smtp.received] == ["someone@example.org"]
    assert runner.invoke(args=["deliver-mail"]).output.startswith("0 sent")
    assert len(smtp.received) == 1
    with app.app_context():
        (row,) = db.session.scalars(select(OutgoingMail))
        assert row.status == "sent" and row.attempts == 2
        assert [bool(attempt.error) for attempt in row.attempt_log] == [True, False]
        assert "Connection refused" in row.attempt_log[0].error


def test_two_deliverers_never_send_one_message_twice(app, smtp):
    for number in range(30):
        queue_one(app, to=f"person{number}@example.org")
    smtp.start()

    threads = [threading.Thread(target=run_deliverer, args=(app,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    message_ids = [message["Message-ID"] for message in smtp.received]
    assert len(message_ids) == 30 and len(set(message_ids)) == 30
    assert statuses(app) == ["sent"] * 30


def test_retries_back_off_and_end_on_the_admin_page_which_can_send_again(app, client, world, login, runner, smtp):
    app.config.update(MAIL_RETRY_SECONDS=60, MAIL_MAX_ATTEMPTS=3)
    queue_one(app)
    attempts, due, tried = the_one_mail(app)
    assert attempts == 1 and due - tried[0] == timedelta(seconds=60)
    assert runner.invoke(args=["deliver-mail"]).output.startswith("0 sent, 0 to retry")  # not due yet
    run_deliverer(app, now=utcnow() + timedelta(minutes=2))
    attempts, due, tried = the_one_mail(app)
    assert attempts == 2 and due - tried[1] == timedelta(seconds=120)
    assert run_deliverer(app, now=utcnow() + timedelta(minutes=10))["failed"] == 1
    assert statuses(app) == ["failed"]
    login(world["admin"])
    assert 'href="/admin/mail"' in client.get("/admin/users").get_data(as_text=True)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "someone@example.org" in page and "3 attempts" in page and "Connection refused" in page
    smtp.start()
    with app.app_context():
        mail_id = db.session.scalar(select(OutgoingMail.id))
    assert client.post(f"/admin/mail/{mail_id}/requeue").status_code == 302
    assert [message["To"] for message in smtp.received] == ["someone@example.org"]
    assert "Nothing here." in client.get("/admin/mail").get_data(as_text=True)


def test_a_refused_recipient_fails_at_once(app, smtp):
    smtp.start()
    smtp.refuse.add("nobody@example.org")
    queue_one(app, to="nobody@example.org")
    assert statuses(app) == ["failed"] and smtp.received == []


@pytest.mark.parametrize("subject", ["CoCity에서 도시가 귀사 솔루션의 적합성을 묻습니다",
                                     "CoCity 공동 기획 협업 공간의 단계가 바뀌었습니다", "Plain words only",
                                     "Un sujet où les accents é, è et à tombent à la fin d’une longue ligne pliée"])
def test_a_long_subject_in_korean_keeps_every_space(app, outbox, subject):
    # Folded into several encoded words, a subject must not lose the space where it was folded: readers
    # ignore the white space between two encoded words.
    with app.app_context():
        mail.queue(db.session, "reader@example.org", subject, "Body.")
        db.session.commit()
    (message,) = outbox()
    assert message["Subject"] == subject
    assert all(len(line) <= 78 for line in bytes(message).decode("ascii").splitlines())
