"""Who hears of what happens in a workspace: an agreed document, a logged decision, a new milestone, an action.

Everyone told is a member of the workspace (and so may see what the notification links to); nobody hears of
what they did themselves.
"""
from .. import signals
from ..links import app_path
from ..notifications.services import notify
from .services import member_users


def _base(workspace, actor):
    return {"workspace": workspace.title, "actor": actor.name}


def _others(workspace, actor):
    return [person for person in member_users(workspace) if person.id != actor.id]


def _document_agreed(_app, document, actor, **_data):
    workspace = document.workspace
    link = app_path("documents.show", workspace_id=workspace.id, document_id=document.id)
    for person in _others(workspace, actor):
        notify(person, "document_agreed", document, link, document=document.title, number=document.agreed_number,
               **_base(workspace, actor))


def _decision_logged(_app, workspace, decision, actor, **_data):
    link = app_path("workspaces.decisions", workspace_id=workspace.id)
    for person in _others(workspace, actor):
        notify(person, "decision_logged", decision, link, title=decision.title, decision=decision.decision,
               decided_by=decision.decided_by, day=decision.decided_on.isoformat(), **_base(workspace, actor))


def _milestone_added(_app, workspace, milestone, actor, **_data):
    """The person who owns the milestone, or every person of the owning organisation when no one was named."""
    owner = milestone.owner_organisation
    people = [milestone.owner_user] if milestone.owner_user is not None else [
        person for person in member_users(workspace) if person.organisation_id == owner.id]
    link = app_path("workspaces.milestones", workspace_id=workspace.id)
    for person in people:
        if person.id != actor.id:
            notify(person, "milestone_assigned", milestone, link, title=milestone.title,
                   day=milestone.due_on.isoformat(), organisation=owner.name, organisation_ko=owner.name_ko or "",
                   personal=milestone.owner_user is not None, **_base(workspace, actor))


def _action_assigned(_app, workspace, action, actor, **_data):
    if action.owner_id != actor.id:
        link = app_path("workspaces.meetings", workspace_id=workspace.id) + f"#meeting-{action.meeting_id}"
        notify(action.owner, "action_assigned", action, link, description=action.description,
               day=action.due_on.isoformat(), meeting_day=action.meeting.held_on.isoformat(),
               **_base(workspace, actor))


def subscribe(app):
    """Listen, for `app`, to what workspaces and their documents announce, and tell the people concerned."""
    signals.document_agreed.connect(_document_agreed, sender=app)
    signals.decision_logged.connect(_decision_logged, sender=app)
    signals.milestone_added.connect(_milestone_added, sender=app)
    signals.action_assigned.connect(_action_assigned, sender=app)
