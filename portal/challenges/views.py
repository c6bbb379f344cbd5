"""Challenge pages: public lists by phase, details, and the city's drafting tools."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..caching import cached_fragment
from ..errors import Invalid
from ..extensions import db
from ..forms import apply_errors, country_options, options, validate_with
from ..matching import services as matching
from ..model_types import utcnow
from ..organisations.models import Organisation
from ..proposals import services as proposals
from ..taxonomy import SECTORS
from ..web import form_page, page_arg, record_id
from ..workspaces import services as workspaces
from . import services
from .forms import ChallengeFilterForm, ChallengeForm

bp = Blueprint("challenges", __name__, url_prefix="/challenges")


def _cities():
    return db.session.execute(
        db.select(Organisation.key, Organisation.name)
        .where(Organisation.kind == "city", Organisation.visible_to(None))
        .order_by(Organisation.name)
    ).all()


@bp.route("")
def listing():
    phase = request.args.get("phase", "open")
    if phase not in services.PHASES:
        phase = "open"
    # The tabs, filters, count and cards show public records only, the same for every reader of a
    # language: made once per state of the data.
    results = cached_fragment(("challenges.listing", *sorted(request.args.items(multi=True))),
                              lambda: _listing_results(phase))
    return render_template("challenges/listing.html", results=results,
                           can_create=services.can_create(current_user), title=_("Challenges"))


def _listing_results(phase):
    form = ChallengeFilterForm(request.args)
    anything = [("", _("Any"))]
    form.sector.choices = options(anything + list(SECTORS.items()))
    form.country.choices = country_options(_("Any"))
    form.organisation.choices = options(anything + [tuple(row) for row in _cities()])
    form.validate()  # an unknown value (an old link, a typo) is ignored and said so; the others still filter
    filters = {name: form[name].data or None for name in ("sector", "country", "organisation")
               if not form[name].errors}
    pagination = services.listing(phase=phase, page=page_arg(), **filters)
    args = {k: v for k, v in request.args.items() if k not in ("page", "phase") and v}
    return render_template("challenges/_listing_results.html", form=form, pagination=pagination, phase=phase,
                           phases=services.PHASES, args=args)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    services.require_can_create(current_user)
    form = ChallengeForm()
    if request.method == "GET":
        form.language.data = "ko" if current_user.organisation.country == "KR" else "en"
        form.currency.data = "KRW" if current_user.organisation.country == "KR" else "EUR"
    if validate_with(form, lambda: services.validate(form.to_data())):
        try:
            challenge = services.create(current_user, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The draft is saved. Only your organisation sees it until you publish it."), "success")
            return redirect(url_for("challenges.show", key=challenge.key))
    return form_page("challenges/edit.html", form, challenge=None, title=_("New challenge"))


@bp.route("/<key>")
def show(key):
    challenge = services.get_for_view(current_user, key)
    matches = None
    if matching.can_see_solution_matches(current_user, challenge) and challenge.status != challenge.DRAFT:
        matches = matching.solutions_for(current_user, challenge)
    can_edit = services.can_edit(current_user, challenge)
    return render_template("challenges/show.html", challenge=challenge, now=utcnow(), matches=matches,
                           can_edit=can_edit, consultancies=services.consultancies() if can_edit else [],
                           proposals=proposals.panel(current_user, challenge),
workspace_panel=workspaces.challenge_panel(current_user, challenge), title=challenge.title)


@bp.route("/<key>/edit", methods=["GET", "POST"])
@login_required
def edit(key):
    challenge = services.get_for_edit(current_user, key)
    form = ChallengeForm(obj=challenge)
    if request.method == "GET":
        form.sectors.data = challenge.sectors
    if validate_with(form, lambda: services.validate(form.to_data())):
        try:
            services.update(current_user, challenge, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The challenge is saved."), "success")
            return redirect(url_for("challenges.show", key=challenge.key))
    return form_page("challenges/edit.html", form, challenge=challenge,
                     title=_("Edit %(title)s", title=challenge.title))


@bp.route("/<key>/consultants", methods=["POST"])
@login_required
def assign_consultant(key):
    challenge = services.get_for_view(current_user, key)
    try:
        services.assign_consultancy(current_user, challenge, request.form.get("organisation_id", type=record_id))
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "danger")
    else:
        flash(_("The consultancy is assigned and can see this challenge's matches."), "success")
    return redirect(url_for("challenges.show", key=key))


@bp.route("/<key>/consultants/<int:organisation_id>/remove", methods=["POST"])
@login_required
def remove_consultant(key, organisation_id):
    challenge = services.get_for_view(current_user, key)
    services.unassign_consultancy(current_user, challenge, organisation_id)
    flash(_("The consultancy is no longer assigned."), "success")
    return redirect(url_for("challenges.show", key=key))


@bp.route("/<key>/<any(publish, close):action>", methods=["POST"])
@login_required
def change_status(key, action):
    challenge = services.get_for_view(current_user, key)
    try:
        if action == "publish":
            services.publish(current_user, challenge)
            flash(_("The challenge is published."), "success")
        else:
            services.close(current_user, challenge)
            flash(_("The challenge is closed."), "success")
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "danger")
        return render_template("challenges/show.html", challenge=challenge, now=utcnow(),
                               can_edit=services.can_edit(current_user, challenge), title=challenge.title), 422
    return redirect(url_for("challenges.show", key=key))
