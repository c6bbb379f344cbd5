"""Tenders: what a city buys, by which procedure and criteria, on which timeline; its frozen versions and Q&A.

A tender is the city's alone while it is a draft; once published it is public, and every published state
stays public (an award is public too). Each publication or amendment freezes a `TenderVersion`: the PDF as
rendered then, stored with its SHA-256, never replaced. Questions are asked by companies and answered by the
city in public, and the asker is never shown.
"""
from sqlalchemy import exists, or_

from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..visibility import Visible

TITLE_MAX = 200
TEXT_MAX = 50000
NOTE_MAX = 2000
QUESTION_MAX = 4000

# eForms BT-105 procedure codes, pre-commercial procurement, and the Korean PPP models.
OPEN, RESTRICTED, NEGOTIATED, COMPETITIVE_DIALOGUE, INNOVATION = (
    "open", "restricted", "neg-w-call", "comp-dial", "innovation")
PRE_COMMERCIAL = "pcp"
BTO, BTL, BOT = "bto", "btl", "bot"
PROCEDURES = (OPEN, RESTRICTED, NEGOTIATED, COMPETITIVE_DIALOGUE, INNOVATION, PRE_COMMERCIAL, BTO, BTL, BOT)

# Award criterion types, as OCDS names them in `awardCriteria` (priceOnly, costOnly, qualityOnly, ratedCriteria).
PRICE, COST, QUALITY = "price", "cost", "quality"
CRITERION_KINDS = (PRICE, COST, QUALITY)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Tender(Visible, db.Model):
    """A procurement a city runs: built from a workspace that is ready to tender, or from scratch.

    draft → published → opened (the bids, after the opening instant) → awarded; or cancelled. Whether
    questions or bids are still taken follows from the clock and the four instants, not from the status.
    Every instant is stored in UTC and shown in the city's zone and the viewer's.
    """

    __tablename__ = "tenders"

    DRAFT, PUBLISHED, OPENED, AWARDED, CANCELLED = "draft", "published", "opened", "awarded", "cancelled"
    STATUSES = (DRAFT, PUBLISHED, OPENED, AWARDED, CANCELLED)
    # Anyone may see a tender in these states.
    PUBLIC = (PUBLISHED, OPENED, AWARDED, CANCELLED)

    # A draft is the city's alone: its estimated value and timeline must not reach anyone before the market.
    admin_sees_all = False

    id = db.Column(db.Integer, primary_key=True)
    # The Open Contracting id: the configured prefix and this tender's number, set when it is created.
    ocid = db.Column(db.String(100), unique=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id"), index=True)
    challenge_id = db.Column(db.Integer, db.ForeignKey("challenges.id"), index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    language = db.Column(db.String(2), nullable=False, default="en")
    procedure = db.Column(db.String(20), nullable=False, default=OPEN)
    # What the chosen procedure asks beyond the common fields (a concession's term and payment model,
    # pre-commercial phases, ...): `tenders.procedures` says which keys each procedure has and checks them.
    procedure_terms = db.Column(db.JSON, nullable=False, default=dict)
    estimated_value = db.Column(db.BigInteger)
    currency = db.Column(db.String(3), nullable=False, default="EUR")
    # Copied from the workspace when the tender is built, then the city's to edit: Markdown, sanitised on output.
    technical_specification = db.Column(db.Text, nullable=False, default="")
    # The workspace's city system fit table as it stood when the tender was built, without the companies' names:
    # [{"category", "title", "text", "answers": {verdict: how many member companies gave it}}].
    fit_requirements = db.Column(db.JSON, nullable=False, default=list)
    eligibility_criteria = db.Column(db.Text, nullable=False, default="")
    selection_criteria = db.Column(db.Text, nullable=False, default="")
    contract_terms = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.String(20), nullable=False, default=DRAFT, index=True)
    publication_at = db.Column(UTCDateTime)
    clarification_deadline = db.Column(UTCDateTime)
    submission_deadline = db.Column(UTCDateTime)
    opening_at = db.Column(UTCDateTime)
    published_at = db.Column(UTCDateTime)
    opened_at = db.Column(UTCDateTime)
    opened_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    cancelled_at = db.Column(UTCDateTime)
    cancellation_reason = db.Column(db.String(NOTE_MAX), nullable=False, default="")
    # Counts the city's saves: an edit made on an older version is refused instead of overwriting a newer one.
    revision = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organisation = db.relationship("Organisation", lazy="joined")
    workspace = db.relationship("Workspace")
    challenge = db.relationship("Challenge")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    opened_by = db.relationship("User", foreign_keys=[opened_by_id])
    lots = db.relationship("Lot", cascade="all, delete-orphan", lazy="selectin", back_populates="tender",
                           order_by="Lot.number")
    criteria = db.relationship("AwardCriterion", cascade="all, delete-orphan", lazy="selectin",
                               back_populates="tender", order_by="AwardCriterion.position")
    versions = db.relationship("TenderVersion", cascade="all, delete-orphan", back_populates="tender",
                               order_by="TenderVersion.number")
    questions = db.relationship("Question", cascade="all, delete-orphan", back_populates="tender",
                                order_by="Question.asked_at")

    __table_args__ = (
        db.CheckConstraint(_in("status", STATUSES), name="status"),
        db.CheckConstraint(_in("procedure", PROCEDURES), name="procedure"),
        db.CheckConstraint("language IN ('en', 'ko')", name="language"),
        db.CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="estimated_value"),
        # The timeline runs forwards; the forms say so first, the database holds it whatever path writes.
        db.CheckConstraint("clarification_deadline IS NULL OR submission_deadline IS NULL "
                           "OR clarification_deadline < submission_deadline", name="clarification_before_submission"),
        db.CheckConstraint("submission_deadline IS NULL OR opening_at IS NULL "
                           "OR submission_deadline <= opening_at", name="opening_after_submission"),
        # A workspace becomes one tender; once that one is cancelled the city may build another from it. The
        # database holds the rule, so two members of the city building at once cannot both succeed.
        db.Index("uq_tenders_live_workspace", "workspace_id", unique=True,
                 sqlite_where=db.text("status != 'cancelled'"), postgresql_where=db.text("status != 'cancelled'")),
    )

    @classmethod
    def public_rule(cls):
        return cls.status.in_(cls.PUBLIC)

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None

    def phase(self, now):
        """Where the tender stands at the instant `now`: draft; open (bids taken); sealed (the submission deadline
        passed, the opening instant not yet); to-open (the opening instant passed, the city has not opened the
        bids); opened; awarded; cancelled."""
        if self.status != self.PUBLISHED:
            return self.status
        if now < self.submission_deadline:
            return "open"
        return "sealed" if now < self.opening_at else "to-open"

    def questions_open(self, now):
        """Whether companies may still ask: published, before the clarification deadline."""
        return self.status == self.PUBLISHED and now < self.clarification_deadline

    def __repr__(self):
        return f"<Tender {self.id} {self.status}>"


