"""Outgoing email through a transactional outbox.

`queue` writes the message to the `outgoing_mail` table in the caller's
transaction, so a rollback drops it and a commit keeps it. Right after the
commit the same process delivers what that transaction queued (nothing else is
needed on one machine); `flask --app app deliver-mail [--loop]` delivers
everything due, as a separate worker where a deployment wants one.

A message is claimed with a conditional UPDATE before it is sent, so two
deliverers never send it twice; a failed attempt is recorded and retried
later, each time after twice the wait, until MAIL_MAX_ATTEMPTS. Without
MAIL_SERVER every message is written to the instance folder's `outbox/` as an
.eml file (and logged), which is how development and tests read them.
"""
import logging
import smtplib
import unicodedata
import uuid
from datetime import timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..access import is_admin, require
from ..errors import NotFound
from ..extensions import db
from ..model_types import utcnow
from .models import ERROR_MAX, MailAttempt, OutgoingMail

log = logging.getLogger(__name__)
OUTBOX_KEY = "portal_outbox"
SUBJECT_MAX = 200
# Control, format, line and paragraph separators: any of them can end a header line in some reader.
HEADER_BREAKERS = {"Cc", "Cf", "Zl", "Zp"}


def one_line(value):
    """`value` as one line that is safe in a header: line-breaking and invisible characters become spaces."""
    text = "".join(" " if unicodedata.category(char) in HEADER_BREAKERS else char for char in str(value))
    return " ".join(text.split())


