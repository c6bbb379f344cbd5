"""The rules of requirement documents: every save a revision, no edit lost to another, the city agrees.

Two members may edit at once. The edit form carries the number of the revision it started from; a save
whose base is no longer the latest revision is refused with `Stale`, which holds both versions, so the
member sees what changed meanwhile, merges, and saves again on top of the latest one. The document's row
is locked while a save checks and writes, so two saves cannot both pass the check.
"""
from flask_babel import lazy_gettext as _l

from ..access import require
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..model_types import utcnow
from ..signals import announce, document_agreed, document_saved
from ..validation import check_text
from ..workspaces import services as workspaces
from ..workspaces.models import READY, WorkspaceMember
from . import diff
from .models import BODY_MAX, TITLE_MAX, Document, DocumentRevision


class Deleted(NotFound):
    """The document was deleted: members are told so, with a 404; outsiders never learn it existed."""

    def __init__(self, document):
        super().__init__()
        self.document = document


class Stale(Exception):
    """A save based on an older revision: `theirs` is the latest revision, `yours` the data that was sent."""

    def __init__(self, theirs, yours):
        super().__init__(f"stale: based on {yours.get('base')}, latest is {theirs.number}")
        self.theirs = theirs
        self.yours = yours


def require_member(user, workspace):
    require(workspaces.membership(workspace, user) is not None)


def is_city(user, workspace):
    """Whether `user` speaks for the city that owns the workspace (it agrees and deletes documents)."""
    membership = workspaces.membership(workspace, user)
    return membership is not None and membership.role == WorkspaceMember.CITY


def documents_of(user, workspace):
    """The workspace's documents `user` may see, deleted ones left out, the latest changed first."""
    return db.session.scalars(db.select(Document).where(
        Document.workspace_id == workspace.id, Document.deleted_at.is_(None), Document.visible_to(user))
        .order_by(Document.updated_at.desc(), Document.id.desc())).all()


def get_document(user, workspace, document_id, lock=False):
    """The document of this workspace if `user` may see it; NotFound otherwise, Deleted once it was deleted."""
    statement = db.select(Document).where(
        Document.id == document_id, Document.workspace_id == workspace.id, Document.visible_to(user))
    if lock:
        statement = statement.with_for_update(of=Document).execution_options(populate_existing=True)
    document = db.session.scalar(statement)
    if document is None:
        raise NotFound()
    if document.deleted_at is not None:
        raise Deleted(document)
    return document


def revision(document, number):
    """Revision `number` of the document, or NotFound."""
    found = db.session.scalar(db.select(DocumentRevision).where(
        DocumentRevision.document_id == document.id, DocumentRevision.number == number))
    if found is None:
        raise NotFound()
    return found


def current(document):
    return revision(document, document.current_number)


def validate(data):
    checks = {"title": check_text(data.get("title"), TITLE_MAX),
              "body": check_text(data.get("body"), BODY_MAX, multiline=True)}
    if checks["body"] and (data.get("body") is None or not str(data.get("body")).strip()):
        checks["body"] = _l("A document cannot be empty: write its text first.")
    return {name: message for name, message in checks.items() if message}


def create(actor, workspace, data):
    """A member starts a document; its first revision is number 1."""
    require_member(actor, workspace)
    if errors := validate(data):
        raise Invalid(errors)
    now = utcnow()
    document = Document(workspace=workspace, title=data["title"].strip(), current_number=1, created_by_id=actor.id,
                        created_at=now, updated_at=now)
    document.revisions.append(DocumentRevision(workspace_id=workspace.id, number=1, title=document.title,
                                               body=data["body"].strip(), author_id=actor.id, created_at=now))
    db.session.add(document)
    db.session.flush()
    record(actor, "document.created", document)
    announce(document_saved, document=document, revision=document.revisions[0], actor=actor)
    return document


def save(actor, document, data):
    """A member saves a new revision on top of revision `data["base"]`; the new revision, or None when nothing
    changed. Stale when someone saved since that base; Invalid for a bad title or text.

    Lock the document first (`get_document(..., lock=True)`), so that no other save slips in between.
    """
    require_member(actor, document.workspace)
    if errors := validate(data):
        raise Invalid(errors)
    latest = current(document)
    if data.get("base") != document.current_number:
        raise Stale(latest, data)
    title, body = data["title"].strip(), data["body"].strip()
    if (title, body) == (latest.title, latest.body):
        return None
    return _add_revision(actor, document, title, body)


def restore(actor, document, number):
    """A member brings back revision `number`'s text as a new revision; nothing in between is lost."""
    require_member(actor, document.workspace)
    old = revision(document, number)
    if number == document.current_number:
        raise Invalid({"revision": _l("This is the current revision already.")})
    return _add_revision(actor, document, old.title, old.body, restored_from=number)


def _add_revision(actor, document, title, body, restored_from=None):
    now = utcnow()
    ended = document.agreed_number
    new = DocumentRevision(document=document, workspace_id=document.workspace_id, number=document.current_number + 1,
                           title=title, body=body, author_id=actor.id, created_at=now, restored_from=restored_from,
                           ended_agreement=ended)
    db.session.add(new)
    document.current_number = new.number
    document.title = title
    document.updated_at = now
    if ended is not None:
        document.agreed_number = document.agreed_by_id = document.agreed_at = None
    db.session.flush()
    record(actor, "document.restored" if restored_from else "document.saved", document, revision=new.number,
           ended_agreement=ended)
    announce(document_saved, document=document, revision=new, actor=actor)
    return new


def agree(actor, document, base):
    """The city marks the latest revision agreed; `base` is the revision the city read, which must be it."""
    require(is_city(actor, document.workspace), _l("Only the city that owns the workspace can agree a document."))
    if base != document.current_number:
        raise Invalid({"revision": _l("The document changed since you opened it: read revision %(number)d "
                                      "before you agree it.", number=document.current_number)})
    if document.agreed_number == document.current_number:
        raise Invalid({"revision": _l("This revision is agreed already.")})
    document.agreed_number = document.current_number
    document.agreed_by_id = actor.id
    document.agreed_at = utcnow()
    record(actor, "document.agreed", document, revision=document.agreed_number)
    announce(document_agreed, document=document, actor=actor)
    return document


def delete(actor, document):
    """The city takes a document out of the workspace; it stays recorded, out of every list."""
    require(is_city(actor, document.workspace), _l("Only the city that owns the workspace can delete a document."))
    document.deleted_at = utcnow()
    document.deleted_by_id = actor.id
    record(actor, "document.deleted", document)


def compare(document, left_number, right_number):
    """(left revision, right revision, rows side by side) of two revisions of the document."""
    left, right = revision(document, left_number), revision(document, right_number)
    title_rows = diff.side_by_side(left.title, right.title)
    return left, right, title_rows, diff.side_by_side(left.body, right.body)


def agreed_document(workspace):
    """The workspace's agreed requirement document (not deleted, its agreed revision), or None: what the gate
    to "ready to tender" needs and what a tender is built from."""
    document = db.session.scalar(db.select(Document).where(
        Document.workspace_id == workspace.id, Document.deleted_at.is_(None), Document.agreed_number.is_not(None))
        .order_by(Document.agreed_at.desc()))
    return document


def _document_agreed_for_the_tender(workspace):
    if agreed_document(workspace) is None:
        return _l("No requirement document is agreed yet: the city marks the one a tender will be built from "
                  "as agreed.")
    return None


workspaces.register_gate_requirement(READY, _document_agreed_for_the_tender)
