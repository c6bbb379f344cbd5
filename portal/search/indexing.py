"""Keeping the index in step with the database: changed records are re-indexed after each commit.

Documents are built from committed data in a fresh session, so the index never
shows what a rolled-back transaction wrote. If indexing fails, a marker makes
the next search rebuild the index from the database.
"""
import logging
from uuid import uuid4

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..challenges.models import Challenge, ChallengeSector
from ..organisations.models import Organisation, OrganisationSector
from ..solutions.models import Solution, SolutionCountry, SolutionSector
from .backend import get_backend
from .documents import KINDS, load_documents
from .models import IndexGeneration

log = logging.getLogger(__name__)
PENDING_KEY = "search_pending"


def _ref(obj):
    """(kind, id) of the indexed record `obj` belongs to, or None."""
    if isinstance(obj, Solution):
        return "solution", obj.id
    if isinstance(obj, Challenge):
        return "challenge", obj.id
    if isinstance(obj, Organisation):
        return "organisation", obj.id
    if isinstance(obj, SolutionSector | SolutionCountry):
        return "solution", obj.solution_id
    if isinstance(obj, ChallengeSector):
        return "challenge", obj.challenge_id
    if isinstance(obj, OrganisationSector):
        return "organisation", obj.organisation_id
    return None


@event.listens_for(Session, "after_flush")
def _collect(session, _context):
    pending = session.info.setdefault(PENDING_KEY, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        ref = _ref(obj)
        if ref and ref[1] is not None:
            pending.add(ref)


# SQLAlchemy sends these events for savepoints too; only the outermost transaction's end counts. (Changes
# kept after a savepoint was rolled back are re-read from the database, so keeping them is harmless.)
@event.listens_for(Session, "after_rollback")
def _forget(session):
    if not session.in_nested_transaction():
        session.info.pop(PENDING_KEY, None)


@event.listens_for(Session, "after_commit")
def _index_committed(session):
    if session.in_nested_transaction():
        return
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context() or session.info.get("search_session"):
        return
    try:
        update(session.get_bind(), pending)
    except Exception:  # the data is committed; a broken index must not turn that into an error
        log.exception("search index update failed; it will be rebuilt")
        mark_stale()
        try:  # what was cached from the data before this commit must not be served on
            advance_generation(session.get_bind())
        except Exception:
            log.exception("could not give the index a new generation")


def update(bind, refs):
    """Re-index the given (kind, id) records; an organisation brings its solutions and challenges."""
    backend = get_backend()
    with Session(bind=bind, info={"search_session": True}) as fresh:
        ids = {kind: {id for k, id in refs if k == kind} for kind in KINDS}
        if ids["organisation"]:
            for model, kind in ((Solution, "solution"), (Challenge, "challenge")):
                ids[kind] |= set(fresh.scalars(select(model.id).where(model.organisation_id.in_(ids["organisation"]))))
        documents, gone = [], []
        for kind, wanted in ids.items():
            if not wanted:
                continue
            found = load_documents(fresh, kind, wanted)
            documents += found
            gone += [f"{kind}:{id}" for id in wanted - {document.id for document in found}]
        fresh.rollback()
    backend.add(documents)
    backend.remove(gone)
    advance_generation(bind)


def advance_generation(bind):
    """Give the index a new generation once it has changed, so that what was cached from it before is never
    served again (done after the index is written: a reader that sees the new token sees the new index)."""
    with Session(bind=bind, info={"search_session": True}) as session:
        if not session.execute(IndexGeneration.__table__.update().values(token=uuid4().hex)).rowcount:
            session.add(IndexGeneration(id=1, token=uuid4().hex))
        try:
            session.commit()
        except IntegrityError:  # another process made the row at the same moment: a new token all the same
            session.rollback()


def stale_marker():
    return current_app.extensions.get("portal_search_stale_path") or (
        f"{current_app.instance_path}/search-index.stale")


def mark_stale():
    with open(stale_marker(), "w") as handle:
        handle.write("rebuild\n")
