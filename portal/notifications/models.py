"""Notifications people get on the portal (and by mail), and how each person wants each kind."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow


class Notification(db.Model):
    """Something a person should know about: its kind, the record it concerns, and a link to the page."""

    __tablename__ = "notifications"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(db.String(40), nullable=False)
    record_type = db.Column(db.String(40), nullable=False)
    record_id = db.Column(db.Integer, nullable=False)
    link = db.Column(db.String(500), nullable=False)  # a path inside the portal
    # What the text needs (titles, names, a reason), as it was when the notification was made.
    params = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    read_at = db.Column(UTCDateTime)

    user = db.relationship("User")

    __table_args__ = (db.Index("ix_notifications_record", "record_type", "record_id", "kind"),)


class NotificationPreference(db.Model):
    """How one person wants one kind of notification; without a row the kind's default applies."""

    __tablename__ = "notification_preferences"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind = db.Column(db.String(40), primary_key=True)
    channel = db.Column(db.String(10), nullable=False)
