"""Organisations: cities, companies and consultancies."""
from sqlalchemy import select
from sqlalchemy.ext.associationproxy import association_proxy

from ..extensions import db
from ..model_types import HasSectors, UTCDateTime, utcnow
from ..visibility import Visible

NAME_MAX = 200
DESCRIPTION_MAX = 5000
REASON_MAX = 1000


class Organisation(Visible, HasSectors, db.Model):
    """A city, company or consultancy; verified by an admin before it shows publicly."""

    __tablename__ = "organisations"

    PENDING, VERIFIED, REJECTED = "pending", "verified", "rejected"

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(80), unique=True, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    name = db.Column(db.String(NAME_MAX), nullable=False)
    name_ko = db.Column(db.String(NAME_MAX), nullable=False, default="")  # optional; Korean readers see it first
    country = db.Column(db.String(2), nullable=False)
    timezone = db.Column(db.String(64), nullable=False, default="UTC")
    website = db.Column(db.String(300), nullable=False, default="")
    description = db.Column(db.Text, nullable=False, default="")
    # The organisation's claim; shown as verified only once an admin verified it.
    alliance_member = db.Column(db.Boolean, nullable=False, default=False)
    verification = db.Column(db.String(20), nullable=False, default=PENDING, index=True)
    rejection_reason = db.Column(db.Text, nullable=False, default="")
    verified_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    # Loaded when asked for: an organisation comes along with nearly every record and signed-in user, and
    # only its own page and its search document show its sectors.
    _sector_rows = db.relationship(
        "OrganisationSector", cascade="all, delete-orphan", lazy="select",
        order_by="OrganisationSector.sector",
    )
    sector_list = association_proxy(
        "_sector_rows", "sector", creator=lambda slug: OrganisationSector(sector=slug)
    )
    members = db.relationship("User", back_populates="organisation", order_by="User.name")

    __table_args__ = (
        db.CheckConstraint("kind IN ('city', 'company', 'consultancy')", name="kind"),
        db.CheckConstraint("verification IN ('pending', 'verified', 'rejected')", name="verification"),
    )

    @classmethod
    def public_rule(cls):
        """Verified organisations are public; pending and rejected ones only to their members."""
        return cls.verification == cls.VERIFIED

    @classmethod
    def owner_id(cls):
        return cls.id

    @classmethod
    def public_ids(cls):
        """A subquery of the public organisations' ids, for the rules of the records they own."""
        return select(cls.id).where(cls.public_rule()).correlate(None)

    @property
    def is_verified(self):
        return self.verification == self.VERIFIED

    @property
    def is_verified_alliance_member(self):
        return self.alliance_member and self.is_verified

    def __repr__(self):
        return f"<Organisation {self.key}>"


class OrganisationSector(db.Model):
    """A sector an organisation works in."""

    __tablename__ = "organisation_sectors"

    organisation_id = db.Column(
        db.Integer, db.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    sector = db.Column(db.String(40), primary_key=True)
