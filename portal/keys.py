"""Stable external keys for records created in the portal (imports bring their own)."""
import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .errors import NotFound
from .extensions import db


def unique_key(model, text, prefix="", fallback="item"):
    """A lowercase slug of `text` with `prefix`, unique in `model.key`."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[: 60 - len(prefix)].strip("-")
    base = prefix + (slug or fallback)
    key = base
    while db.session.scalar(select(model.id).where(model.key == key)):
        key = f"{base}-{secrets.token_hex(3)}"
    return key


KEY_ATTEMPTS = 5


def add_with_unique_key(record, text, prefix="", fallback="item"):
    """Add `record` under a new unique key made of `text`, and flush it.

    Finding a free key and inserting are two steps: when a concurrent request took the same key in
    between, this tries the next free one instead of failing.
    """
    model = type(record)
    for attempt in range(KEY_ATTEMPTS):
        record.key = unique_key(model, text, prefix, fallback)
        try:
            with db.session.begin_nested():
                db.session.add(record)
                db.session.flush()
            return record
        except IntegrityError:
            if attempt == KEY_ATTEMPTS - 1 or not db.session.scalar(select(model.id).where(model.key == record.key)):
                raise


def get_by_key(model, key):
    """The record of `model` with this key, or NotFound."""
    return _one_or_not_found(select(model).where(model.key == key))


def get_visible_by_key(model, user, key, *options):
    """The record of `model` with this key if `user` may see it; else NotFound, as if it did not exist.

    `options` are loader options for what the caller's page shows of it."""
    return _one_or_not_found(select(model).where(model.key == key, model.visible_to(user)).options(*options))


def get_visible_by_id(model, user, record_id):
    """The record of `model` with this id if `user` may see it; else NotFound, as if it did not exist."""
    return _one_or_not_found(select(model).where(model.id == record_id, model.visible_to(user)))


def _one_or_not_found(statement):
    record = db.session.execute(statement).unique().scalar_one_or_none()
    if record is None:
        raise NotFound()
    return record
