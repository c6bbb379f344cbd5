"""Co-creation workspaces, their member organisations and the gate decisions between stages."""
from sqlalchemy import exists, false

from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..visibility import Visible

TITLE_MAX = 200
REASON_MAX = 2000

# Stages modelled on pre-commercial procurement; a workspace moves one gate at a time.
EXPLORE, DEFINE, CO_DESIGN, PILOT, READY = "explore", "define", "co-design", "pilot", "ready-to-tender"
STAGES = (EXPLORE, DEFINE, CO_DESIGN, PILOT, READY)


class Workspace(Visible, db.Model):
    """The room a city opens for one challenge with companies from its shortlist and a facilitator.

    Only member organisations' people see a workspace and anything inside it; everyone else, the
    administrators included, gets a 404. The city that owns the challenge owns the workspace.
    """

    __tablename__ = "workspaces"

    admin_sees_all = False  # what is said in the room stays in the room

    id = db.Column(db.Integer, primary_key=True)
    challenge_id = db.Column(db.Integer, db.ForeignKey("challenges.id"), nullable=False, unique=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    stage = db.Column(db.String(20), nullable=False, default=EXPLORE)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    challenge = db.relationship("Challenge")
    organisation = db.relationship("Organisation")
    members = db.relationship("WorkspaceMember", cascade="all, delete-orphan", lazy="selectin",
                              back_populates="workspace", order_by="WorkspaceMember.joined_at")
    gate_decisions = db.relationship("GateDecision", cascade="all, delete-orphan",
                                     order_by="GateDecision.decided_at")

    __table_args__ = (
        db.CheckConstraint(
            "stage IN ('explore', 'define', 'co-design', 'pilot', 'ready-to-tender')", name="stage"),
    )

    @classmethod
    def public_rule(cls):
        return false()

    @classmethod
    def insider_rule(cls, organisation_id):
        return exists().where(WorkspaceMember.workspace_id == cls.id,
                              WorkspaceMember.organisation_id == organisation_id)

    def __repr__(self):
        return f"<Workspace {self.id} {self.stage}>"


class InsideWorkspace(Visible):
    """Mixin for records inside a workspace (a post, a document, a file): its members see them, nobody else.

    The model needs a `workspace_id` column.
    """

    admin_sees_all = False

    @classmethod
    def public_rule(cls):
        return false()

    @classmethod
    def owner_id(cls):
        raise TypeError("a record inside a workspace belongs to the workspace's members, not to one organisation")

    @classmethod
    def insider_rule(cls, organisation_id):
        return exists().where(WorkspaceMember.workspace_id == cls.workspace_id,
                              WorkspaceMember.organisation_id == organisation_id)


class WorkspaceMember(db.Model):
    """An organisation in a workspace: the city that opened it, a company, or the facilitating consultancy."""

    __tablename__ = "workspace_members"

    CITY, COMPANY, FACILITATOR = "city", "company", "facilitator"

    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), primary_key=True, index=True)
    role = db.Column(db.String(20), nullable=False)
    invited_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    joined_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    workspace = db.relationship("Workspace", back_populates="members")
    organisation = db.relationship("Organisation", lazy="joined")

    __table_args__ = (
        db.CheckConstraint("role IN ('city', 'company', 'facilitator')", name="role"),
    )


class GateDecision(db.Model):
    """A move between stages: who decided it, when, and why."""

    __tablename__ = "workspace_gate_decisions"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    from_stage = db.Column(db.String(20), nullable=False)
    to_stage = db.Column(db.String(20), nullable=False)
    reason = db.Column(db.String(REASON_MAX), nullable=False)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    decided_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    decided_by = db.relationship("User")


# ---------------------------------------------------------------- city system fit

TEXT_MAX = 4000
FIT_CATEGORIES = ("system", "data-standard", "regulation", "operations")
FIT_VERDICTS = ("fits", "needs-work", "does-not-fit")
PROCUREMENT_MODELS = ("open-procedure", "innovation-partnership", "pre-commercial", "bto", "btl", "bot")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _workspace_column():
    return db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True)


class FitItem(InsideWorkspace, db.Model):
    """Something a solution must fit in the city: a system it runs, a data standard, a rule, how it is operated."""

    __tablename__ = "workspace_fit_items"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = _workspace_column()
    category = db.Column(db.String(20), nullable=False)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    answers = db.relationship("FitAnswer", cascade="all, delete-orphan", back_populates="item")

    __table_args__ = (db.CheckConstraint(_in("category", FIT_CATEGORIES), name="category"),)


