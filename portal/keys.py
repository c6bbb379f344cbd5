"""Stable external keys for records created in the portal (imports bring their own)."""
import re
import secrets

from sqlalchemy import select

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


def get_by_key(model, key):
    """The record of `model` with this key, or NotFound."""
    return _one_or_not_found(select(model).where(model.key == key))


def get_visible_by_key(model, user, key):
    """The record of `model` with this key if `user` may see it; else NotFound, as if it did not exist."""
    return _one_or_not_found(select(model).where(model.key == key, model.visible_to(user)))


def _one_or_not_found(statement):
    record = db.session.scalar(statement)
    if record is None:
        raise NotFound()
    return record
