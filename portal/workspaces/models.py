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
