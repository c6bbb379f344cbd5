"""The rules of workspaces: who is in one, what each member may do there, and what the last gate needs.

Every function that changes something takes the acting user first, checks that the user's organisation is a
member (NotFound otherwise: outsiders never learn that a workspace exists) and that its role allows the
change (NotAllowed), validates everything before writing (Invalid with errors by field), and writes one line
of the activity feed.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload

from .. import signals
from ..access import is_authenticated, is_member, require
from ..accounts.models import User
from ..challenges.models import Challenge
from ..errors import Invalid, NotFound
from ..extensions import db
from ..keys import get_visible_by_id
from ..model_types import utcnow
from ..organisations.models import Organisation
from ..proposals.models import Proposal
from ..signals import announce
from ..validation import check_amount, check_choice, check_currency, check_day, check_text, parse_date
from .labels import FIT_CATEGORY_LABELS, MEMBER_ROLE_LABELS, stage_label
from .models import (
    FIT_CATEGORIES,
    FIT_VERDICTS,
    PROCUREMENT_MODELS,
    READY,
    REASON_MAX,
    STAGES,
    TEXT_MAX,
    TITLE_MAX,
    ActionItem,
    Decision,
    FitAnswer,
    FitItem,
    GateDecision,
    InvestmentDecision,
    MeetingNote,
    Milestone,
    Workspace,
    WorkspaceActivity,
    WorkspaceMember,
)

CITY, COMPANY, FACILITATOR = WorkspaceMember.CITY, WorkspaceMember.COMPANY, WorkspaceMember.FACILITATOR
FEED_ON_HUB = 10


# ---------------------------------------------------------------- finding workspaces and what is in them

def get_for(user, workspace_id):
    """The workspace if `user`'s organisation is a member; NotFound otherwise, as if it did not exist."""
    return get_visible_by_id(Workspace, user, workspace_id)


def get_inside(workspace, model, record_id):
    """The record of `model` with this id inside `workspace`; NotFound for one of another workspace."""
    record = db.session.scalar(select(model).where(model.id == record_id, model.workspace_id == workspace.id))
    if record is None:
        raise NotFound()
    return record


def workspaces_of(user):
    """The workspaces `user` is in, the most recently changed first."""
    return db.session.scalars(
        db.select(Workspace).where(Workspace.visible_to(user)).order_by(Workspace.updated_at.desc()).options(
            joinedload(Workspace.challenge).options(lazyload(Challenge.consultants), lazyload(Challenge._sector_rows)),
            lazyload(Workspace.members))).all()


def workspace_of_challenge(user, challenge):
    """The challenge's workspace if `user` is in it, else None."""
    return db.session.scalar(select(Workspace).where(Workspace.challenge_id == challenge.id,
                                                     Workspace.visible_to(user)))


def challenge_panel(user, challenge):
    """What the challenge page offers `user` about its workspace: the one they are in, or opening one."""
    if not is_authenticated(user) or user.organisation_id is None:
        return None
    return {"workspace": workspace_of_challenge(user, challenge), "can_open": can_open(user, challenge)}


def membership(workspace, user):
    """The user's organisation's membership of the workspace, or None."""
    if not is_authenticated(user) or user.organisation_id is None:
        return None
    return member_of(workspace, user.organisation_id)


def member_of(workspace, organisation_id):
    """The organisation's membership of the workspace, or None."""
    return next((member for member in workspace.members if member.organisation_id == organisation_id), None)


def role_of(workspace, user):
    """city, company or facilitator: the role of the user's organisation in the workspace; None outside it."""
    member = membership(workspace, user)
    return member.role if member else None


def _role(actor, workspace):
    """The actor's role; NotFound for anyone outside the workspace."""
    role = role_of(workspace, actor)
    if role is None:
        raise NotFound()
    return role


def _require_role(actor, workspace, roles, reason):
    """The actor's role if it is one of `roles`; NotFound outside the workspace, NotAllowed for other roles."""
    role = _role(actor, workspace)
    require(role in roles, reason)
    return role


def stage_position(workspace):
    """Where the workspace stands: the index of its stage in STAGES."""
    return STAGES.index(workspace.stage)


def member_companies(workspace):
    """The member companies' organisations, in the order they joined."""
    return [member.organisation for member in workspace.members if member.role == COMPANY]


def facilitator_of(workspace):
    return next((member.organisation for member in workspace.members if member.role == FACILITATOR), None)


