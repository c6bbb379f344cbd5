"""Challenges that cities post."""
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy.ext.associationproxy import association_proxy

from ..extensions import db
from ..model_types import HasSectors, UTCDateTime, utcnow
from ..organisations.models import Organisation
from ..visibility import Visible

TITLE_MAX = 200
SUMMARY_MAX = 600
TEXT_MAX = 10000


class Challenge(Visible, HasSectors, db.Model):
    """A city's problem, open for solutions between its opening and closing dates.

    `opens` and `closes` are calendar days in the city's time zone; `opens_at`
    and `closes_at` are the same days as instants (start of `opens`, end of
    `closes`), kept so the public phase can be filtered in SQL on any database.
    """

    __tablename__ = "challenges"

    DRAFT, PUBLISHED, CLOSED = "draft", "published", "closed"

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(80), unique=True, nullable=False)
    organisation_id = db.Column(
        db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True
    )
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    summary = db.Column(db.String(SUMMARY_MAX), nullable=False)
    problem = db.Column(db.Text, nullable=False)
    outcomes = db.Column(db.Text, nullable=False)
    language = db.Column(db.String(2), nullable=False, default="en")
    title_ko = db.Column(db.String(TITLE_MAX), nullable=False, default="")
    summary_ko = db.Column(db.String(SUMMARY_MAX), nullable=False, default="")
    budget_min = db.Column(db.BigInteger, nullable=False)
    budget_max = db.Column(db.BigInteger, nullable=False)
    currency = db.Column(db.String(3), nullable=False)
    opens = db.Column(db.Date, nullable=False)
    closes = db.Column(db.Date, nullable=False)
    opens_at = db.Column(UTCDateTime, nullable=False, index=True)
    closes_at = db.Column(UTCDateTime, nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default=DRAFT, index=True)
    published_at = db.Column(UTCDateTime)
    closed_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organisation = db.relationship("Organisation", lazy="joined")
    _sector_rows = db.relationship(
        "ChallengeSector", cascade="all, delete-orphan", lazy="selectin"
    )
    sector_list = association_proxy(
        "_sector_rows", "sector", creator=lambda slug: ChallengeSector(sector=slug)
    )
    consultants = db.relationship("ChallengeConsultant", cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        db.CheckConstraint("budget_min >= 0 AND budget_min <= budget_max", name="budget"),
        db.CheckConstraint("opens <= closes", name="dates"),
        db.CheckConstraint("language IN ('en', 'ko')", name="language"),
        db.CheckConstraint("status IN ('draft', 'published', 'closed')", name="status"),
    )

    @classmethod
    def public_rule(cls):
        """Published challenges of public cities, upcoming, open or closed. A draft stays inside the city,
        and a consultancy assigned to a challenge sees what the public sees: the assignment lets it read
        the matches, and a city that is not verified cannot place a challenge before it."""
        return and_(cls.status != cls.DRAFT, cls.organisation_id.in_(Organisation.public_ids()))

    @property
    def last_minute(self):
        """The deadline as people read it: 23:59 on the closing day."""
        return self.closes_at - timedelta(minutes=1)

    def phase(self, now):
        """draft, upcoming, open or closed at the instant `now`."""
        if self.status == self.DRAFT:
            return "draft"
        if self.status == self.CLOSED or now >= self.closes_at:
            return "closed"
        if now < self.opens_at:
            return "upcoming"
        return "open"

    def __repr__(self):
        return f"<Challenge {self.key}>"


class ChallengeSector(db.Model):
    """A sector a challenge belongs to."""

    __tablename__ = "challenge_sectors"

    challenge_id = db.Column(
        db.Integer, db.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    sector = db.Column(db.String(40), primary_key=True, index=True)


class ChallengeConsultant(db.Model):
    """A consultancy the city assigned to facilitate a challenge; its members see the challenge's matches."""

    __tablename__ = "challenge_consultants"

    challenge_id = db.Column(db.Integer, db.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    assigned_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    organisation = db.relationship("Organisation")
