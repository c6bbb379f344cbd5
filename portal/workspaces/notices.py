"""Who hears of the fit table and the investment decision: the people of the member organisations concerned."""
from sqlalchemy import select

from .. import signals
from ..extensions import db
from ..links import app_path
from ..notifications.models import Notification
from ..notifications.services import notify
from . import services


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
    """Listen, for `app`, to what the fit table and the investment decision announce."""
    signals.fit_item_added.connect(_fit_item_added, sender=app)
    signals.fit_answered.connect(_fit_answered, sender=app)
    signals.investment_recorded.connect(_investment_recorded, sender=app)