def member_users(workspace):
    """The active people of every member organisation."""
    ids = [member.organisation_id for member in workspace.members]
    return db.session.scalars(select(User).where(User.organisation_id.in_(ids), User.active)
                              .order_by(User.name)).all()


# ---------------------------------------------------------------- what each role may do

def can_manage_members(user, workspace):
    return role_of(workspace, user) == CITY


def can_move(user, workspace, to_stage):
    """The city moves any gate; the facilitator every gate that neither enters nor leaves ready-to-tender."""
    role = role_of(workspace, user)
    return role == CITY or (role == FACILITATOR and READY not in (workspace.stage, to_stage))


def can_edit_fit_items(user, workspace):
    return role_of(workspace, user) == CITY


def can_answer_fit(user, workspace):
    return role_of(workspace, user) == COMPANY


def can_record_investment(user, workspace):
    return role_of(workspace, user) == CITY


def can_keep_records(user, workspace):
    """Milestones, the decision log and meeting notes: the facilitator's tools, and the city's."""
    return role_of(workspace, user) in (CITY, FACILITATOR)


def can_mark_action(user, workspace, action):
    """The action's owner marks it done, and so may the city and the facilitator."""
    return can_keep_records(user, workspace) or (role_of(workspace, user) is not None and action.owner_id == user.id)


# What each kind of change needs: the roles that may make it, and what the others are told.
RULES = {
    "manage_members": ((CITY,), _l("Only the city invites and removes members.")),
    "move": ((CITY, FACILITATOR), _l("Only the city and the facilitator move the workspace between stages.")),
    "edit_fit_items": ((CITY,), _l("Only the city lists what a solution must fit.")),
    "answer_fit": ((COMPANY,), _l("Only the companies in the workspace answer the fit items.")),
    "record_investment": ((CITY,), _l("Only the city records its investment decision.")),
    "keep_records": ((CITY, FACILITATOR), _l("Only the city and the facilitator keep milestones, decisions and "
                                             "meeting notes.")),
}


def require_may(actor, workspace, change):
    """NotFound for anyone outside the workspace; NotAllowed for a member whose role may not make `change`."""
    roles, reason = RULES[change]
    return _require_role(actor, workspace, roles, reason)


def permissions(user, workspace):
    """What the page offers `user`: a dict of the can_* answers."""
    next_stage = STAGES[stage_position(workspace) + 1] if workspace.stage != READY else None
    previous_stage = STAGES[stage_position(workspace) - 1] if stage_position(workspace) else None
    return {
        "manage_members": can_manage_members(user, workspace),
        "move_forward": bool(next_stage) and can_move(user, workspace, next_stage),
        "move_back": bool(previous_stage) and can_move(user, workspace, previous_stage),
        "edit_fit_items": can_edit_fit_items(user, workspace),
        "answer_fit": can_answer_fit(user, workspace),
        "record_investment": can_record_investment(user, workspace),
        "keep_records": can_keep_records(user, workspace),
    }


# ---------------------------------------------------------------- the activity feed

ACTIVITY_TEXTS = {}


def register_activity_kind(kind, describe):
    """Teach the feed a kind of line: `describe(params)` gives its text in the reader's language."""
    ACTIVITY_TEXTS[kind] = describe


def record_activity(workspace, actor, kind, summary_params):
    """Write one line of the workspace's activity feed (other packages call this too)."""
    activity = WorkspaceActivity(workspace_id=workspace.id, actor_id=actor.id if actor is not None else None,
                                 kind=kind, params=dict(summary_params))
    db.session.add(activity)
    workspace.updated_at = utcnow()
    return activity


def describe_activity(activity):
    """The feed line in the reader's language."""
    describe = ACTIVITY_TEXTS.get(activity.kind)
    return describe(activity.params) if describe else activity.kind


def activity_feed(workspace, limit=None):
    """The workspace's activity, newest first."""
    statement = (select(WorkspaceActivity).where(WorkspaceActivity.workspace_id == workspace.id)
                 .order_by(WorkspaceActivity.created_at.desc(), WorkspaceActivity.id.desc()))
    return db.session.scalars(statement.limit(limit) if limit else statement).all()


def _day(params):
    """The day a feed line names, in the reader's language."""
    return format_date(date.fromisoformat(params["day"]), "medium")


