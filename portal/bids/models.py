"""Sealed bids on a tender's lots, the evaluators who score them, their scores, and the award.

A bid's content (price, responses to the award criteria, consortium, the names of its files) and its files
are stored encrypted with a key from the settings, never in the database, so a dump or a copy of the
instance folder taken before the opening reveals nothing. Until the city has opened the tender, after its
opening instant, nobody but the bidding organisation sees a bid, or that it exists.
"""
import secrets

from sqlalchemy import and_, exists, false

from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..tenders.models import Tender
from ..visibility import Visible

NOTE_MAX = 4000
ID_LIMIT = 2**31 - 1  # the largest id an INTEGER column holds on every database


def unguessable_id():
    """A random id for a bid or a bid's file. Ids in order would tell a bidder, from its own receipt and
    addresses, how many bids came in before and after its own; a random one says nothing. (An id that is
    taken already, about one chance in two hundred thousand with ten thousand bids stored, fails the insert
    as a racing submission does, and submitting again succeeds.)"""
    return secrets.randbelow(ID_LIMIT) + 1


class Bid(Visible, db.Model):
    """One bidder's offer for one lot: submitted (perhaps replaced since) or withdrawn, until the deadline.

    `sealed` holds the encrypted content; `digest` the SHA-256 that the bidder's receipt carries, computed
    over what was sealed. `received_at` is the server's clock at the last submission or replacement.
    """

    __tablename__ = "bids"

    SUBMITTED, WITHDRAWN = "submitted", "withdrawn"
    STATUSES = (SUBMITTED, WITHDRAWN)

    admin_sees_all = False  # sealed: before the opening not even an administrator reads a bid

    id = db.Column(db.Integer, primary_key=True, autoincrement=False, default=unguessable_id)
    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id"), nullable=False, index=True)
    lot_id = db.Column(db.Integer, db.ForeignKey("tender_lots.id"), nullable=False, index=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default=SUBMITTED)
    sealed = db.Column(db.LargeBinary, nullable=False)
    digest = db.Column(db.String(64), nullable=False)
    # How many times the bidder replaced it: a replacement made from an older page is refused.
    revision = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    received_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # An amendment published after the bid was received asks the bidder to confirm it still stands.
    needs_reconfirmation = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    reconfirmed_at = db.Column(UTCDateTime)
    withdrawn_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    tender = db.relationship("Tender")
    lot = db.relationship("Lot")
    organisation = db.relationship("Organisation", lazy="joined")
    submitted_by = db.relationship("User")
    files = db.relationship("BidFile", cascade="all, delete-orphan", back_populates="bid", order_by="BidFile.id")

    __table_args__ = (
        db.CheckConstraint("status IN ('submitted', 'withdrawn')", name="status"),
        # One live bid per bidder and lot; the database holds the rule, so racing submissions cannot both win.
        db.Index("uq_bids_live", "lot_id", "organisation_id", unique=True,
                 sqlite_where=db.text("status != 'withdrawn'"), postgresql_where=db.text("status != 'withdrawn'")),
    )

    @classmethod
    def public_rule(cls):
        return false()

    @classmethod
    def insider_rule(cls, organisation_id):
        """The bidder always; the buying city only once it opened the tender (which needs the opening instant)."""
        opened_by_buyer = exists().where(
            Tender.id == cls.tender_id, Tender.organisation_id == organisation_id, Tender.opened_at.isnot(None))
        return (cls.organisation_id == organisation_id) | and_(cls.status == cls.SUBMITTED, opened_by_buyer)


class BidFile(db.Model):
    """A document attached to a bid, kept encrypted under `storage_name`; its name is sealed too."""

    __tablename__ = "bid_files"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False, default=unguessable_id)
    bid_id = db.Column(db.Integer, db.ForeignKey("bids.id", ondelete="CASCADE"), nullable=False, index=True)
    storage_name = db.Column(db.String(64), nullable=False, unique=True)
    sealed_name = db.Column(db.LargeBinary, nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    bid = db.relationship("Bid", back_populates="files")


class Evaluator(db.Model):
    """A person of the buying city named to score a tender's bids; scores nothing before declaring no conflict."""

    __tablename__ = "tender_evaluators"

    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id", ondelete="CASCADE"), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True, index=True)
    appointed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    appointed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    declared_at = db.Column(UTCDateTime)
    declaration = db.Column(db.String(NOTE_MAX), nullable=False, default="")

    user = db.relationship("User", foreign_keys=[user_id])
    appointed_by = db.relationship("User", foreign_keys=[appointed_by_id])


class Score(db.Model):
    """One evaluator's score (0 to 100) of one bid on one award criterion, with the reason."""

    __tablename__ = "bid_scores"

    id = db.Column(db.Integer, primary_key=True)
    bid_id = db.Column(db.Integer, db.ForeignKey("bids.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion_id = db.Column(db.Integer, db.ForeignKey("tender_award_criteria.id"), nullable=False)
    evaluator_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    score = db.Column(db.Integer, nullable=False)
    comment = db.Column(db.String(NOTE_MAX), nullable=False, default="")
    scored_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        db.UniqueConstraint("bid_id", "criterion_id", "evaluator_id", name="uq_bid_scores_one_each"),
        db.CheckConstraint("score >= 0 AND score <= 100", name="score"),
    )


class Award(Visible, db.Model):
    """The city's decision on a lot: the winning bid, its value, why, and the standstill period; public."""

    __tablename__ = "tender_awards"

    id = db.Column(db.Integer, primary_key=True)
    tender_id = db.Column(db.Integer, db.ForeignKey("tenders.id"), nullable=False, index=True)
    lot_id = db.Column(db.Integer, db.ForeignKey("tender_lots.id"), nullable=False, unique=True)
    bid_id = db.Column(db.Integer, db.ForeignKey("bids.id"), nullable=False, unique=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True)
    value = db.Column(db.BigInteger, nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    justification = db.Column(db.Text, nullable=False)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    decided_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    standstill_ends_at = db.Column(UTCDateTime, nullable=False)

    tender = db.relationship("Tender")
    lot = db.relationship("Lot")
    bid = db.relationship("Bid")
    organisation = db.relationship("Organisation", lazy="joined")
    decided_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint("value >= 0", name="value"),)

    @classmethod
    def public_rule(cls):
        return exists().where(Tender.id == cls.tender_id, Tender.status == Tender.AWARDED)

    @classmethod
    def owner_id(cls):
        return cls.organisation_id

    @classmethod
    def insider_rule(cls, organisation_id):
        return (cls.organisation_id == organisation_id) | exists().where(
            Tender.id == cls.tender_id, Tender.organisation_id == organisation_id)
