"""Who hears of requirement documents: those who wrote in one when someone else saves it. (Every member
hears that the city agreed one through portal/workspaces/notices.py.)"""
from .. import signals
from ..links import app_path
from ..notifications.services import notify


def _link(document):
    return app_path("documents.show", workspace_id=document.workspace_id, document_id=document.id)


def _params(document, actor, number):
    return {"author": actor.name, "number": number, "document": document.title,
            "workspace": document.workspace.title}


def _document_saved(_app, document, revision, actor, **_data):
    """The earlier authors, while they can still read it, hear of a revision someone else saved."""
    authors = {earlier.author for earlier in document.revisions if earlier.number < revision.number}
    for person in sorted(authors, key=lambda person: person.id):
        if person.id != actor.id and document.is_visible_to(person):
            notify(person, "document_revised", document, _link(document), **_params(document, actor, revision.number))


def subscribe(app):
    """Listen, for `app`, to what requirement documents announce."""
    signals.document_saved.connect(_document_saved, sender=app)