for _kind, _describe in {
    "opened": lambda p: _("opened the workspace for “%(challenge)s”", challenge=p["challenge"]),
    "member_invited": lambda p: _("invited %(organisation)s as %(role)s", organisation=p["organisation"],
                                  role=MEMBER_ROLE_LABELS[p["role"]]),
    "member_removed": lambda p: _("removed %(organisation)s from the workspace", organisation=p["organisation"]),
    "gate_forward": lambda p: _("moved the workspace from %(before)s to %(after)s: %(reason)s",
                                before=stage_label(p["from"]), after=stage_label(p["to"]), reason=p["reason"]),
    "gate_back": lambda p: _("moved the workspace back from %(before)s to %(after)s: %(reason)s",
                             before=stage_label(p["from"]), after=stage_label(p["to"]), reason=p["reason"]),
    "fit_item_added": lambda p: _("added the fit item “%(title)s” (%(category)s)", title=p["title"],
                                  category=FIT_CATEGORY_LABELS[p["category"]]),
    "fit_item_changed": lambda p: _("changed the fit item “%(title)s”", title=p["title"]),
    "fit_item_removed": lambda p: _("removed the fit item “%(title)s”", title=p["title"]),
    "fit_answered": lambda p: _("answered %(count)d fit items for %(organisation)s", organisation=p["organisation"],
                                count=p["count"]),
    "investment_recorded": lambda p: _("recorded the investment decision: %(budget_line)s",
                                       budget_line=p["budget_line"]),
    "investment_changed": lambda p: _("changed the investment decision: %(budget_line)s",
                                      budget_line=p["budget_line"]),
    "milestone_added": lambda p: _("added the milestone “%(title)s” due %(day)s", title=p["title"], day=_day(p)),
    "milestone_removed": lambda p: _("removed the milestone “%(title)s”", title=p["title"]),
    "decision_logged": lambda p: _("logged the decision “%(title)s”", title=p["title"]),
    "meeting_noted": lambda p: _("added notes of the meeting on %(day)s", day=_day(p)),
    "action_added": lambda p: _("gave %(owner)s an action due %(day)s: %(description)s", owner=p["owner"],
                                day=_day(p), description=p["description"]),
    "action_done": lambda p: _("marked done: %(description)s", description=p["description"]),
    "action_reopened": lambda p: _("reopened: %(description)s", description=p["description"]),
}.items():
    register_activity_kind(_kind, _describe)


# ---------------------------------------------------------------- opening a workspace

def shortlisted_companies(challenge):
    """The verified companies on the challenge's shortlist, leads and confirmed consortium partners."""
    return db.session.scalars(select(Organisation).where(
        Organisation.id.in_(Proposal.shortlisted_company_ids(challenge.id)), Organisation.kind == "company",
        Organisation.verification == Organisation.VERIFIED).order_by(Organisation.name)).all()


def consultancies():
    """The verified consultancies a city may choose as facilitator."""
    return db.session.scalars(select(Organisation).where(
        Organisation.kind == "consultancy", Organisation.verification == Organisation.VERIFIED,
    ).order_by(Organisation.name)).all()


def existing_workspace_id(challenge):
    return db.session.scalar(select(Workspace.id).where(Workspace.challenge_id == challenge.id))


def can_open(user, challenge):
    """A member of the challenge's city, verified, once the challenge is published, while it has no workspace."""
    return (is_member(user, challenge.organisation) and challenge.organisation.is_verified
            and challenge.status != Challenge.DRAFT and existing_workspace_id(challenge) is None)


def require_can_open(actor, challenge):
    """NotAllowed, with the reason, unless `actor` may open a workspace for the challenge (one exists or not)."""
    require(is_member(actor, challenge.organisation), _l("Only the city that owns the challenge opens its workspace."))
    require(challenge.organisation.is_verified, _l("Your city must be verified before it opens a workspace."))
    require(challenge.status != Challenge.DRAFT, _l("Publish the challenge first."))


def _ids(values):
    """Whole numbers from form values; None when one is not."""
    try:
        return [int(value) for value in values]
    except (TypeError, ValueError):
        return None


def validate_opening(challenge, data):
    """Errors by field for opening a workspace: a title, shortlisted companies, at most one facilitator."""
    errors = {}
    if message := check_text(data.get("title"), TITLE_MAX):
        errors["title"] = message
    company_ids = _ids(data.get("company_ids") or [])
    allowed = {company.id for company in shortlisted_companies(challenge)}
    if not company_ids:
        errors["company_ids"] = _l("Choose at least one company from the shortlist.")
    elif not set(company_ids) <= allowed:
        errors["company_ids"] = _l("Only companies on this challenge's shortlist can be invited.")
    facilitator_id = data.get("facilitator_id")
    if facilitator_id not in (None, ""):
        ids = _ids([facilitator_id])
        if not ids or ids[0] not in {consultancy.id for consultancy in consultancies()}:
            errors["facilitator_id"] = _l("Choose a verified consultancy.")
    return errors


