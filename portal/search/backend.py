"""The search interface: every backend answers the same calls with the same results."""
from dataclasses import dataclass, field

from flask import current_app

SORTS = ("relevance", "date")
FACETS = ("kind", "sectors", "countries", "language", "trl")
MAX_QUERY_CHARS = 500  # parsing time grows with the square of a query's length
MAX_QUERY_TERMS = 24


@dataclass
class SearchQuery:
    """What to find; `viewer_organisation_id` and `viewer_is_admin` widen what may be seen."""

    text: str
    kinds: tuple = ()
    filters: dict = field(default_factory=dict)  # facet name -> value
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    viewer_organisation_id: int | None = None
    viewer_is_admin: bool = False


@dataclass
class Hit:
    kind: str
    id: int
    key: str
    score: float
    title: str
    snippet: str  # HTML-safe, matched words wrapped in <mark>
    title_ko: str = ""


@dataclass
class SearchResults:
    hits: list
    total: int
    page: int
    per_page: int
    facets: dict  # facet name -> {value: count}
    broadened: bool = False  # no record had every word; these have some

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    # The paging interface of Flask-SQLAlchemy, so one pager template serves both.
    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)

    def iter_pages(self, edge=2, around=2):
        """Page numbers to show, None where a gap is."""
        previous = 0
        for number in range(1, self.pages + 1):
            if number <= edge or number > self.pages - edge or abs(number - self.page) <= around:
                if previous and number - previous > 1:
                    yield None
                yield number
                previous = number


class SearchBackend:
    """Interface of a search backend."""

    def add(self, documents):
        """Add or replace documents."""
        raise NotImplementedError

    def remove(self, refs):
        """Drop documents by ref ("solution:12")."""
        raise NotImplementedError

    def rebuild(self, documents):
        """Replace the whole index with these documents."""
        raise NotImplementedError

    def search(self, query):
        """SearchResults for a SearchQuery."""
        raise NotImplementedError

    def stamps(self):
        """{ref: the document's version stamp} for every document in the index, to check it against the
        database."""
        raise NotImplementedError

    def refs(self):
        """Every ref in the index."""
        return set(self.stamps())

    def outdated(self):
        """True when the index was made by code that laid it out differently: it needs a rebuild."""
        return False

    def document_frequencies(self, kind, terms):
        """({"all": number of public records of `kind`, "ko": how many of them are written in Korean},
        {term: how many of them hold it}), for weighing terms."""
        raise NotImplementedError

    def candidates(self, kind, words, limit):
        """Public records of `kind` matching any of the weighted words, best first:
        [(id, key, text score, the index terms that matched)]."""
        raise NotImplementedError


def get_backend(app=None):
    """The configured backend, created once per app."""
    app = app or current_app
    backend = app.extensions.get("portal_search")
    if backend is None:
        name = app.config["SEARCH_BACKEND"]
        if name == "whoosh":
            from .whoosh_backend import WhooshBackend

            backend = WhooshBackend(app.config.get("SEARCH_INDEX_PATH") or f"{app.instance_path}/search-index")
        elif name == "postgres":
            from ..extensions import db
            from .postgres_backend import PostgresBackend

            backend = PostgresBackend(db.engine)
        else:
            raise RuntimeError(f"unknown search backend {name!r}: use whoosh or postgres")
        app.extensions["portal_search"] = backend
    return backend
