"""What a process may keep of what it computed from the database, and when it must let go.

Search, matching and public listings change only when a solution, a challenge or an organisation does
(each such commit reaches the search index, which then gets a new generation token, a row in the
database) or when a challenge opens or closes. So a process keeps such answers under the generation and
the number of challenges opened and closed so far; an entry made under another state is never served, in
this process or any other, and no process needs what another keeps.
"""
import threading

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import func, select

from .challenges.models import Challenge
from .extensions import db
from .model_types import utcnow
from .search.models import IndexGeneration

FRAGMENT_ENTRIES = 512  # rendered listing parts, 20–60 KB each


class GenerationCache:
    """Entries of one state of the data; an entry asked for under another state is not there."""

    def __init__(self, size):
        self.size = size
        self._lock = threading.Lock()
        self._state = None
        self._entries = {}

    def get(self, state, key):
        with self._lock:
            return self._entries.get(key) if state == self._state else None

    def put(self, state, key, value):
        with self._lock:
            if state != self._state:
                self._state, self._entries = state, {}
            if len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = value


def index_generation():
    """The search index's generation token; None for a database whose index was never written."""
    return db.session.scalar(select(IndexGeneration.token).where(IndexGeneration.id == 1))


def phases_passed(now):
    """How many challenges have opened and how many have closed by `now`: with the index unchanged, these
    change exactly when some challenge's phase does."""
    opened = select(func.count()).select_from(Challenge).where(Challenge.opens_at <= now).scalar_subquery()
    closed = select(func.count()).select_from(Challenge).where(Challenge.closes_at <= now).scalar_subquery()
    return tuple(db.session.execute(select(opened, closed)).one())


def public_state():
    """The state public listings are made from, in one query; None when the index was never written."""
    now = utcnow()
    opened = select(func.count()).select_from(Challenge).where(Challenge.opens_at <= now).scalar_subquery()
    closed = select(func.count()).select_from(Challenge).where(Challenge.closes_at <= now).scalar_subquery()
    row = db.session.execute(
        select(IndexGeneration.token, opened, closed).where(IndexGeneration.id == 1)).first()
    return tuple(row) if row is not None else None


def cached_fragment(key, render):
    """HTML that `render()` makes from solutions, challenges and organisations, in the reader's language,
    made once per state of the data. `key` names everything else it depends on: the page, its filters,
    and whose view it is where viewers differ. Nothing that differs between viewers with one key (a name,
    a form's CSRF token) may be in it."""
    state = public_state()
    if state is None:
        return Markup(render())
    cache = current_app.extensions.setdefault("portal_fragment_cache", GenerationCache(FRAGMENT_ENTRIES))
    key = (str(get_locale()), *key)
    html = cache.get(state, key)
    if html is None:
        html = Markup(render())
        cache.put(state, key, html)
    return html
