"""The audit trail: who did what to which object, when."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One recorded action; never updated or deleted by the application."""

    __tablename__ = "audit_events"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    action = db.Column(db.String(60), nullable=False, index=True)
    object_type = db.Column(db.String(40), nullable=False, default="")
    object_id = db.Column(db.Integer)
    data = db.Column(db.JSON, nullable=False, default=dict)

    actor = db.relationship("User")
