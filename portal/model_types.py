"""Column types and helpers shared by the domain models."""
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.types import DateTime, TypeDecorator

from .taxonomy import sort_sectors


def utcnow():
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A point in time stored in UTC and always read back timezone-aware.

    SQLite has no time zone support and returns naive values; without this,
    comparisons between stored and current times would break on SQLite only.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class HasSectors:
    """`sectors`: the model's `sector_list` association proxy, in taxonomy order."""

    @property
    def sectors(self):
        return sort_sectors(self.sector_list)

    @sectors.setter
    def sectors(self, slugs):
        # Only touch the rows when the set changes, so re-saving is not a change.
        if sort_sectors(slugs) != self.sectors:
            self.sector_list = sort_sectors(slugs)


@event.listens_for(Session, "before_flush")
def _touch_changed_collections(session, _context, _instances):
    # A record whose only change is in its rows of another table (sectors, countries) was changed all the
    # same; without this its `updated_at`, which the search index compares, would stay behind.
    for obj in session.dirty:
        if hasattr(type(obj), "updated_at") and session.is_modified(obj):
            obj.updated_at = utcnow()
