"""Outgoing email, sent only after the transaction that caused it commits.

Without SMTP settings every message is written to the instance folder's
`outbox/` as an .eml file (and logged), which is how development and tests
read them.
"""
import logging
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
OUTBOX_KEY = "portal_outbox"


def queue(session, to, subject, body):
    """Send a plain-text message once `session` commits; dropped on rollback."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@cocity>"
    message.set_content(body)
    session.info.setdefault(OUTBOX_KEY, []).append(message)


def outbox_dir():
    return Path(current_app.instance_path) / "outbox"


def deliver(message):
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


@event.listens_for(Session, "after_commit")
def _send_queued(session):
    for message in session.info.pop(OUTBOX_KEY, []):
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException):
            # The change is committed; a mail server outage must not undo it.
            log.exception("could not send mail to %s", message["To"])


@event.listens_for(Session, "after_rollback")
def _drop_queued(session):
    session.info.pop(OUTBOX_KEY, None)