def open_workspace(actor, challenge, data):
    """A member of the challenge's city opens its one workspace with shortlisted companies and a facilitator."""
    require_can_open(actor, challenge)
    if existing_workspace_id(challenge) is not None:
        raise Invalid({"challenge": _l("This challenge has a workspace already.")})
    if errors := validate_opening(challenge, data):
        raise Invalid(errors)
    workspace = Workspace(challenge=challenge, organisation=challenge.organisation, title=data["title"].strip())
    workspace.members.append(WorkspaceMember(organisation=challenge.organisation, role=CITY, invited_by_id=actor.id))
    invited = [(db.session.get(Organisation, company_id), COMPANY) for company_id in dict.fromkeys(
        _ids(data["company_ids"]))]
    if data.get("facilitator_id"):
        invited.append((db.session.get(Organisation, int(data["facilitator_id"])), FACILITATOR))
    for organisation, role in invited:
        workspace.members.append(WorkspaceMember(organisation=organisation, role=role, invited_by_id=actor.id))
    try:
        with db.session.begin_nested():
            db.session.add(workspace)
            db.session.flush()
    except IntegrityError:  # another member of the city opened one a moment ago
        raise Invalid({"challenge": _l("This challenge has a workspace already.")}) from None
    record_activity(workspace, actor, "opened", {"challenge": challenge.title})
    for organisation, role in invited:
        record_activity(workspace, actor, "member_invited", {"organisation": organisation.name, "role": role})
        announce(signals.workspace_member_invited, workspace=workspace, organisation=organisation, actor=actor)
    return workspace


# ---------------------------------------------------------------- members

def invitable(workspace):
    """Organisations the city may still invite: shortlisted companies not in it, and consultancies while it has
    no facilitator."""
    inside = {member.organisation_id for member in workspace.members}
    candidates = [company for company in shortlisted_companies(workspace.challenge) if company.id not in inside]
    if facilitator_of(workspace) is None:
        candidates += [consultancy for consultancy in consultancies() if consultancy.id not in inside]
    return candidates


def role_for_kind(organisation):
    """The role an invited organisation takes: a consultancy facilitates, a company is a company."""
    return FACILITATOR if organisation.kind == "consultancy" else COMPANY


def invite_member(actor, workspace, organisation_id):
    """The city invites a shortlisted company, or a consultancy as facilitator when there is none."""
    require_may(actor, workspace, "manage_members")
    organisation = next((candidate for candidate in invitable(workspace) if candidate.id == organisation_id), None)
    if organisation is None:
        raise Invalid({"organisation_id": _l("Choose a shortlisted company or a verified consultancy "
                                             "that is not in the workspace yet.")})
    role = role_for_kind(organisation)
    workspace.members.append(WorkspaceMember(organisation=organisation, role=role, invited_by_id=actor.id))
    db.session.flush()
    record_activity(workspace, actor, "member_invited", {"organisation": organisation.name, "role": role})
    announce(signals.workspace_member_invited, workspace=workspace, organisation=organisation, actor=actor)
    return organisation


def remove_member(actor, workspace, organisation_id):
    """The city removes a company; its people no longer see anything inside."""
    require_may(actor, workspace, "manage_members")
    member = next((member for member in workspace.members if member.organisation_id == organisation_id), None)
    if member is None:
        raise NotFound()
    require(member.role == COMPANY, _l("Only companies can be removed from a workspace."))
    workspace.members.remove(member)
    db.session.flush()
    record_activity(workspace, actor, "member_removed", {"organisation": member.organisation.name})


# ---------------------------------------------------------------- stages and gates

# (stage, check): the gate into `stage` stays closed while `check(workspace)` returns a message.
gate_requirements = []