class FitAnswer(InsideWorkspace, db.Model):
    """A member company's answer to one fit item: whether its solution fits, and how."""

    __tablename__ = "workspace_fit_answers"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = _workspace_column()
    item_id = db.Column(db.Integer, db.ForeignKey("workspace_fit_items.id", ondelete="CASCADE"), nullable=False)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False)
    verdict = db.Column(db.String(20), nullable=False)
    how = db.Column(db.Text, nullable=False)
    answered_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    answered_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    item = db.relationship("FitItem", back_populates="answers")

    __table_args__ = (
        db.UniqueConstraint("item_id", "organisation_id", name="uq_workspace_fit_answers_item"),
        db.CheckConstraint(_in("verdict", FIT_VERDICTS), name="verdict"),
    )


# ---------------------------------------------------------------- readiness to invest

class InvestmentDecision(InsideWorkspace, db.Model):
    """The city's recorded decision to invest: which budget, how much, from where, bought how, approved by whom."""

    __tablename__ = "workspace_investment_decisions"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             unique=True)
    budget_line = db.Column(db.String(TITLE_MAX), nullable=False)
    amount = db.Column(db.BigInteger, nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    funding_source = db.Column(db.String(TITLE_MAX), nullable=False)
    procurement_model = db.Column(db.String(30), nullable=False)
    approved_by_name = db.Column(db.String(TITLE_MAX), nullable=False)
    approved_by_role = db.Column(db.String(TITLE_MAX), nullable=False)
    approved_on = db.Column(db.Date, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    recorded_by = db.relationship("User")

    __table_args__ = (
        db.CheckConstraint("amount >= 0", name="amount"),
        db.CheckConstraint(_in("procurement_model", PROCUREMENT_MODELS), name="procurement_model"),
    )


# ---------------------------------------------------------------- the facilitator's tools

class Milestone(InsideWorkspace, db.Model):
    """A date the members work towards, owned by a member organisation (and optionally one of its people)."""

    __tablename__ = "workspace_milestones"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = _workspace_column()
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    owner_organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False)
    owner_user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    owner_organisation = db.relationship("Organisation")
    owner_user = db.relationship("User", foreign_keys=[owner_user_id])


class Decision(InsideWorkspace, db.Model):
    """An entry of the decision log: what was decided, by whom, on which day."""

    __tablename__ = "workspace_decisions"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = _workspace_column()
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    decision = db.Column(db.Text, nullable=False)
    decided_by = db.Column(db.String(TITLE_MAX), nullable=False)
    decided_on = db.Column(db.Date, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class MeetingNote(InsideWorkspace, db.Model):
    """Notes of one meeting: when, who was there, what was said; its action items follow."""

    __tablename__ = "workspace_meeting_notes"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = _workspace_column()
    held_on = db.Column(db.Date, nullable=False)
    attendees = db.Column(db.Text, nullable=False)
    notes = db.Column(db.Text, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    action_items = db.relationship("ActionItem", cascade="all, delete-orphan", back_populates="meeting",
                                   order_by="ActionItem.due_on, ActionItem.id")


class ActionItem(InsideWorkspace, db.Model):
    """Something a member person agreed in a meeting to do by a day; marked done when it is."""

    __tablename__ = "workspace_action_items"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = _workspace_column()
    meeting_id = db.Column(db.Integer, db.ForeignKey("workspace_meeting_notes.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    description = db.Column(db.String(TITLE_MAX * 2), nullable=False)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    done_at = db.Column(UTCDateTime)
    done_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    meeting = db.relationship("MeetingNote", back_populates="action_items")
    owner = db.relationship("User", foreign_keys=[owner_id])


# ---------------------------------------------------------------- what happened

class WorkspaceActivity(InsideWorkspace, db.Model):
    """One line of a workspace's activity feed: who did what, with what its text needs."""

    __tablename__ = "workspace_activities"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    kind = db.Column(db.String(40), nullable=False)
    params = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    actor = db.relationship("User")

    __table_args__ = (db.Index("ix_workspace_activities_feed", "workspace_id", "created_at"),)
