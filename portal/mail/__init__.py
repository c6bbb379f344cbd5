"""Outgoing mail through a transactional outbox (see services.py)."""
from .services import one_line, queue

__all__ = ["one_line", "queue"]
