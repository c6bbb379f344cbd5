"""Tender pages: the public listing and tender page with its versions and questions, the city's form (from a
workspace or from scratch), publishing, amending, cancelling and deleting a draft."""
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import is_authenticated, require
from ..errors import Invalid
from ..files import services as files
from ..forms import apply_errors, validate_with
from ..i18n import format_instant, zone_label
from ..model_types import utcnow
from ..web import page_arg
from ..workspaces import services as workspaces
from . import procedures, services
from .forms import (
    AnswerForm,
    CancelForm,
    DeleteForm,
    PublishForm,
    QuestionForm,
    TenderForm,
    blank_row,
    read_rows,
)
from .models import Tender

bp = Blueprint("tenders", __name__)


@bp.app_template_global()
def tender_phase_label(phase):
    return services.PHASE_LABELS.get(phase, phase)


@bp.app_template_global()
def procedure_label(code):
    return procedures.label(code)


@bp.app_template_global()
def criterion_kind_label(kind):
    return services.KIND_LABELS.get(kind, kind)


@bp.app_template_filter()
def iso_instant(text):
    """An instant a version's snapshot keeps as ISO 8601 text, as a datetime to format."""
    return datetime.fromisoformat(text)


def _message(error):
    return " ".join(map(str, error.errors.values()))


# ---------------------------------------------------------------- public pages

@bp.route("/tenders")
def listing():
    phase = request.args.get("phase", "open")
    if phase not in services.PHASES:
        phase = "open"
    return render_template("tenders/listing.html", phase=phase, now=utcnow(),
                           pagination=services.listing(phase, page_arg()),
                           drafts=services.drafts_of(current_user), can_build=services.can_build(current_user),
                           title=_("Tenders"))


def _show(tender, status=200, question_form=None, cancel_form=None, failed_answer=None):
    """The tender page as the viewer meets it: the public, a company that may ask, or the city."""
    now = utcnow()
    is_city = services.is_city_member(current_user, tender)
    can_ask = services.can_ask(current_user, tender, now)
    return render_template(
        "tenders/show.html", tender=tender, now=now, zone=tender.organisation.timezone, is_city=is_city,
        phase=tender.phase(now), versions=tender.versions, lots=tender.lots, criteria=tender.criteria,
        terms=procedures.term_rows(tender.procedure, tender.procedure_terms or {}, tender.currency),
        procedure_description=procedures.get(tender.procedure).description,
        challenge=tender.challenge if tender.challenge and tender.challenge.is_visible_to(current_user) else None,
        award_criteria=procedures.ocds_award_criteria(criterion.kind for criterion in tender.criteria),
        questions=services.questions_for(current_user, tender),
        own_organisation=current_user.organisation_id if is_authenticated(current_user) else None,
        answers_close=services.answers_close_at(tender) if tender.status != Tender.DRAFT else None,
        can_edit=services.can_edit(current_user, tender), can_amend=services.can_amend(current_user, tender, now),
        can_cancel=services.can_cancel(current_user, tender), can_answer=services.can_answer(current_user, tender, now),
        can_ask=can_ask, question_form=question_form or (QuestionForm(formdata=None) if can_ask else None),
        cancel_form=cancel_form or (CancelForm(formdata=None) if services.can_cancel(current_user, tender) else None),
        publish_form=PublishForm(formdata=None, revision=str(tender.revision)), failed_answer=failed_answer,
        missing=services.missing_for_publication(tender, now) if is_city and tender.status == Tender.DRAFT else {},
        title=tender.title), status


@bp.route("/tenders/<int:tender_id>")
def show(tender_id):
    return _show(services.get_for_view(current_user, tender_id))


@bp.route("/tenders/<int:tender_id>/versions/<int:number>.pdf")
def version_file(tender_id, number):
    tender = services.get_for_view(current_user, tender_id)
    return files.send(services.version_of(tender, number).stored_file)


# ---------------------------------------------------------------- the city's form

def _instant_help(form, zone):
    """Each instant is typed on the city's clock; the form says which."""
    clock = _("On the city's clock (%(zone)s).", zone=zone_label(zone))
    form.publication_at.description = _("When you mean to publish; publishing sets it to the moment you do.") + \
        " " + clock
    form.clarification_deadline.description = _(
        "Questions and answers close then, at least six days before the submission deadline.") + " " + clock
    form.submission_deadline.description = clock
    form.opening_at.description = _("Not before the submission deadline.") + " " + clock


