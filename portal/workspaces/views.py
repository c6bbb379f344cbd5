"""Workspace pages: one's workspaces, opening one, and the hub's tabs (overview, members, stages, fit table,
investment, milestones, decisions, meeting notes, activity). Members only: everyone else gets a 404."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..challenges import services as challenge_services
from ..errors import Invalid
from ..forms import apply_errors, options, validate_with
from ..tenders import services as tenders
from ..web import form_page, record_id
from . import labels, services
from .forms import (
    ActionForm,
    DecisionForm,
    FitItemForm,
    GateForm,
    InvestmentForm,
    InviteForm,
    MeetingForm,
    MilestoneForm,
    OpenWorkspaceForm,
)
from .models import STAGES, ActionItem, FitItem, MeetingNote, Milestone

bp = Blueprint("workspaces", __name__, url_prefix="/workspaces")


@bp.app_template_global()
def stage_label(stage):
    return labels.stage_label(stage)


@bp.app_template_global()
def member_role_label(role):
    return labels.member_role_label(role)


@bp.app_template_global()
def workspace_label(kind, value):
    """What a fit category, verdict or procurement model is called."""
    return {"category": labels.FIT_CATEGORY_LABELS, "verdict": labels.FIT_VERDICT_LABELS,
            "procurement": labels.PROCUREMENT_MODEL_LABELS}[kind].get(value, value)


@bp.app_template_global()
def describe_activity(activity):
    return services.describe_activity(activity)


@bp.app_template_global()
def end_of_day(day, zone):
    return services.end_of_day(day, zone)


def _hub(template, workspace, tab, status=200, **context):
    """Render a tab of the workspace hub with what every tab shows; a submitted `form` with errors answers 422,
    as web.form_page does, so nothing commits."""
    form = context.get("form")
    if form is not None and form.is_submitted() and (form.errors or form.form_errors):
        status = 422
    return render_template(template, workspace=workspace, tab=tab, stages=STAGES,
                           position=services.stage_position(workspace), zone=workspace.organisation.timezone,
                           role=services.role_of(workspace, current_user),
                           can=services.permissions(current_user, workspace), title=workspace.title,
                           **context), status


def _person_choices(people, blank=None):
    choices = [("", blank)] if blank is not None else []
    return options(choices + [(str(person.id), f"{person.name} · {person.organisation.name}") for person in people])


def _organisation_choices(organisations):
    return options((str(organisation.id), organisation.name) for organisation in organisations)


def _error_text(error):
    return " ".join(map(str, error.errors.values()))


# ---------------------------------------------------------------- listing and opening

@bp.route("")
@login_required
def index():
    return render_template("workspaces/index.html", workspaces=services.workspaces_of(current_user),
                           title=_("Workspaces"))


@bp.route("/open/<key>", methods=["GET", "POST"])
@login_required
def open_for(key):
    challenge = challenge_services.get_for_view(current_user, key)
    if (existing := services.workspace_of_challenge(current_user, challenge)) is not None:
        return redirect(url_for("workspaces.show", workspace_id=existing.id))
    services.require_can_open(current_user, challenge)
    form = OpenWorkspaceForm()
    companies = services.shortlisted_companies(challenge)
    form.company_ids.choices = _organisation_choices(companies)
    form.facilitator_id.choices = options([("", _("No facilitator for now"))]) + _organisation_choices(
        services.consultancies())
    form.company_ids.validate_choice = form.facilitator_id.validate_choice = False  # the service says why not
    if request.method == "GET":
        form.title.data = _("Co-creating: %(title)s", title=challenge.title)[:200]
    if validate_with(form, lambda: services.validate_opening(challenge, form.to_data())):
        try:
            workspace = services.open_workspace(current_user, challenge, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The workspace is open; the invited organisations are notified."), "success")
            return redirect(url_for("workspaces.show", workspace_id=workspace.id))
    return form_page("workspaces/open.html", form, challenge=challenge, companies=companies,
                     title=_("Open a workspace"))


# ---------------------------------------------------------------- overview, stages, activity

@bp.route("/<int:workspace_id>")
@login_required
def show(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    return _hub("workspaces/show.html", workspace, "overview", missing=services.readiness(workspace),
                tender_panel=tenders.workspace_panel(current_user, workspace),
                gates=services.gate_history(workspace)[:3],
                feed=services.activity_feed(workspace, services.FEED_ON_HUB),
                milestones=services.milestones(workspace)[:5], actions=services.open_actions_of(workspace)[:5])


def _gates_page(workspace, form, status=200):
    return _hub("workspaces/gates.html", workspace, "gates", status, form=form, gates=services.gate_history(workspace),
                missing=services.readiness(workspace))


@bp.route("/<int:workspace_id>/gates", methods=["GET", "POST"])
@login_required
def gates(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    form = GateForm()
    if request.method == "POST":
        services.require_may(current_user, workspace, "move")
        if validate_with(form, lambda: services.validate_move(form.to_data())):
            try:
                decision = services.move_stage(current_user, workspace, form.to_data())
            except Invalid as error:
                apply_errors(form, error.errors)
            else:
                flash(_("The workspace is now in the stage “%(stage)s”; every member is notified.",
                        stage=stage_label(decision.to_stage)), "success")
                return redirect(url_for("workspaces.gates", workspace_id=workspace.id))
        return _gates_page(workspace, form, 422)
    form.from_stage.data = workspace.stage
    return _gates_page(workspace, form)


@bp.route("/<int:workspace_id>/activity")
@login_required
def activity(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    return _hub("workspaces/activity.html", workspace, "activity", feed=services.activity_feed(workspace, 500))


# ---------------------------------------------------------------- members

def _members_page(workspace, form, status=200):
    form.organisation_id.choices = options(
        (str(organisation.id), f"{organisation.name} · {member_role_label(services.role_for_kind(organisation))}")
        for organisation in services.invitable(workspace))
    return _hub("workspaces/members.html", workspace, "members", status, form=form,
                people=services.member_users(workspace))


@bp.route("/<int:workspace_id>/members", methods=["GET", "POST"])
@login_required
def members(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    form = InviteForm()
    if request.method == "POST":
        services.require_may(current_user, workspace, "manage_members")
        try:
            organisation = services.invite_member(current_user, workspace,
                                                  request.form.get("organisation_id", type=record_id))
        except Invalid as error:
            form.organisation_id.errors = [_error_text(error)]
            return _members_page(workspace, form, 422)
        flash(_("%(organisation)s is invited; its people are notified.", organisation=organisation.name), "success")
        return redirect(url_for("workspaces.members", workspace_id=workspace.id))
    return _members_page(workspace, form)


@bp.route("/<int:workspace_id>/members/<int:organisation_id>/remove", methods=["POST"])
@login_required
def remove_member(workspace_id, organisation_id):
    workspace = services.get_for(current_user, workspace_id)
    services.remove_member(current_user, workspace, organisation_id)
    flash(_("The company is no longer in the workspace."), "success")
    return redirect(url_for("workspaces.members", workspace_id=workspace.id))


# ---------------------------------------------------------------- city system fit

def _fit_page(workspace, form, status=200):
    return _hub("workspaces/fit.html", workspace, "fit", status, form=form, table=services.fit_table(workspace))


@bp.route("/<int:workspace_id>/fit")
@login_required
def fit(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    return _fit_page(workspace, FitItemForm(formdata=None))


@bp.route("/<int:workspace_id>/fit/items", methods=["POST"])
@login_required
def add_fit_item(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    services.require_may(current_user, workspace, "edit_fit_items")
    form = FitItemForm()
    if validate_with(form, lambda: services.validate_fit_item(form.to_data())):
        services.add_fit_item(current_user, workspace, form.to_data())
        flash(_("The fit item is added; the companies in the workspace are asked to answer it."), "success")
        return redirect(url_for("workspaces.fit", workspace_id=workspace.id))
    return _fit_page(workspace, form, 422)


@bp.route("/<int:workspace_id>/fit/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_fit_item(workspace_id, item_id):
    workspace = services.get_for(current_user, workspace_id)
    item = services.get_inside(workspace, FitItem, item_id)
    services.require_may(current_user, workspace, "edit_fit_items")
    form = FitItemForm(obj=item)
    if validate_with(form, lambda: services.validate_fit_item(form.to_data())):
        services.update_fit_item(current_user, workspace, item, form.to_data())
        flash(_("The fit item is saved."), "success")
        return redirect(url_for("workspaces.fit", workspace_id=workspace.id))
    return _hub("workspaces/fit_item.html", workspace, "fit", form=form, item=item)


@bp.route("/<int:workspace_id>/fit/items/<int:item_id>/delete", methods=["POST"])
@login_required
def remove_fit_item(workspace_id, item_id):
    workspace = services.get_for(current_user, workspace_id)
    item = services.get_inside(workspace, FitItem, item_id)
    services.remove_fit_item(current_user, workspace, item)
    flash(_("The fit item and its answers are removed."), "success")
    return redirect(url_for("workspaces.fit", workspace_id=workspace.id))


@bp.route("/<int:workspace_id>/fit/answers", methods=["GET", "POST"])
@login_required
def answer_fit(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    services.require_may(current_user, workspace, "answer_fit")
    table = services.fit_table(workspace)
    errors, given = {}, {}
    if request.method == "POST":
        given = {item.id: {"verdict": request.form.get(f"verdict-{item.id}", ""),
                           "how": request.form.get(f"how-{item.id}", "")} for item in table.items}
        try:
            count = services.answer_fit(current_user, workspace, given)
        except Invalid as error:
            errors = {field: str(message) for field, message in error.errors.items()}
        else:
            flash(_("Your answers are saved (%(count)d changed).", count=count), "success")
            return redirect(url_for("workspaces.fit", workspace_id=workspace.id))
    else:
        given = {item.id: {"verdict": answer.verdict, "how": answer.how} for item in table.items
                 if (answer := table.answers.get((item.id, current_user.organisation_id)))}
    return _hub("workspaces/fit_answers.html", workspace, "fit", 422 if errors else 200, table=table, given=given,
                errors=errors, verdicts=labels.FIT_VERDICT_LABELS)


# ---------------------------------------------------------------- investment decision

@bp.route("/<int:workspace_id>/investment", methods=["GET", "POST"])
@login_required
def investment(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    decision = services.investment_of(workspace)
    if request.method == "POST":
        services.require_may(current_user, workspace, "record_investment")
    form = InvestmentForm(obj=decision)
    if request.method == "GET" and decision is None:
        form.currency.data = workspace.challenge.currency
    if validate_with(form, lambda: services.validate_investment(form.to_data())):
        services.record_investment(current_user, workspace, form.to_data())
        flash(_("The investment decision is recorded."), "success")
        return redirect(url_for("workspaces.investment", workspace_id=workspace.id))
    return _hub("workspaces/investment.html", workspace, "investment", form=form, decision=decision)


# ---------------------------------------------------------------- milestones, decisions, meeting notes

@bp.route("/<int:workspace_id>/milestones", methods=["GET", "POST"])
@login_required
def milestones(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    if request.method == "POST":
        services.require_may(current_user, workspace, "keep_records")
    form = MilestoneForm()
    form.owner_organisation_id.choices = _organisation_choices(member.organisation for member in workspace.members)
    form.owner_user_id.choices = _person_choices(services.member_users(workspace), _("Nobody in particular"))
    for select in (form.owner_organisation_id, form.owner_user_id):
        select.validate_choice = False  # the service says which member is meant
    if validate_with(form, lambda: services.validate_milestone(workspace, form.to_data())):
        services.add_milestone(current_user, workspace, form.to_data())
        flash(_("The milestone is added."), "success")
        return redirect(url_for("workspaces.milestones", workspace_id=workspace.id))
    return _hub("workspaces/milestones.html", workspace, "milestones", form=form,
                milestones=services.milestones(workspace))


@bp.route("/<int:workspace_id>/milestones/<int:milestone_id>/delete", methods=["POST"])
@login_required
def remove_milestone(workspace_id, milestone_id):
    workspace = services.get_for(current_user, workspace_id)
    milestone = services.get_inside(workspace, Milestone, milestone_id)
    services.remove_milestone(current_user, workspace, milestone)
    flash(_("The milestone is removed."), "success")
    return redirect(url_for("workspaces.milestones", workspace_id=workspace.id))


@bp.route("/<int:workspace_id>/decisions", methods=["GET", "POST"])
@login_required
def decisions(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    if request.method == "POST":
        services.require_may(current_user, workspace, "keep_records")
    form = DecisionForm()
    if validate_with(form, lambda: services.validate_decision(form.to_data())):
        services.log_decision(current_user, workspace, form.to_data())
        flash(_("The decision is logged."), "success")
        return redirect(url_for("workspaces.decisions", workspace_id=workspace.id))
    return _hub("workspaces/decisions.html", workspace, "decisions", form=form,
                decisions=services.decisions(workspace))


def _meetings_page(workspace, form, action_form, status=200, failed_meeting=None):
    action_form.owner_id.choices = _person_choices(services.member_users(workspace), "")
    action_form.owner_id.validate_choice = False
    return _hub("workspaces/meetings.html", workspace, "meetings", status, form=form, action_form=action_form,
                notes=services.meeting_notes(workspace), failed_meeting=failed_meeting)


@bp.route("/<int:workspace_id>/meetings", methods=["GET", "POST"])
@login_required
def meetings(workspace_id):
    workspace = services.get_for(current_user, workspace_id)
    if request.method == "POST":
        services.require_may(current_user, workspace, "keep_records")
    form = MeetingForm()
    if validate_with(form, lambda: services.validate_meeting(form.to_data())):
        services.add_meeting_note(current_user, workspace, form.to_data())
        flash(_("The meeting notes are saved. Add the action items that came out of it."), "success")
        return redirect(url_for("workspaces.meetings", workspace_id=workspace.id))
    return _meetings_page(workspace, form, ActionForm(formdata=None), 422 if form.errors else 200)


@bp.route("/<int:workspace_id>/meetings/<int:meeting_id>/actions", methods=["POST"])
@login_required
def add_action(workspace_id, meeting_id):
    workspace = services.get_for(current_user, workspace_id)
    meeting = services.get_inside(workspace, MeetingNote, meeting_id)
    services.require_may(current_user, workspace, "keep_records")
    form = ActionForm()
    form.owner_id.choices, form.owner_id.validate_choice = [], False
    if validate_with(form, lambda: services.validate_action(workspace, form.to_data())):
        services.add_action_item(current_user, workspace, meeting, form.to_data())
        flash(_("The action item is added."), "success")
        return redirect(url_for("workspaces.meetings", workspace_id=workspace.id, _anchor=f"meeting-{meeting.id}"))
    return _meetings_page(workspace, MeetingForm(formdata=None), form, 422, failed_meeting=meeting.id)


@bp.route("/<int:workspace_id>/actions/<int:action_id>/<any(done, reopen):change>", methods=["POST"])
@login_required
def mark_action(workspace_id, action_id, change):
    workspace = services.get_for(current_user, workspace_id)
    action = services.get_inside(workspace, ActionItem, action_id)
    services.set_action_done(current_user, workspace, action, change == "done")
    flash(_("The action is marked done.") if change == "done" else _("The action is open again."), "success")
    return redirect(url_for("workspaces.meetings", workspace_id=workspace.id, _anchor=f"meeting-{action.meeting_id}"))