def queue(session, to, subject, body, html=None):
    """Write a message to the outbox in `session`'s transaction; it goes out after the commit."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname
    mail = OutgoingMail(
        message_id=f"<{uuid.uuid4().hex}@{domain}>", recipient=one_line(to)[:254],
        subject=one_line(subject)[:SUBJECT_MAX], body_text=body, body_html=html, status=OutgoingMail.QUEUED,
        next_attempt_at=utcnow(),
    )
    session.add(mail)
    session.info.setdefault(OUTBOX_KEY, []).append(mail.message_id)
    return mail


def outbox_dir():
    return Path(current_app.instance_path) / "outbox"


def build_message(mail):
    """The MIME message for an outbox row: plain text, and HTML beside it when there is some."""
    message = EmailMessage()
    message["From"] = one_line(current_app.config["MAIL_SENDER"])
    message["To"] = mail.recipient
    _set_subject(message, mail.subject)
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    return message


def _set_subject(message, subject):
    """The subject, folded into encoded words that keep every space.

    The standard library folds a long non-ASCII subject between two encoded words right at a space and drops
    that space (readers ignore white space between encoded words): a Korean subject lost a space between two
    words. Header() keeps each space inside an encoded word, and set_raw stores its lines as they are.
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def send(message):
    """Hand one message to SMTP, or write it to the outbox folder."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.eml"
    (folder / name).write_bytes(bytes(message))
    log.info("mail to %s written to outbox/%s: %s", message["To"], name, message["Subject"])


def _is_permanent(error):
    """Whether retrying cannot help: the server refused the message or its recipients for good."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _claim(session, now, message_ids, tried):
    """Take the next due message not tried in this run, or None when there is none.

    The UPDATE only succeeds while the row is still queued, so of two
    deliverers that picked the same row exactly one gets it; on PostgreSQL
    SKIP LOCKED lets the other move on to the next row without waiting.
    No transaction stays open afterwards: none may wait on a mail server.
    """
    while True:
        statement = (select(OutgoingMail.id)
                     .where(OutgoingMail.status == OutgoingMail.QUEUED, OutgoingMail.next_attempt_at <= now,
                            OutgoingMail.id.notin_(tried))
                     .order_by(OutgoingMail.id).limit(1))
        if message_ids is not None:
            statement = statement.where(OutgoingMail.message_id.in_(message_ids))
        if session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        mail_id = session.scalar(statement)
        if mail_id is None:
            session.commit()
            return None
        claimed = session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, OutgoingMail.status == OutgoingMail.QUEUED)
            .values(status=OutgoingMail.SENDING, claimed_at=now, attempts=OutgoingMail.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            mail = session.get(OutgoingMail, mail_id)
            session.commit()
            tried.add(mail_id)
            return mail
        session.commit()


def _record_failure(mail, error, now):
    config = current_app.config
    text = (f"{type(error).__name__}: {error}")[:ERROR_MAX]
    mail.attempt_log.append(MailAttempt(at=now, error=text))
    mail.last_error = text
    if _is_permanent(error) or mail.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        mail.status = OutgoingMail.FAILED
        log.error("mail %s to %s failed for good: %s", mail.message_id, mail.recipient, text)
    else:
        mail.status = OutgoingMail.QUEUED
        mail.next_attempt_at = now + timedelta(seconds=config["MAIL_RETRY_SECONDS"] * 2 ** (mail.attempts - 1))
        log.warning("mail %s to %s not sent, will retry: %s", mail.message_id, mail.recipient, text)


def _give_up_interrupted(session, now):
    """Messages left "sending" by a deliverer that died may have gone out: a person decides, not a retry."""
    cutoff = now - timedelta(minutes=current_app.config["MAIL_CLAIM_MINUTES"])
    stuck = session.scalars(select(OutgoingMail).where(
        OutgoingMail.status == OutgoingMail.SENDING, OutgoingMail.claimed_at < cutoff)).all()
    for mail in stuck:
        mail.status = OutgoingMail.FAILED
        mail.last_error = "interrupted while sending; it may have gone out"
        mail.attempt_log.append(MailAttempt(at=now, error=mail.last_error))
    session.commit()


def deliver(bind=None, message_ids=None, now=None):
    """Send every message that is due (or only those of `message_ids`); returns {status: count}."""
    now = now or utcnow()
    outcome = {OutgoingMail.SENT: 0, OutgoingMail.QUEUED: 0, OutgoingMail.FAILED: 0}
    tried = set()
    # Rows keep their loaded values across commits, so sending needs no open transaction.
    with Session(bind=bind or db.engine, info={"mail_session": True}, expire_on_commit=False) as session:
        if message_ids is None:
            _give_up_interrupted(session, now)
        while (mail := _claim(session, now, message_ids, tried)) is not None:
            try:
                send(build_message(mail))
            except Exception as error:  # noqa: BLE001 (any failure is recorded and retried, never raised)
                _record_failure(mail, error, now)
            else:
                mail.status, mail.sent_at = OutgoingMail.SENT, now
                mail.attempt_log.append(MailAttempt(at=now))
            outcome[mail.status] += 1
            session.commit()
    return outcome


# SQLAlchemy sends these events for savepoints too; only the outermost transaction's end counts: a
# released savepoint is not yet committed, and rows a rolled-back savepoint wrote are simply not found.
@event.listens_for(Session, "after_commit")
def _deliver_committed(session):
    if session.in_nested_transaction():
        return
    message_ids = session.info.pop(OUTBOX_KEY, None)
    if not message_ids or not has_app_context():
        return
    try:
        deliver(session.get_bind(), message_ids)
    except Exception:  # the change is committed; the worker or the next run sends what is left
        log.exception("delivering mail after commit failed; it stays queued")


@event.listens_for(Session, "after_rollback")
def _drop_queued(session):
    if not session.in_nested_transaction():
        session.info.pop(OUTBOX_KEY, None)


def failed_mail(actor):
    """Messages that failed for good, newest first, for admins."""
    require(is_admin(actor))
    return db.session.scalars(select(OutgoingMail).where(OutgoingMail.status == OutgoingMail.FAILED)
                              .order_by(OutgoingMail.created_at.desc()).limit(200)).all()


def requeue(actor, mail_id):
    """An admin sends a message that failed for good once more, with a fresh count of attempts."""
    require(is_admin(actor))
    mail = db.session.get(OutgoingMail, mail_id)
    if mail is None or mail.status != OutgoingMail.FAILED:
        raise NotFound()
    mail.status, mail.attempts, mail.next_attempt_at = OutgoingMail.QUEUED, 0, utcnow()
    db.session.info.setdefault(OUTBOX_KEY, []).append(mail.message_id)
    return mail
