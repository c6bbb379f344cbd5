"""Who hears of what happens in a workspace: an invitation, a gate, an agreed document, a logged decision, a new
milestone, an action, the fit table and the investment decision.

Everyone told is a member of the workspace (and so may see what the notification links to); nobody hears of
what they did themselves.
"""
from sqlalchemy import select

from .. import signals
from ..extensions import db
from ..links import app_path
from ..notifications.models import Notification
from ..notifications.services import notify
from . import services
from .services import member_users


def _base(workspace, actor):
    return {"workspace": workspace.title, "actor": actor.name}


def _others(workspace, actor):
    return [person for person in member_users(workspace) if person.id != actor.id]


def _member_invited(_app, workspace, organisation, actor, **_data):
    """Every person of the invited organisation."""
    link = app_path("workspaces.show", workspace_id=workspace.id)
    for person in organisation.members:
        notify(person, "workspace_member_invited", workspace, link, workspace=workspace.title,
               city=workspace.organisation.name, city_ko=workspace.organisation.name_ko or "",
               role=services.member_of(workspace, organisation.id).role)


def _gate_passed(_app, workspace, decision, actor, **_data):
    link = app_path("workspaces.gates", workspace_id=workspace.id)
    for person in _others(workspace, actor):
        notify(person, "workspace_gate_passed", workspace, link, workspace=workspace.title,
               from_stage=decision.from_stage, to_stage=decision.to_stage, reason=decision.reason,
               actor=actor.name)


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


def _city_params(workspace):
    city = workspace.organisation
    return {"workspace": workspace.title, "city": city.name, "city_ko": city.name_ko or ""}


def _unread_about(workspace, kind):
    """Ids of the users who have not yet read a notification of `kind` about `workspace`."""
    return set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == kind, Notification.record_type == "workspace", Notification.record_id == workspace.id,
        Notification.read_at.is_(None))))


def _fit_item_added(_app, workspace, **_data):
    """Each company's people are asked to answer; one unread request is enough, however many items follow it."""
    waiting = _unread_about(workspace, "workspace_fit_items")
    link = app_path("workspaces.answer_fit", workspace_id=workspace.id)
    for person in services.member_users(workspace):
        if services.role_of(workspace, person) == services.COMPANY and person.id not in waiting:
            notify(person, "workspace_fit_items", workspace, link, **_city_params(workspace))


def _fit_answered(_app, workspace, organisation, count, **_data):
    """The city and the facilitator, who compare the answers, hear of them."""
    link = app_path("workspaces.fit", workspace_id=workspace.id)
    for person in services.member_users(workspace):
        if services.role_of(workspace, person) in (services.CITY, services.FACILITATOR):
            notify(person, "workspace_fit_answered", workspace, link, organisation=organisation.name,
                   organisation_ko=organisation.name_ko or "", count=count, workspace=workspace.title)


def _investment_recorded(_app, workspace, decision, changed, actor, **_data):
    link = app_path("workspaces.investment", workspace_id=workspace.id)
    for person in services.member_users(workspace):
        if person.id != actor.id:
            notify(person, "workspace_investment", workspace, link, budget_line=decision.budget_line,
                   changed=changed, **_city_params(workspace))


def subscribe(app):
    """Listen, for `app`, to what workspaces and their documents announce, and tell the people concerned."""
    signals.workspace_member_invited.connect(_member_invited, sender=app)
    signals.gate_passed.connect(_gate_passed, sender=app)
    signals.document_agreed.connect(_document_agreed, sender=app)
    signals.decision_logged.connect(_decision_logged, sender=app)
    signals.milestone_added.connect(_milestone_added, sender=app)
    signals.action_assigned.connect(_action_assigned, sender=app)
    signals.fit_item_added.connect(_fit_item_added, sender=app)
    signals.fit_answered.connect(_fit_answered, sender=app)
    signals.investment_recorded.connect(_investment_recorded, sender=app)
