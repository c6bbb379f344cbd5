"""Recording audit events."""
from ..extensions import db
from .models import AuditEvent


def record(actor, action, obj, **data):
    """Add an audit event for `action` on `obj` (or None) by `actor` (None for the system)."""
    db.session.flush()  # obj needs its id
    event = AuditEvent(
        actor_id=getattr(actor, "id", None), action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None), data=data,
    )
    db.session.add(event)
    return event