def _padded(rows, minimum):
    """The rows to show: those given, and blank ones up to `minimum` and one more to fill in."""
    shown = {key: list(value) for key, value in rows.items()}
    for key in shown:
        shown[key] += [blank_row(key) for _extra in range(max(1, minimum[key] - len(shown[key])))]
    return shown


def _form_page(mode, tender=None, workspace=None):
    """The tender form: `mode` is new, build (from `workspace`), edit (the draft) or amend (the published
    tender). Other submit buttons than save show the form again, with more rows or another procedure's terms,
    and save nothing."""
    organisation = tender.organisation if tender else current_user.organisation
    zone = organisation.timezone
    form = TenderForm()
    _instant_help(form, zone)
    if mode == "amend":
        form.procedure.data = tender.procedure
        form.publication_at.data = services.local(tender.publication_at, zone)
    status, errors = 200, {}
    if request.method == "GET":
        data = services.data_of(tender) if tender else services.initial_data(current_user, workspace)
        form.fill(data)
        form.revision.data = str(tender.revision) if tender else ""
        rows = _padded({"lots": data["lots"], "criteria": data["criteria"]}, {"lots": 2, "criteria": 0})
    else:
        rows = read_rows(request.form)
        action = request.form.get("action", "save")
        if action in ("more-lots", "more-criteria"):
            rows[action.removeprefix("more-")].append(blank_row(action.removeprefix("more-")))
        elif action == "save":
            data = form.to_data(rows)
            if mode == "amend":
                data["procedure"] = tender.procedure

            def rules():
                errors.update(services.validate_amendment(tender, data, form.change_note.data)[1] if mode == "amend"
                              else services.validate(data, zone)[1])
                return errors
            if validate_with(form, rules):
                try:
                    return _save(mode, form, data, tender, workspace)
                except services.Stale as error:
                    form.form_errors.append(_message(error))
                    status = 409
                except Invalid as error:
                    errors.update(error.errors)
                    apply_errors(form, error.errors)
            status = status if status != 200 else 422
    titles = {"new": _("A new tender"), "build": _("Build the tender"), "edit": _("Edit the draft tender"),
              "amend": _("Amend the tender")}
    return render_template("tenders/edit.html", form=form, mode=mode, tender=tender, workspace=workspace,
                           rows=rows, errors=errors, zone=zone, procedure=form.procedure.data,
                           procedures=procedures.PROCEDURES, kinds=services.KIND_LABELS,
                           fit_requirements=services.fit_snapshot(workspace) if workspace else
                           (tender.fit_requirements if tender else []),
                           title=titles[mode]), status


def _save(mode, form, data, tender, workspace):
    """Call the service for `mode`; a redirect to the tender once it is saved."""
    if mode in ("new", "build"):
        tender = services.create(current_user, data, workspace)
        flash(_("The draft is saved. Only your city sees it until you publish it."), "success")
    elif mode == "edit":
        services.update(current_user, tender, data, _revision(form))
        flash(_("The draft is saved."), "success")
    else:
        version = services.amend(current_user, tender, data, _revision(form), form.change_note.data)
        flash(_("Version %(number)d is published, with its PDF.", number=version.number), "success")
        if version.extended_from is not None:
            zone = tender.organisation.timezone
            flash(_("Fewer than six days remained before the submission deadline, so it moved to %(deadline)s "
                    "(%(zone)s), and the opening with it.",
                    deadline=format_instant(tender.submission_deadline, zone), zone=zone_label(zone)), "warning")
    return redirect(url_for("tenders.show", tender_id=tender.id))


def _revision(form):
    try:
        return int(form.revision.data or 0)
    except ValueError:
        raise Invalid({"revision": _("The form was damaged; reload the page and try again.")}) from None


@bp.route("/tenders/new", methods=["GET", "POST"])
@login_required
def new():
    services.require_can_build(current_user)
    return _form_page("new")


