"""Proposal pages: the lead's form, the proposal, consortium invitations and the city's ranked list."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import require
from ..challenges import services as challenges
from ..errors import Invalid
from ..files import services as files
from ..forms import apply_errors, options, validate_with
from ..i18n import country_name
from ..model_types import utcnow
from ..web import form_page, record_id
from ..workspaces import services as workspaces
from . import ranking, services
from .forms import AttachmentForm, DecisionForm, DeleteForm, NoteForm, PartnerForm, ProposalForm

bp = Blueprint("proposals", __name__)
# Only the attachment upload takes a body as large as a file; every other form keeps the small limit.
bp.url_value_preprocessor(
    lambda endpoint, _values: files.allow_upload_body() if endpoint == "proposals.add_attachment" else None)


@bp.app_template_global()
def proposal_status_label(status):
    return services.status_label(status)


@bp.app_template_global()
def partner_role_label(role):
    return services.role_label(role)


@bp.app_template_global()
def partner_status_label(status):
    return services.PARTNER_STATUS_LABELS[status]


def _message(error):
    return " ".join(map(str, error.errors.values()))


def _solution_choices(form, organisation_id, proposal=None):
    form.solutions.choices = options((solution.id, solution.title)
                                     for solution in services.solution_choices(organisation_id, proposal))


@bp.route("/challenges/<key>/proposals/new", methods=["GET", "POST"])
@login_required
def new(key):
    challenge = challenges.get_for_view(current_user, key)
    if not services.is_verified_company_member(current_user):
        require(False, _("Only members of a verified company can answer a challenge."))
    own = services.live_proposal(current_user.organisation_id, challenge.id)
    if request.method == "GET" and own is not None:
        flash(_("Your company already has a proposal for this challenge."), "info")
        return redirect(url_for("proposals.show", proposal_id=own.id))
    form = ProposalForm()
    _solution_choices(form, current_user.organisation_id)
    if request.method == "GET":
        form.currency.data = challenge.currency
        form.language.data = "ko" if current_user.organisation.country == "KR" else "en"
    status = 200
    if validate_with(form, lambda: services.validate(form.to_data())):
        try:
            proposal = services.create(current_user, challenge, form.to_data())
        except services.Stale as error:
            form.form_errors.append(_message(error))
            status = 409
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The draft is saved. Only your company sees it until you submit it."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    page, code = form_page("proposals/edit.html", form, challenge=challenge, proposal=None,
                           is_open=challenge.phase(utcnow()) == "open", title=_("Answer with a proposal"))
    return page, status if status != 200 else code


def _attachment_form(form=None):
    form = form or AttachmentForm(formdata=None)
    form.file.description = _("Up to %(limit)s each, at most %(count)d files. Accepted: %(formats)s. The type is "
                              "checked from the content, not from the name.",
                              limit=files.human_size(files.max_upload_bytes()), count=services.ATTACHMENTS_MAX,
                              formats=files.accepted_formats())
    return form


def _show(proposal, status=200, decision_form=None, note_form=None, partner_form=None, attachment_form=None):
    """The proposal page as the viewer meets it (lead, partner, city or consultant)."""
    role = services.role_of(current_user, proposal)
    now = utcnow()
    can_edit = role == "lead" and services.editable(proposal, now)
    if can_edit and partner_form is None:
        partner_form = PartnerForm(formdata=None)
    if can_edit:
        attachment_form = _attachment_form(attachment_form)
    if partner_form is not None:
        partner_form.organisation_id.choices = options(
            (organisation.id, f"{organisation.name} · {country_name(organisation.country)}")
            for organisation in services.partner_candidates(proposal))
        partner_form.set_role_choices(services.ROLE_LABELS)
    partners = proposal.partners if role == "lead" else services.confirmed_partners(proposal)
    return render_template(
        "proposals/show.html", proposal=proposal, challenge=proposal.challenge, role=role, can_edit=can_edit,
        partners=partners, lead_share=services.lead_share(proposal), partner_form=partner_form,
        attachments=services.attachments_of(current_user, proposal), attachment_form=attachment_form,
        missing=services.missing_for_submission(proposal) if role == "lead" and proposal.status == "draft" else {},
        decision_form=decision_form or (DecisionForm(formdata=None) if role == "city" else None),
        note_form=note_form or (NoteForm(formdata=None) if role == "city" else None),
        notes=services.notes_for(current_user, proposal), now=now, title=proposal.title), status


@bp.route("/proposals/<int:proposal_id>")
@login_required
def show(proposal_id):
    return _show(services.get_for_view(current_user, proposal_id))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_lead(current_user, proposal), _("Only the lead company changes a proposal."))
    if not services.editable(proposal):
        flash(_("This proposal can no longer be changed."), "warning")
        return redirect(url_for("proposals.show", proposal_id=proposal.id))
    form = ProposalForm(obj=proposal)
    _solution_choices(form, proposal.organisation_id, proposal)
    if request.method == "GET":
        form.solutions.data = [link.solution_id for link in proposal.solution_links]
        form.revision.data = str(proposal.revision)
    status = 200
    if validate_with(form, lambda: services.validate(form.to_data())):
        try:
            revision = int(form.revision.data or 0)
            services.update(current_user, proposal, form.to_data(), revision)
        except services.Stale as error:
            form.form_errors.append(_message(error))
            status = 409
        except Invalid as error:
            apply_errors(form, error.errors)
        except ValueError:
            form.form_errors.append(_("The form was damaged; reload the page and try again."))
            status = 400
        else:
            flash(_("The proposal is saved."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    page, code = form_page("proposals/edit.html", form, challenge=proposal.challenge, proposal=proposal,
                           is_open=True, title=_("Edit the proposal"))
    return page, status if status != 200 else code


def _after_action(proposal, done):
    """Run `done()`; on a stale or refused action show the proposal with the reason and change nothing."""
    try:
        message = done()
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(proposal, 409)
    except Invalid as error:
        flash(_message(error), "danger")
        return _show(proposal, 422)
    flash(message, "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/<any(submit, withdraw):action>", methods=["POST"])
@login_required
def change_status(proposal_id, action):
    proposal = services.get_for_view(current_user, proposal_id)
    if action == "submit":
        return _after_action(proposal, lambda: (services.submit(current_user, proposal),
                                                _("The proposal is submitted; the city can read it now."))[1])
    return _after_action(proposal, lambda: (services.withdraw(current_user, proposal),
                                            _("The proposal is withdrawn."))[1])


@bp.route("/proposals/<int:proposal_id>/<any(shortlist, decline):decision>", methods=["POST"])
@login_required
def decide(proposal_id, decision):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_city_of(current_user, proposal.challenge),
                     _("Only the city that owns the challenge decides on proposals."))
    form = DecisionForm()
    reason = form.reason.data or ""
    try:
        if decision == "shortlist":
            services.shortlist(current_user, proposal, reason)
            message = _("The proposal is on your shortlist.")
        else:
            services.decline(current_user, proposal, reason)
            message = _("The proposal is declined; the company reads your reason.")
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(proposal, 409)
    except Invalid as error:
        apply_errors(form, error.errors)
        return _show(proposal, 422, decision_form=form)
    flash(message, "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/notes", methods=["POST"])
@login_required
def add_note(proposal_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_city_of(current_user, proposal.challenge),
                     _("Only the city's members keep notes on a proposal."))
    form = NoteForm()
    try:
        services.add_note(current_user, proposal, form.body.data)
    except Invalid as error:
        apply_errors(form, error.errors)
        return _show(proposal, 422, note_form=form)
    flash(_("Your note is saved. Only your city's members read it."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#notes")


@bp.route("/proposals/<int:proposal_id>/partners", methods=["POST"])
@login_required
def invite_partner(proposal_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_lead(current_user, proposal), _("Only the lead company invites partners."))
    form = PartnerForm()
    organisation_id = request.form.get("organisation_id", type=record_id)
    try:
        services.invite_partner(current_user, proposal, organisation_id, form.role.data, form.share.data)
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(proposal, 409)
    except Invalid as error:
        apply_errors(form, error.errors)
        return _show(proposal, 422, partner_form=form)
    flash(_("The invitation is sent. The partner appears on the proposal once it confirms."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#consortium")


@bp.route("/proposals/<int:proposal_id>/partners/<int:partner_id>/remove", methods=["POST"])
@login_required
def remove_partner(proposal_id, partner_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_lead(current_user, proposal), _("Only the lead company changes the consortium."))
    return _after_action(proposal, lambda: (services.remove_partner(current_user, proposal, partner_id),
                                            _("The partner is no longer in the consortium."))[1])


@bp.route("/proposals/<int:proposal_id>/attachments", methods=["POST"])
@login_required
def add_attachment(proposal_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_lead(current_user, proposal), _("Only the lead company attaches files to a proposal."))
    form = AttachmentForm()
    try:
        item = services.attach(current_user, proposal, form.file.data)
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(proposal, 409)
    except Invalid as error:
        apply_errors(form, error.errors)
        return _show(proposal, 422, attachment_form=form)
    flash(_("“%(name)s” is attached.", name=item.stored_file.original_name), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#attachments")


@bp.route("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def attachment(proposal_id, attachment_id):
    proposal = services.get_for_view(current_user, proposal_id)
    return services.download(services.get_attachment(current_user, proposal, attachment_id))


@bp.route("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@login_required
def remove_attachment(proposal_id, attachment_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_lead(current_user, proposal), _("Only the lead company removes attachments."))
    try:
        name = services.remove_attachment(current_user, proposal, attachment_id)
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(proposal, 409)
    flash(_("“%(name)s” is removed from the proposal.", name=name), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#attachments")


@bp.route("/proposals/<int:proposal_id>/delete", methods=["GET", "POST"])
@login_required
def delete(proposal_id):
    proposal = services.get_for_view(current_user, proposal_id)
    require(services.is_lead(current_user, proposal), _("Only the lead company deletes its draft."))
    if proposal.status != "draft" and request.method == "GET":
        flash(_("Only a draft can be deleted. A sent proposal can be withdrawn instead."), "warning")
        return redirect(url_for("proposals.show", proposal_id=proposal.id))
    form = DeleteForm()
    if form.validate_on_submit():
        challenge = proposal.challenge
        try:
            services.delete_draft(current_user, proposal)
        except services.Stale as error:
            flash(_message(error), "warning")
            return _show(proposal, 409)
        flash(_("The draft is deleted. Your company can start a new proposal while the challenge is open."),
              "success")
        return redirect(url_for("challenges.show", key=challenge.key))
    return render_template("proposals/delete.html", form=form, proposal=proposal, challenge=proposal.challenge,
                           partners=proposal.partners, attachments=proposal.attachments,
                           title=_("Delete the draft?"))


@bp.route("/proposals/invitations/<int:partner_id>")
@login_required
def invitation(partner_id):
    partner = services.get_invitation(current_user, partner_id)
    return render_template("proposals/invitation.html", partner=partner, proposal=partner.proposal,
                           challenge=partner.proposal.challenge, is_open=services.invitation_open(partner),
                           lead_share=services.lead_share(partner.proposal), now=utcnow(),
                           title=_("Invitation to a consortium"))


@bp.route("/proposals/invitations/<int:partner_id>/<any(confirm, decline):answer>", methods=["POST"])
@login_required
def answer_invitation(partner_id, answer):
    partner = services.get_invitation(current_user, partner_id)
    try:
        services.answer_invitation(current_user, partner, answer == "confirm")
    except services.Stale as error:
        flash(_message(error), "warning")
        return render_template("proposals/invitation.html", partner=partner, proposal=partner.proposal,
                               challenge=partner.proposal.challenge, is_open=False,
                               lead_share=services.lead_share(partner.proposal), now=utcnow(),
                               title=_("Invitation to a consortium")), 409
    if answer == "confirm":
        flash(_("Your organisation is in the consortium; the proposal is open to you now."), "success")
        return redirect(url_for("proposals.show", proposal_id=partner.proposal_id))
    flash(_("You declined the invitation. The lead company is told."), "success")
    return redirect(url_for("proposals.invitation", partner_id=partner.id))


@bp.route("/challenges/<key>/proposals")
@login_required
def for_challenge(key):
    challenge = challenges.get_for_view(current_user, key)
    require(services.can_read_proposals_of(current_user, challenge),
                     _("Only the city that owns the challenge and its assigned consultancies read its proposals."))
    proposals = services.sent_to(current_user, challenge)
    return render_template("proposals/for_challenge.html", challenge=challenge,
                           ranked=ranking.rank(challenge, proposals),
                           notes=services.notes_by_proposal(current_user, proposals),
                           is_city=services.is_city_of(current_user, challenge), now=utcnow(),
                           workspace_panel=workspaces.challenge_panel(current_user, challenge),
                           title=_("Proposals for %(title)s", title=challenge.title))
