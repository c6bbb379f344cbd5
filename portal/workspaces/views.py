"""Workspace pages: the list of one's workspaces, and a workspace's own page."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from . import services
from .models import CO_DESIGN, DEFINE, EXPLORE, PILOT, READY, STAGES, WorkspaceMember

bp = Blueprint("workspaces", __name__, url_prefix="/workspaces")

STAGE_LABELS = {EXPLORE: _l("Explore"), DEFINE: _l("Define"), CO_DESIGN: _l("Co-design"), PILOT: _l("Pilot"),
                READY: _l("Ready to tender")}
MEMBER_ROLE_LABELS = {WorkspaceMember.CITY: _l("problem owner"), WorkspaceMember.COMPANY: _l("company"),
                      WorkspaceMember.FACILITATOR: _l("facilitator")}


@bp.app_template_global()
def stage_label(stage):
    return STAGE_LABELS[stage]


@bp.app_template_global()
def member_role_label(role):
    return MEMBER_ROLE_LABELS[role]


@bp.route("")
@login_required
def index():
    return render_template("workspaces/index.html", workspaces=services.workspaces_of(current_user),
                           title=_("Workspaces"))


@bp.route("/<int:workspace_id>")
@login_required
def show(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    return render_template("workspaces/show.html", workspace=workspace, stages=STAGES,
                           position=services.stage_position(workspace),
                           membership=services.membership(workspace, current_user), title=workspace.title)