@bp.route("/workspaces/<int:workspace_id>/tender", methods=["GET", "POST"])
@login_required
def build(workspace_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    live = services.live_tender_of(workspace)
    if live is not None and request.method == "GET" and live.is_visible_to(current_user):
        flash(_("A tender is built from this workspace already."), "info")
        return redirect(url_for("tenders.show", tender_id=live.id))
    services.require_can_build(current_user, workspace)
    return _form_page("build", workspace=workspace)


@bp.route("/tenders/<int:tender_id>/edit", methods=["GET", "POST"])
@login_required
def edit(tender_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_city_member(current_user, tender), _("Only the city that owns the tender changes it."))
    if tender.status != Tender.DRAFT:
        flash(_("This tender is published: change it with an amendment."), "warning")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    return _form_page("edit", tender)


@bp.route("/tenders/<int:tender_id>/amend", methods=["GET", "POST"])
@login_required
def amend(tender_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_city_member(current_user, tender), _("Only the city that owns the tender amends it."))
    if not services.can_amend(current_user, tender):
        flash(_("Only a published tender can be amended, until its submission deadline."), "warning")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    return _form_page("amend", tender)


# ---------------------------------------------------------------- status moves

def _after(tender, done, message, refused, form=None, anchor=""):
    """Run `done()` and go back to the tender with `message`. A request that came too late or twice shows the
    tender with the reason (409); a refused one shows it again (422) with `form`'s errors and the context
    `refused(error)` gives."""
    try:
        done()
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(tender, 409)
    except Invalid as error:
        if form is not None:
            apply_errors(form, error.errors)
        return _show(tender, 422, **refused(error))
    flash(message, "success")
    return redirect(url_for("tenders.show", tender_id=tender.id) + anchor)


@bp.route("/tenders/<int:tender_id>/publish", methods=["POST"])
@login_required
def publish(tender_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_city_member(current_user, tender), _("Only the city that owns the tender publishes it."))
    form = PublishForm()

    def refused(error):
        flash(_("The tender cannot be published yet: %(missing)s", missing=_message(error)), "danger")
        return {}
    return _after(tender, lambda: services.publish(current_user, tender, _revision(form)),
                  _("The tender is published: anyone can read it and download its PDF."), refused)


@bp.route("/tenders/<int:tender_id>/cancel", methods=["POST"])
@login_required
def cancel(tender_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_city_member(current_user, tender), _("Only the city that owns the tender cancels it."))
    form = CancelForm()
    return _after(tender, lambda: services.cancel(current_user, tender, form.reason.data),
                  _("The tender is cancelled; its page says why."), lambda error: {"cancel_form": form}, form)


@bp.route("/tenders/<int:tender_id>/delete", methods=["GET", "POST"])
@login_required
def delete(tender_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_city_member(current_user, tender), _("Only the city that owns the tender deletes it."))
    if tender.status != Tender.DRAFT and request.method == "GET":
        flash(_("Only a draft can be deleted; a published tender can be cancelled."), "warning")
        return redirect(url_for("tenders.show", tender_id=tender.id))
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            services.delete_draft(current_user, tender)
        except services.Stale as error:
            flash(_message(error), "warning")
            return _show(tender, 409)
        flash(_("The draft is deleted."), "success")
        return redirect(url_for("tenders.listing"))
    return render_template("tenders/delete.html", form=form, tender=tender, title=_("Delete the draft?"))


# ---------------------------------------------------------------- questions and answers

@bp.route("/tenders/<int:tender_id>/questions", methods=["POST"])
@login_required
def ask(tender_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_verified_company_member(current_user), _("Only members of a verified company ask "
                                                                  "questions."))
    form = QuestionForm()
    return _after(tender, lambda: services.ask(current_user, tender, form.text.data),
                  _("Your question is sent. The city answers in public; nobody but your organisation learns who "
                    "asked."), lambda error: {"question_form": form}, form, "#questions")


@bp.route("/tenders/<int:tender_id>/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(tender_id, question_id):
    tender = services.get_for_view(current_user, tender_id)
    require(services.is_city_member(current_user, tender), _("Only the city that owns the tender answers."))
    question = services.get_question(tender, question_id)
    form = AnswerForm()
    return _after(tender, lambda: services.answer(current_user, question, form.answer.data),
                  _("The answer is published; it goes into the clarifications annex of the next version."),
                  lambda error: {"failed_answer": (question.id, form)}, form, f"#question-{question.id}")
