"""Organisation pages: public profiles, editing, invitations, the verification queue."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import is_member
from ..accounts import services as accounts
from ..challenges import services as challenges
from ..errors import Invalid
from ..forms import apply_errors, country_options, options, validate_with
from ..i18n import timezone_choices
from ..solutions import services as solutions
from ..taxonomy import ORGANISATION_KINDS
from ..web import form_page, page_arg
from . import services
from .forms import InviteForm, OrganisationForm, RejectForm
from .models import Organisation

bp = Blueprint("organisations", __name__, url_prefix="/organisations")
admin_bp = Blueprint("organisations_admin", __name__, url_prefix="/admin/organisations")


@bp.route("")
def directory():
    kind = request.args.get("kind") if request.args.get("kind") in ORGANISATION_KINDS else None
    pagination = services.directory(kind=kind, page=page_arg())
    return render_template("organisations/directory.html", pagination=pagination, kind=kind,
                           kinds=ORGANISATION_KINDS, title=_("Organisations"))


@bp.route("/<key>")
def show(key):
    organisation = services.get_for_view(current_user, key)
    return render_template(
        "organisations/show.html", organisation=organisation,
        is_member=is_member(current_user, organisation),
        solutions=solutions.of_organisation(current_user, organisation),
        challenges=challenges.of_organisation(current_user, organisation),
        title=organisation.name,
    )


@bp.route("/<key>/edit", methods=["GET", "POST"])
@login_required
def edit(key):
    organisation = services.get_for_edit(current_user, key)
    form = OrganisationForm(obj=organisation)
    form.country.choices = country_options()
    form.timezone.choices = options(timezone_choices())
    data = {name: getattr(form, name).data for name in services.EDITABLE_FIELDS}
    if validate_with(form, lambda: services.validate(data)):
        try:
            services.update(current_user, organisation, data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("organisations.show", key=organisation.key))
    return form_page("organisations/edit.html", form, organisation=organisation,
                     title=_("Edit %(name)s", name=organisation.name))


@bp.route("/<key>/members", methods=["GET", "POST"])
@login_required
def members(key):
    organisation = services.get_for_edit(current_user, key)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            accounts.invite(current_user, form.email.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("We have emailed an invitation to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("organisations.members", key=key))
    return form_page("organisations/members.html", form, organisation=organisation,
                     can_invite=accounts.can_invite(current_user),
                     invitations=accounts.pending_invitations(organisation),
                     title=_("Members of %(name)s", name=organisation.name))


@bp.route("/<key>/request-review", methods=["POST"])
@login_required
def request_review(key):
    organisation = services.get_for_edit(current_user, key)
    try:
        services.request_verification(current_user, organisation)
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "warning")
    else:
        flash(_("We have asked an administrator to review %(name)s again.", name=organisation.name), "success")
    return redirect(url_for("organisations.show", key=key))


@admin_bp.route("")
@login_required
def queue():
    status = request.args.get("status", Organisation.PENDING)
    if status not in (Organisation.PENDING, Organisation.VERIFIED, Organisation.REJECTED):
        status = Organisation.PENDING  # an unknown tab shows the default one
    organisations = services.verification_queue(current_user, status)
    return render_template("organisations/admin_queue.html", organisations=organisations,
                           namesakes=services.namesakes(current_user, organisations),
                           status=status, reject_form=RejectForm(), title=_("Verification"))


@admin_bp.route("/<int:organisation_id>/verify", methods=["POST"])
@login_required
def verify(organisation_id):
    organisation = services.verify(current_user, organisation_id)
    flash(_("%(name)s is verified.", name=organisation.name), "success")
    return redirect(url_for("organisations_admin.queue"))


@admin_bp.route("/<int:organisation_id>/reject", methods=["POST"])
@login_required
def reject(organisation_id):
    form = RejectForm()
    try:
        organisation = services.reject(current_user, organisation_id, form.reason.data or "")
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "danger")
        return redirect(url_for("organisations_admin.queue"))
    flash(_("%(name)s is rejected; its members see your reason.", name=organisation.name), "success")
    return redirect(url_for("organisations_admin.queue"))
