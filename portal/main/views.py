"""The home page, the dashboard and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts import services as accounts
from ..bids import services as bids
from ..caching import cached_fragment
from ..challenges import services as challenges
from ..i18n import viewer_zone
from ..matching import services as matching
from ..proposals import services as proposals
from ..solutions import services as solutions
from ..tenders import services as tenders
from ..web import safe_next
from ..workspaces import services as workspaces

bp = Blueprint("main", __name__)
HOME_RECORDS = 6  # of each kind


@bp.route("/")
def index():
    # Open challenges and recent solutions are public records, the same for every reader of a language.
    records = cached_fragment(("main.index",), lambda: render_template(
        "main/_home_records.html",
        open_challenges=challenges.listing(phase="open", per_page=HOME_RECORDS).items,
        solutions=solutions.catalogue(per_page=HOME_RECORDS).items,
    ))
    return render_template("main/index.html", records=records, title=_("CoCity"))


@bp.route("/dashboard")
@login_required
def dashboard():
    organisation = current_user.organisation
    fitting, assigned = None, []
    if organisation is not None and organisation.kind == "company":
        # Matches come from public challenges and the company's published solutions: the same for all
        # its members who read them in one language and one time zone.
        fitting = cached_fragment(("main.dashboard.fitting", organisation.id, viewer_zone()), lambda: render_template(
            "main/_fitting_challenges.html", fitting=matching.challenges_for_company(current_user)))
    if organisation is not None and organisation.kind == "consultancy":
        assigned = challenges.assigned_to(current_user)
    # Companies lead proposals; consultancies may be consortium partners.
    own_proposals, invitations = proposals.of_organisation(current_user)
    return render_template(
        "main/dashboard.html", organisation=organisation, fitting=fitting, assigned=assigned,
        proposals=own_proposals, invitations=invitations,
        solutions=solutions.of_organisation(current_user, organisation) if organisation else [],
        challenges=challenges.of_organisation(current_user, organisation) if organisation else [],
        workspaces=workspaces.workspaces_of(current_user) if organisation else [],
        tenders=tenders.of_organisation(current_user) if organisation and organisation.kind == "city" else [],
        bids=bids.of_organisation(current_user) if organisation and organisation.kind == "company" else [],
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
