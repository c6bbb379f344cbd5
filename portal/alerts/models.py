"""Alerts people set, and the notifications they bring."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow

QUERY_MAX = 200


class Alert(db.Model):
    """A saved search or a followed sector; new public challenges that match it notify its owner."""

    __tablename__ = "alerts"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    query = db.Column(db.String(QUERY_MAX), nullable=False, default="")
    sector = db.Column(db.String(40), nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    user = db.relationship("User")

    __table_args__ = (db.CheckConstraint("query <> '' OR sector <> ''", name="query_or_sector"),)


class Notification(db.Model):
    """A challenge someone should look at because one of their alerts matched it."""

    __tablename__ = "notifications"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    challenge_id = db.Column(db.Integer, db.ForeignKey("challenges.id", ondelete="CASCADE"), nullable=False)
    alert_id = db.Column(db.Integer, db.ForeignKey("alerts.id", ondelete="SET NULL"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    read_at = db.Column(UTCDateTime)

    challenge = db.relationship("Challenge")
    alert = db.relationship("Alert")

    __table_args__ = (db.UniqueConstraint("user_id", "challenge_id", name="uq_notifications_user_challenge"),)
