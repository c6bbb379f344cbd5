"""Search as the portal uses it: who may see what, and an index that repairs itself."""
import logging
import os

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..access import is_admin
from ..errors import Invalid
from ..extensions import db
from ..visibility import organisation_of
from .backend import FACETS, SORTS, SearchQuery, get_backend
from .documents import KINDS, all_documents, database_stamps
from .indexing import advance_generation, stale_marker

log = logging.getLogger(__name__)


def rebuild_index():
    """Rebuild the whole index from the database; returns the number of documents."""
    with Session(bind=db.engine, info={"search_session": True}) as session:
        documents = list(all_documents(session))
        session.rollback()
    get_backend().rebuild(documents)
    advance_generation(db.engine)
    if os.path.exists(stale_marker()):
        os.remove(stale_marker())
    current_app.extensions["portal_search_checked"] = True
    return len(documents)


def ensure_index():
    """Rebuild the index when it is missing, unreadable, of an older layout, marked stale or out of step
    with the database: a record missing, gone or of another version (a process killed between a commit
    and its index update leaves that behind).

    The full comparison runs once per process; afterwards indexing keeps it in step.
    """
    if current_app.extensions.get("portal_search_checked") and not os.path.exists(stale_marker()):
        return
    try:
        backend = get_backend()
        current = (not os.path.exists(stale_marker()) and not backend.outdated()
                   and backend.stamps() == database_stamps(db.session))
    except Exception:
        log.exception("search index unreadable; rebuilding")
        current = False
    if not current:
        rebuild_index()
    current_app.extensions["portal_search_checked"] = True


def search(user, text="", kinds=(), filters=None, sort="relevance", page=1, per_page=20):
    """Results `user` may see: public records, plus their organisation's own; admins see all."""
    if sort not in SORTS:
        raise Invalid({"sort": _l("Not a valid choice.")})
    if any(kind not in KINDS for kind in kinds):
        raise Invalid({"kind": _l("Not a valid choice.")})
    filters = {name: value for name, value in (filters or {}).items() if name in FACETS and value}
    ensure_index()
    query = SearchQuery(
        text=text or "", kinds=tuple(kinds), filters=filters, sort=sort, page=max(1, page), per_page=per_page,
        # The backends apply the models' rule to each document: public, or owned by the viewer's
        # organisation, or the viewer is an admin (portal/visibility.py).
        viewer_organisation_id=organisation_of(user), viewer_is_admin=is_admin(user),
    )
    return get_backend().search(query)
