"""The outbox: messages written in the transaction that caused them, and each attempt to deliver them."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow

ERROR_MAX = 500


class OutgoingMail(db.Model):
    """One message to send; it exists only if the change that caused it was committed."""

    __tablename__ = "outgoing_mail"
    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"

    id = db.Column(db.Integer, primary_key=True)
    # Stable across attempts, so a receiver can tell a repeat from a new message.
    message_id = db.Column(db.String(200), nullable=False, unique=True)
    recipient = db.Column(db.String(254), nullable=False)
    subject = db.Column(db.String(200), nullable=False)
    body_text = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text)
    status = db.Column(db.String(10), nullable=False, default=QUEUED)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = db.Column(UTCDateTime)
    sent_at = db.Column(UTCDateTime)
    last_error = db.Column(db.String(ERROR_MAX), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    attempt_log = db.relationship("MailAttempt", order_by="MailAttempt.id", cascade="all, delete-orphan",
                                  passive_deletes=True)

    __table_args__ = (db.Index("ix_outgoing_mail_status_next_attempt_at", "status", "next_attempt_at"),)


class MailAttempt(db.Model):
    """One try to hand a message over; an empty error means it went out."""

    __tablename__ = "outgoing_mail_attempts"

    id = db.Column(db.Integer, primary_key=True)
    mail_id = db.Column(db.Integer, db.ForeignKey("outgoing_mail.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    error = db.Column(db.String(ERROR_MAX), nullable=False, default="")
