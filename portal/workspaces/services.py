"""The rules of workspaces: who is in one, and what each member may do there."""
from ..extensions import db
from ..keys import get_visible_by_id
from .models import STAGES, Workspace


def get_for(user, workspace_id):
    """The workspace if `user`'s organisation is a member; NotFound otherwise, as if it did not exist."""
    return get_visible_by_id(Workspace, user, workspace_id)


def workspaces_of(user):
    """The workspaces `user` is in, the most recently changed first."""
    return db.session.scalars(
        db.select(Workspace).where(Workspace.visible_to(user)).order_by(Workspace.updated_at.desc())).all()


def membership(workspace, user):
    """The user's organisation's membership of the workspace, or None."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    return next((member for member in workspace.members if member.organisation_id == user.organisation_id), None)


def stage_position(workspace):
    """Where the workspace stands: the index of its stage in STAGES."""
    return STAGES.index(workspace.stage)