class Lot(db.Model):
    """A part of a tender bid for and awarded on its own; a tender without lots has one, the whole of it."""

    __tablename__ = "tender_lots"

    id = db.Column(db.Integer, primary_key=True)
    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    estimated_value = db.Column(db.BigInteger)

    tender = db.relationship("Tender", back_populates="lots")

    __table_args__ = (
        db.UniqueConstraint("tender_id", "number", name="uq_tender_lots_number"),
        db.CheckConstraint("number >= 1", name="number"),
        db.CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="estimated_value"),
    )


class AwardCriterion(db.Model):
    """What bids are scored on, with its published weight; a tender's weights sum to 100."""

    __tablename__ = "tender_award_criteria"

    id = db.Column(db.Integer, primary_key=True)
    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(10), nullable=False)
    name = db.Column(db.String(TITLE_MAX), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    weight = db.Column(db.Integer, nullable=False)

    tender = db.relationship("Tender", back_populates="criteria")

    __table_args__ = (
        db.UniqueConstraint("tender_id", "position", name="uq_tender_award_criteria_position"),
        db.CheckConstraint(_in("kind", CRITERION_KINDS), name="kind"),
        db.CheckConstraint("weight > 0 AND weight <= 100", name="weight"),
    )


class TenderVersion(db.Model):
    """A tender as published: the PDF frozen at publication or amendment, never changed or removed.

    Public as its tender is once published; version 1 is the publication, each later one an amendment
    with the change note saying what changed.
    """

    __tablename__ = "tender_versions"

    id = db.Column(db.Integer, primary_key=True)
    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    stored_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=False, unique=True)
    sha256 = db.Column(db.String(64), nullable=False)
    # The tender as this version published it (its fields, lots, criteria and instants in ISO 8601 UTC), so
    # the open-data releases describe each version as it was, not as the tender is now.
    snapshot = db.Column(db.JSON, nullable=False, default=dict)
    change_note = db.Column(db.String(NOTE_MAX), nullable=False, default="")
    # An amendment that came less than six days before the submission deadline moved it (and the opening by the
    # same time) so that six days remain: the deadline it moved, so the page can say so.
    extended_from = db.Column(UTCDateTime)
    published_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    published_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    tender = db.relationship("Tender", back_populates="versions")
    stored_file = db.relationship("StoredFile", lazy="joined")
    published_by = db.relationship("User")

    __table_args__ = (db.UniqueConstraint("tender_id", "number", name="uq_tender_versions_number"),)

    @property
    def is_amendment(self):
        return self.number > 1


class Question(Visible, db.Model):
    """A company's request for clarification and the city's public answer; the asker is never shown.

    Everyone sees an answered question of a published tender; the asking organisation sees its own
    question, and the city its tender's questions, from the moment they are asked.
    """

    __tablename__ = "tender_questions"

    admin_sees_all = False  # an unanswered question tells who is interested in bidding

    id = db.Column(db.Integer, primary_key=True)
    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id", ondelete="CASCADE"), nullable=False, index=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    asked_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    text = db.Column(db.String(QUESTION_MAX), nullable=False)
    asked_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    answer = db.Column(db.Text, nullable=False, default="")
    answered_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    answered_at = db.Column(UTCDateTime)

    tender = db.relationship("Tender", back_populates="questions")
    asked_by = db.relationship("User", foreign_keys=[asked_by_id])
    answered_by = db.relationship("User", foreign_keys=[answered_by_id])

    @classmethod
    def public_rule(cls):
        return (cls.answered_at.isnot(None)) & exists().where(
            Tender.id == cls.tender_id, Tender.status.in_(Tender.PUBLIC))

    @classmethod
    def insider_rule(cls, organisation_id):
        return or_(cls.organisation_id == organisation_id,
                   exists().where(Tender.id == cls.tender_id, Tender.organisation_id == organisation_id))
