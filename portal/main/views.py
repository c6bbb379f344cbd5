"""The home page, the dashboard and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..challenges import services as challenges
from ..matching import services as matching
from ..solutions import services as solutions
from ..web import safe_next
from ..workspaces import services as workspaces

bp = Blueprint("main", __name__)
HOME_RECORDS = 6  # of each kind


@bp.route("/")
def index():
    return render_template(
        "main/index.html",
        open_challenges=challenges.listing(phase="open", per_page=HOME_RECORDS).items,
        solutions=solutions.catalogue(per_page=HOME_RECORDS).items,
        title=_("CoCity"),
    )


@bp.route("/dashboard")
@login_required
def dashboard():
    organisation = current_user.organisation
    fitting, assigned = None, []
    if organisation is not None and organisation.kind == "company":
        fitting = matching.challenges_for_company(current_user)
    if organisation is not None and organisation.kind == "consultancy":
        assigned = challenges.assigned_to(current_user)
    return render_template(
        "main/dashboard.html", organisation=organisation, fitting=fitting, assigned=assigned,
        solutions=solutions.of_organisation(current_user, organisation) if organisation else [],
        challenges=challenges.of_organisation(current_user, organisation) if organisation else [],
        workspaces=workspaces.workspaces_of(current_user) if organisation else [],
        title=_("Dashboard"),
    )


@bp.route("/language", methods=["POST"])
def set_language():
    language = request.form.get("language")
    if language in current_app.config["LANGUAGES"]:
        session["locale"] = language
        if current_user.is_authenticated:
            accounts.update_preferences(current_user, language, current_user.timezone)
    return redirect(safe_next(request.form.get("next"), url_for("main.index")))
