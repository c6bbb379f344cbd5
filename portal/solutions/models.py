"""Solutions that companies offer."""
from sqlalchemy import and_
from sqlalchemy.ext.associationproxy import association_proxy

from ..extensions import db
from ..model_types import HasSectors, UTCDateTime, utcnow
from ..organisations.models import Organisation
from ..visibility import Visible

TITLE_MAX = 200
SUMMARY_MAX = 600
DESCRIPTION_MAX = 10000


class Solution(Visible, HasSectors, db.Model):
    """A company's solution; public while its organisation is verified and it is not archived."""

    __tablename__ = "solutions"

    PUBLISHED, ARCHIVED = "published", "archived"

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(80), unique=True, nullable=False)
    organisation_id = db.Column(
        db.Integer, db.ForeignKey("organisations.id"), nullable=False, index=True
    )
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    summary = db.Column(db.String(SUMMARY_MAX), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    language = db.Column(db.String(2), nullable=False, default="en")
    title_ko = db.Column(db.String(TITLE_MAX), nullable=False, default="")
    summary_ko = db.Column(db.String(SUMMARY_MAX), nullable=False, default="")
    trl = db.Column(db.Integer, nullable=False, index=True)
    tags = db.Column(db.JSON, nullable=False, default=list)
    status = db.Column(db.String(20), nullable=False, default=PUBLISHED, index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organisation = db.relationship("Organisation", lazy="joined")
    _sector_rows = db.relationship(
        "SolutionSector", cascade="all, delete-orphan", lazy="selectin"
    )
    sector_list = association_proxy(
        "_sector_rows", "sector", creator=lambda slug: SolutionSector(sector=slug)
    )
    _country_rows = db.relationship(
        "SolutionCountry", cascade="all, delete-orphan", lazy="selectin",
        order_by="SolutionCountry.country",
    )
    countries = association_proxy(
        "_country_rows", "country", creator=lambda code: SolutionCountry(country=code)
    )

    __table_args__ = (
        db.CheckConstraint("trl BETWEEN 1 AND 9", name="trl"),
        db.CheckConstraint("language IN ('en', 'ko')", name="language"),
        db.CheckConstraint("status IN ('published', 'archived')", name="status"),
    )

    @classmethod
    def public_rule(cls):
        """Published solutions of public organisations; archived ones stay with their company."""
        return and_(cls.status == cls.PUBLISHED, cls.organisation_id.in_(Organisation.public_ids()))

    @property
    def is_archived(self):
        return self.status == self.ARCHIVED

    def __repr__(self):
        return f"<Solution {self.key}>"


class SolutionSector(db.Model):
    """A sector a solution serves."""

    __tablename__ = "solution_sectors"

    solution_id = db.Column(
        db.Integer, db.ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True
    )
    sector = db.Column(db.String(40), primary_key=True, index=True)


class SolutionCountry(db.Model):
    """A country where a solution is deployed or offered."""

    __tablename__ = "solution_countries"

    solution_id = db.Column(
        db.Integer, db.ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True
    )
    country = db.Column(db.String(2), primary_key=True, index=True)
