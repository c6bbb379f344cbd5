"""Proposals answering challenges, the consortium partners behind them, and the city's private notes."""
from sqlalchemy import and_, exists, false, or_, select

from ..challenges.models import Challenge, ChallengeConsultant
from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..visibility import Visible

TITLE_MAX = 200
TEXT_MAX = 10000
REASON_MAX = 2000


class Proposal(Visible, db.Model):
    """A lead company's answer to a challenge, alone or with consortium partners.

    draft → submitted → withdrawn, or → shortlisted / declined (with a reason the company sees).
    Nobody outside sees a proposal: its lead company and confirmed partners in every state, the city
    whose challenge it answers and the consultancies assigned to that challenge once it is submitted.
    """

    __tablename__ = "proposals"

    DRAFT, SUBMITTED, WITHDRAWN, SHORTLISTED, DECLINED = "draft", "submitted", "withdrawn", "shortlisted", "declined"
    STATUSES = (DRAFT, SUBMITTED, WITHDRAWN, SHORTLISTED, DECLINED)
    # What the city and its consultancy see: everything a company sent, not its drafts.
    SENT = (SUBMITTED, WITHDRAWN, SHORTLISTED, DECLINED)

    admin_sees_all = False  # a proposal is commercial content between companies and one city

    id = db.Column(db.Integer, primary_key=True)
    challenge_id = db.Column(db.Integer, db.ForeignKey("challenges.id"), nullable=False, index=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    approach = db.Column(db.Text, nullable=False, default="")
    cost_estimate = db.Column(db.BigInteger)
    currency = db.Column(db.String(3), nullable=False, default="EUR")
    timeline = db.Column(db.Text, nullable=False, default="")
    team = db.Column(db.Text, nullable=False, default="")
    language = db.Column(db.String(2), nullable=False, default="en")
    status = db.Column(db.String(20), nullable=False, default=DRAFT, index=True)
    # Counts the lead's saves: an edit made on an older version is refused instead of overwriting a newer one.
    revision = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    decision_reason = db.Column(db.String(REASON_MAX), nullable=False, default="")
    submitted_at = db.Column(UTCDateTime)
    decided_at = db.Column(UTCDateTime)
    withdrawn_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    challenge = db.relationship("Challenge")
    organisation = db.relationship("Organisation", lazy="joined")
    partners = db.relationship("ConsortiumPartner", cascade="all, delete-orphan", lazy="selectin",
                               back_populates="proposal", order_by="ConsortiumPartner.invited_at")
    solution_links = db.relationship("ProposalSolution", cascade="all, delete-orphan", lazy="selectin")
    attachments = db.relationship("ProposalAttachment", cascade="all, delete-orphan", back_populates="proposal",
                                  order_by="(ProposalAttachment.created_at, ProposalAttachment.id)")

    __table_args__ = (
        db.CheckConstraint("cost_estimate IS NULL OR cost_estimate >= 0", name="cost"),
        db.CheckConstraint("language IN ('en', 'ko')", name="language"),
        db.CheckConstraint(
            "status IN ('draft', 'submitted', 'withdrawn', 'shortlisted', 'declined')", name="status"),
        # One live proposal per lead company and challenge; a withdrawn one may be followed by a new one.
        # The database holds the rule, so two requests racing to create one cannot both succeed.
        db.Index("uq_proposals_live", "challenge_id", "organisation_id", unique=True,
                 sqlite_where=db.text("status != 'withdrawn'"), postgresql_where=db.text("status != 'withdrawn'")),
    )

    @classmethod
    def public_rule(cls):
        return false()

    @classmethod
    def insider_rule(cls, organisation_id):
        """The lead and confirmed partners always; the challenge's city and assigned consultancies once sent."""
        confirmed_partner = exists().where(
            ConsortiumPartner.proposal_id == cls.id, ConsortiumPartner.organisation_id == organisation_id,
            ConsortiumPartner.status == ConsortiumPartner.CONFIRMED)
        challenge_side = exists().where(
            Challenge.id == cls.challenge_id,
            or_(Challenge.organisation_id == organisation_id,
                exists().where(ChallengeConsultant.challenge_id == Challenge.id,
                               ChallengeConsultant.organisation_id == organisation_id)))
        return or_(cls.organisation_id == organisation_id, confirmed_partner,
                   and_(cls.status.in_(cls.SENT), challenge_side))

    @classmethod
    def shortlisted_company_ids(cls, challenge_id):
        """A subquery of the companies, leads and confirmed partners, on the challenge's shortlist."""
        shortlisted = select(cls.id).where(cls.challenge_id == challenge_id, cls.status == cls.SHORTLISTED)
        leads = select(cls.organisation_id).where(cls.id.in_(shortlisted))
        partners = select(ConsortiumPartner.organisation_id).where(
            ConsortiumPartner.proposal_id.in_(shortlisted), ConsortiumPartner.status == ConsortiumPartner.CONFIRMED)
        return leads.union(partners)

    def __repr__(self):
        return f"<Proposal {self.id} {self.status}>"


class ConsortiumPartner(db.Model):
    """An organisation the lead company invited into a proposal's consortium, with its role and share.

    It appears on the proposal, and sees it, only once it confirmed.
    """

    __tablename__ = "consortium_partners"

    INVITED, CONFIRMED, DECLINED = "invited", "confirmed", "declined"
    ROLES = ("technology", "local-partner", "operator", "financier", "other")

    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.Integer, db.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    role = db.Column(db.String(20), nullable=False)
    share = db.Column(db.Integer, nullable=False)  # per cent of the work
    status = db.Column(db.String(20), nullable=False, default=INVITED)
    invited_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    answered_at = db.Column(UTCDateTime)

    proposal = db.relationship("Proposal", back_populates="partners")
    organisation = db.relationship("Organisation", lazy="joined")

    __table_args__ = (
        db.UniqueConstraint("proposal_id", "organisation_id", name="uq_consortium_partners_member"),
        db.CheckConstraint("share >= 0 AND share <= 100", name="share"),
        db.CheckConstraint("status IN ('invited', 'confirmed', 'declined')", name="status"),
        db.CheckConstraint(
            "role IN ('technology', 'local-partner', 'operator', 'financier', 'other')", name="role"),
    )


class ProposalSolution(db.Model):
    """A solution of the lead or a partner that the proposal builds on."""

    __tablename__ = "proposal_solutions"

    proposal_id = db.Column(db.Integer, db.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    solution_id = db.Column(db.Integer, db.ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True)

    solution = db.relationship("Solution", lazy="joined")


class ProposalNote(db.Model):
    """A note the city keeps on a proposal to its challenge; only the city's members read it."""

    __tablename__ = "proposal_notes"

    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.Integer, db.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    author = db.relationship("User")


class ProposalAttachment(Visible, db.Model):
    """A file the lead attached to its proposal: whoever sees the proposal sees it, nobody else.

    The bytes are a StoredFile (checked by their content, kept under a random name); this row says
    which proposal holds it, and so who may download it.
    """

    __tablename__ = "proposal_attachments"

    admin_sees_all = False  # as the proposal it belongs to

    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.Integer, db.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    stored_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    proposal = db.relationship("Proposal", back_populates="attachments")
    stored_file = db.relationship("StoredFile", lazy="joined")

    @classmethod
    def public_rule(cls):
        return false()

    @classmethod
    def owner_id(cls):
        raise TypeError("an attachment is seen by whoever sees its proposal, not by one organisation")

    @classmethod
    def insider_rule(cls, organisation_id):
        """Exactly the proposal's rule: the consortium always, the city and its consultancies once sent."""
        return exists().where(Proposal.id == cls.proposal_id, Proposal.insider_rule(organisation_id))

    def __repr__(self):
        return f"<ProposalAttachment {self.id} of {self.proposal_id}>"
