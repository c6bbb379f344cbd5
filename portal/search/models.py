"""The table the PostgreSQL search backend keeps its documents in (unused by the Whoosh backend)."""
from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import TSVECTOR

from ..extensions import db
from ..model_types import UTCDateTime


class SearchDocument(db.Model):
    """One indexed record; `terms` holds the analyser's terms with field weights (title A, body B, grams D)."""

    __tablename__ = "search_documents"

    ref = db.Column(db.String(60), primary_key=True)
    kind = db.Column(db.String(20), nullable=False, index=True)
    record_id = db.Column(db.Integer, nullable=False)
    key = db.Column(db.String(80), nullable=False)
    title = db.Column(db.Text, nullable=False)
    body = db.Column(db.Text, nullable=False)
    public = db.Column(db.Boolean, nullable=False)
    organisation_id = db.Column(db.Integer, nullable=False)
    language = db.Column(db.String(2), nullable=False)
    sectors = db.Column(db.Text, nullable=False)  # ",safety,energy,": one LIKE finds a sector
    countries = db.Column(db.Text, nullable=False)
    trl = db.Column(db.String(2), nullable=False)
    date = db.Column(UTCDateTime, nullable=False)
    terms = db.Column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=False)

    __table_args__ = (db.Index("ix_search_documents_terms", "terms", postgresql_using="gin"),)