def register_gate_requirement(stage, check):
    """Make the gate into `stage` ask `check(workspace)`, which returns what is missing (a message) or None.

    Other packages add their own conditions this way (the agreed requirement document, for one).
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if (stage, check) not in gate_requirements:
        gate_requirements.append((stage, check))
    return check


def readiness(workspace, stage=None):
    """What the gate into `stage` (by default the next one) still needs: a list of messages, empty when open."""
    if stage is None:
        if workspace.stage == READY:
            return []
        stage = STAGES[stage_position(workspace) + 1]
    return [str(message) for gate, check in gate_requirements if gate == stage
            if (message := check(workspace))]


def validate_move(data):
    errors = {}
    if data.get("direction") not in ("forward", "back"):
        errors["direction"] = _l("Not a valid choice.")
    if message := check_text(data.get("reason"), REASON_MAX, multiline=True):
        errors["reason"] = message
    return errors


def move_stage(actor, workspace, data):
    """Move the workspace one stage forward (once the gate's requirements are met) or back, with a reason."""
    require_may(actor, workspace, "move")
    if errors := validate_move(data):
        raise Invalid(errors)
    if data.get("from_stage") and data["from_stage"] != workspace.stage:
        # A second click, or another member moved it meanwhile: never move twice.
        raise Invalid({"direction": _l("The workspace moved to %(stage)s meanwhile; nothing was changed.",
                                       stage=stage_label(workspace.stage))})
    position = stage_position(workspace)
    step = 1 if data["direction"] == "forward" else -1
    if not 0 <= position + step < len(STAGES):
        raise Invalid({"direction": _l("The workspace cannot move further that way.")})
    to_stage = STAGES[position + step]
    require(can_move(actor, workspace, to_stage), _l("Only the city decides the gate to ready-to-tender."))
    if step == 1 and (missing := readiness(workspace, to_stage)):
        raise Invalid({"direction": _l("The gate is closed: %(missing)s", missing=" ".join(missing))})
    decision = GateDecision(workspace_id=workspace.id, from_stage=workspace.stage, to_stage=to_stage,
                            reason=data["reason"].strip(), decided_by_id=actor.id)
    db.session.add(decision)
    workspace.stage = to_stage
    db.session.flush()
    record_activity(workspace, actor, "gate_forward" if step == 1 else "gate_back",
                    {"from": decision.from_stage, "to": to_stage, "reason": decision.reason})
    announce(signals.gate_passed, workspace=workspace, decision=decision, actor=actor)
    return decision


def gate_history(workspace):
    """The gate decisions, newest first."""
    return sorted(workspace.gate_decisions, key=lambda decision: (decision.decided_at, decision.id), reverse=True)


# ---------------------------------------------------------------- city system fit

@dataclass
class FitTable:
    items: list
    companies: list
    answers: dict  # (item id, organisation id) -> FitAnswer

    def answer(self, item, company):
        return self.answers.get((item.id, company.id))

    @property
    def missing(self):
        """How many (item, company) answers are still missing."""
        return sum(1 for item in self.items for company in self.companies if (item.id, company.id) not in self.answers)

    @property
    def complete(self):
        return bool(self.items) and bool(self.companies) and self.missing == 0


def fit_items(workspace):
    return db.session.scalars(select(FitItem).where(FitItem.workspace_id == workspace.id)
                              .order_by(FitItem.category, FitItem.id)).all()


def fit_table(workspace):
    """Every fit item against every member company, with the answers given so far."""
    items = sorted(fit_items(workspace), key=lambda item: (FIT_CATEGORIES.index(item.category), item.id))
    companies = member_companies(workspace)
    answers = {(answer.item_id, answer.organisation_id): answer for answer in db.session.scalars(
        select(FitAnswer).where(FitAnswer.workspace_id == workspace.id))}
    return FitTable(items, companies, answers)


def validate_fit_item(data):
    checks = {"category": check_choice(data.get("category"), FIT_CATEGORIES),
              "title": check_text(data.get("title"), TITLE_MAX),
              "description": check_text(data.get("description"), TEXT_MAX, required=False, multiline=True)}
    return {field: message for field, message in checks.items() if message}


def _apply_fit_item(item, data):
    item.category, item.title = data["category"], data["title"].strip()
    item.description = (data.get("description") or "").strip()


def add_fit_item(actor, workspace, data):
    """The city names something a solution must fit."""
    require_may(actor, workspace, "edit_fit_items")
    if errors := validate_fit_item(data):
        raise Invalid(errors)
    item = FitItem(workspace_id=workspace.id, created_by_id=actor.id)
    _apply_fit_item(item, data)
    db.session.add(item)
    db.session.flush()
    record_activity(workspace, actor, "fit_item_added", {"title": item.title, "category": item.category})
    announce(signals.fit_item_added, workspace=workspace, item=item, actor=actor)
    return item


def update_fit_item(actor, workspace, item, data):
    require_may(actor, workspace, "edit_fit_items")
    if errors := validate_fit_item(data):
        raise Invalid(errors)
    _apply_fit_item(item, data)
    record_activity(workspace, actor, "fit_item_changed", {"title": item.title})
    return item


def remove_fit_item(actor, workspace, item):
    require_may(actor, workspace, "edit_fit_items")
    db.session.delete(item)
    db.session.flush()
    record_activity(workspace, actor, "fit_item_removed", {"title": item.title})


def validate_fit_answers(items, answers):
    """Errors keyed `verdict-<item id>` / `how-<item id>`; an item left wholly blank is not answered yet."""
    errors = {}
    for item in items:
        given = answers.get(item.id) or {}
        verdict, how = given.get("verdict") or "", given.get("how") or ""
        if not verdict and not how.strip():
            continue
        if message := check_choice(verdict, FIT_VERDICTS):
            errors[f"verdict-{item.id}"] = message if verdict else _l("Choose whether it fits.")
        if message := check_text(how, TEXT_MAX, multiline=True):
            errors[f"how-{item.id}"] = message if how.strip() else _l("Say how.")
    return errors


def answer_fit(actor, workspace, answers):
    """A member company answers fit items for itself: {item id: {"verdict": ..., "how": ...}}; all or nothing."""
    require_may(actor, workspace, "answer_fit")
    items = fit_items(workspace)
    if errors := validate_fit_answers(items, answers):
        raise Invalid(errors)
    existing = {answer.item_id: answer for answer in db.session.scalars(select(FitAnswer).where(
        FitAnswer.workspace_id == workspace.id, FitAnswer.organisation_id == actor.organisation_id))}
    count = 0
    for item in items:
        given = answers.get(item.id) or {}
        if not given.get("verdict"):
            continue
        answer = existing.get(item.id) or FitAnswer(workspace_id=workspace.id, item_id=item.id,
                                                    organisation_id=actor.organisation_id)
        if answer.id is None or (answer.verdict, answer.how) != (given["verdict"], given["how"].strip()):
            answer.verdict, answer.how, answer.answered_by_id = given["verdict"], given["how"].strip(), actor.id
            db.session.add(answer)
            count += 1
    if count:
        db.session.flush()
        record_activity(workspace, actor, "fit_answered", {"organisation": actor.organisation.name, "count": count})
        announce(signals.fit_answered, workspace=workspace, organisation=actor.organisation, count=count, actor=actor)
    return count


def _fit_table_complete(workspace):
    table = fit_table(workspace)
    if not table.items:
        return _l("The city has not listed what a solution must fit yet.")
    if not table.companies:
        return _l("No company is in the workspace to answer the fit table.")
    if table.missing:
        return _l("The fit table is not filled in: %(count)d answers are missing.", count=table.missing)
    return None


# ---------------------------------------------------------------- the investment decision

def investment_of(workspace):
    return db.session.scalar(select(InvestmentDecision).where(InvestmentDecision.workspace_id == workspace.id))


def validate_investment(data):
    checks = {
        "budget_line": check_text(data.get("budget_line"), TITLE_MAX),
        "amount": check_amount(data.get("amount")),
        "currency": check_currency(data.get("currency")),
        "funding_source": check_text(data.get("funding_source"), TITLE_MAX),
        "procurement_model": check_choice(data.get("procurement_model"), PROCUREMENT_MODELS),
        "approved_by_name": check_text(data.get("approved_by_name"), TITLE_MAX),
        "approved_by_role": check_text(data.get("approved_by_role"), TITLE_MAX),
        "approved_on": check_day(data.get("approved_on")),
    }
    errors = {field: message for field, message in checks.items() if message}
    if "amount" not in errors and data["amount"] == 0:
        errors["amount"] = _l("An investment decision needs an amount above zero.")
    if "approved_on" not in errors and parse_date(data["approved_on"]) > utcnow().date() + timedelta(days=1):
        errors["approved_on"] = _l("The approval cannot be in the future.")
    return errors


def record_investment(actor, workspace, data):
    """The city records (or corrects) its decision to invest."""
    require_may(actor, workspace, "record_investment")
    if errors := validate_investment(data):
        raise Invalid(errors)
    decision = investment_of(workspace)
    kind = "investment_changed" if decision else "investment_recorded"
    if decision is None:
        decision = InvestmentDecision(workspace_id=workspace.id)
        db.session.add(decision)
    for field in ("budget_line", "funding_source", "approved_by_name", "approved_by_role"):
        setattr(decision, field, data[field].strip())
    decision.amount, decision.currency = data["amount"], data["currency"]
    decision.procurement_model = data["procurement_model"]
    decision.approved_on = parse_date(data["approved_on"])
    decision.recorded_by_id = actor.id
    db.session.flush()
    record_activity(workspace, actor, kind, {"budget_line": decision.budget_line})
    announce(signals.investment_recorded, workspace=workspace, decision=decision,
             changed=kind == "investment_changed", actor=actor)
    return decision


def _investment_recorded(workspace):
    return None if investment_of(workspace) else _l("The city has not recorded its investment decision.")


register_gate_requirement(READY, _investment_recorded)
register_gate_requirement(READY, _fit_table_complete)


# ---------------------------------------------------------------- milestones, decisions, meeting notes

def end_of_day(day, zone_name):
    """The last minute of `day` in the zone: when a dated milestone falls due."""
    return datetime.combine(day, time(23, 59), ZoneInfo(zone_name))


def milestones(workspace):
    return db.session.scalars(select(Milestone).where(Milestone.workspace_id == workspace.id)
                              .order_by(Milestone.due_on, Milestone.id)).all()


def _member_organisation(workspace, organisation_id):
    return next((member.organisation for member in workspace.members if member.organisation_id == organisation_id),
                None)


def _member_user(workspace, user_id, organisation_id=None):
    """The active user with this id in a member organisation (in `organisation_id` when given), or None."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or _member_organisation(workspace, user.organisation_id) is None:
        return None
    return user if organisation_id is None or user.organisation_id == organisation_id else None


def _record_id(value):
    ids = _ids([value]) if value not in (None, "") else None
    return ids[0] if ids else None


def validate_milestone(workspace, data):
    checks = {"title": check_text(data.get("title"), TITLE_MAX), "due_on": check_day(data.get("due_on"))}
    errors = {field: message for field, message in checks.items() if message}
    owner = _member_organisation(workspace, _record_id(data.get("owner_organisation_id")))
    if owner is None:
        errors["owner_organisation_id"] = _l("Choose a member organisation.")
    user_id = data.get("owner_user_id")
    if user_id not in (None, "") and owner is not None and _member_user(
            workspace, _record_id(user_id), owner.id) is None:
        errors["owner_user_id"] = _l("Choose a person of the owning organisation.")
    return errors


def add_milestone(actor, workspace, data):
    require_may(actor, workspace, "keep_records")
    if errors := validate_milestone(workspace, data):
        raise Invalid(errors)
    milestone = Milestone(workspace_id=workspace.id, title=data["title"].strip(), due_on=parse_date(data["due_on"]),
                          owner_organisation_id=_record_id(data["owner_organisation_id"]),
                          owner_user_id=_record_id(data.get("owner_user_id")), created_by_id=actor.id)
    db.session.add(milestone)
    db.session.flush()
    record_activity(workspace, actor, "milestone_added", {"title": milestone.title,
                                                          "day": milestone.due_on.isoformat()})
    announce(signals.milestone_added, workspace=workspace, milestone=milestone, actor=actor)
    return milestone


def remove_milestone(actor, workspace, milestone):
    require_may(actor, workspace, "keep_records")
    db.session.delete(milestone)
    record_activity(workspace, actor, "milestone_removed", {"title": milestone.title})


def decisions(workspace):
    return db.session.scalars(select(Decision).where(Decision.workspace_id == workspace.id)
                              .order_by(Decision.decided_on.desc(), Decision.id.desc())).all()


def validate_decision(data):
    checks = {"title": check_text(data.get("title"), TITLE_MAX),
              "decision": check_text(data.get("decision"), TEXT_MAX, multiline=True),
              "decided_by": check_text(data.get("decided_by"), TITLE_MAX),
              "decided_on": check_day(data.get("decided_on"))}
    return {field: message for field, message in checks.items() if message}


def log_decision(actor, workspace, data):
    require_may(actor, workspace, "keep_records")
    if errors := validate_decision(data):
        raise Invalid(errors)
    decision = Decision(workspace_id=workspace.id, title=data["title"].strip(), decision=data["decision"].strip(),
                        decided_by=data["decided_by"].strip(), decided_on=parse_date(data["decided_on"]),
                        recorded_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    record_activity(workspace, actor, "decision_logged", {"title": decision.title})
    announce(signals.decision_logged, workspace=workspace, decision=decision, actor=actor)
    return decision


def meeting_notes(workspace):
    return db.session.scalars(select(MeetingNote).where(MeetingNote.workspace_id == workspace.id)
                              .order_by(MeetingNote.held_on.desc(), MeetingNote.id.desc())).all()


def validate_meeting(data):
    checks = {"held_on": check_day(data.get("held_on")),
              "attendees": check_text(data.get("attendees"), TEXT_MAX, multiline=True),
              "notes": check_text(data.get("notes"), TEXT_MAX * 5, multiline=True)}
    return {field: message for field, message in checks.items() if message}


def add_meeting_note(actor, workspace, data):
    require_may(actor, workspace, "keep_records")
    if errors := validate_meeting(data):
        raise Invalid(errors)
    note = MeetingNote(workspace_id=workspace.id, held_on=parse_date(data["held_on"]),
                       attendees=data["attendees"].strip(), notes=data["notes"].strip(), recorded_by_id=actor.id)
    db.session.add(note)
    db.session.flush()
    record_activity(workspace, actor, "meeting_noted", {"day": note.held_on.isoformat()})
    return note


def validate_action(workspace, data):
    checks = {"description": check_text(data.get("description"), TITLE_MAX * 2),
              "due_on": check_day(data.get("due_on"))}
    errors = {field: message for field, message in checks.items() if message}
    if _member_user(workspace, _record_id(data.get("owner_id"))) is None:
        errors["owner_id"] = _l("Choose a person in the workspace.")
    return errors


def add_action_item(actor, workspace, meeting, data):
    """An action from a meeting, owned by a person of a member organisation, due on a day."""
    require_may(actor, workspace, "keep_records")
    if errors := validate_action(workspace, data):
        raise Invalid(errors)
    action = ActionItem(workspace_id=workspace.id, meeting=meeting, description=data["description"].strip(),
                        owner_id=_record_id(data["owner_id"]), due_on=parse_date(data["due_on"]))
    db.session.add(action)
    db.session.flush()
    record_activity(workspace, actor, "action_added", {"owner": action.owner.name, "day": action.due_on.isoformat(),
                                                       "description": action.description})
    announce(signals.action_assigned, workspace=workspace, action=action, actor=actor)
    return action


def set_action_done(actor, workspace, action, done):
    """Mark an action done (or open again): its owner, the city or the facilitator."""
    _role(actor, workspace)
    require(can_mark_action(actor, workspace, action),
            _l("Only the action's owner, the city and the facilitator mark it done."))
    if done == (action.done_at is not None):
        return action
    action.done_at, action.done_by_id = (utcnow(), actor.id) if done else (None, None)
    record_activity(workspace, actor, "action_done" if done else "action_reopened",
                    {"description": action.description})
    return action


def open_actions_of(workspace):
    return db.session.scalars(select(ActionItem).where(ActionItem.workspace_id == workspace.id,
                                                       ActionItem.done_at.is_(None))
                              .order_by(ActionItem.due_on, ActionItem.id)).all()


def subscribe(app):
    """Listen, for `app`, to what the tools inside a workspace (files, threads, documents) announce, for the
    activity feed; its notices tell the people concerned what happens in the workspace."""
    signals.workspace_file_added.connect(_file_added, sender=app)
    signals.thread_post_added.connect(_post_added, sender=app)
    signals.document_saved.connect(_document_saved, sender=app)
    signals.document_agreed.connect(_document_agreed, sender=app)
    from . import notices

    notices.subscribe(app)


register_activity_kind("file_added", lambda p: _("added the file “%(name)s”", name=p["name"]))
register_activity_kind("thread_started", lambda p: _("started the thread “%(title)s”", title=p["title"]))
register_activity_kind("post_added", lambda p: _("wrote in the thread “%(title)s”", title=p["title"]))
register_activity_kind("document_saved", lambda p: _("saved revision %(number)d of the document “%(title)s”",
                                                     number=p["number"], title=p["title"]))
register_activity_kind("document_agreed", lambda p: _("agreed revision %(number)d of the document “%(title)s”",
                                                      number=p["number"], title=p["title"]))


def _file_added(_app, workspace_file, actor, **_data):
    record_activity(workspace_file.workspace, actor, "file_added", {"name": workspace_file.stored_file.original_name})


def _post_added(_app, post, actor, **_data):
    thread = post.thread
    first = len(thread.posts) == 1
    record_activity(thread.workspace, actor, "thread_started" if first else "post_added", {"title": thread.title})


def _document_saved(_app, document, revision, actor, **_data):
    record_activity(document.workspace, actor, "document_saved", {"number": revision.number, "title": revision.title})


def _document_agreed(_app, document, actor, **_data):
    record_activity(document.workspace, actor, "document_agreed",
                    {"number": document.agreed_number, "title": document.title})

