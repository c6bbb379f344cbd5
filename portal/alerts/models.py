"""Alerts people set: saved searches and followed sectors."""
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

