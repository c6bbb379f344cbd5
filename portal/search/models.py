"""The tables the PostgreSQL search backend keeps its documents in (unused by the Whoosh backend)."""
from sqlalchemy import DDL, REAL, Text, event, text, true
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
    stamp = db.Column(db.String(80), nullable=False, server_default="")  # see documents.version_stamp

    __table_args__ = (
        db.Index("ix_search_documents_terms", "terms", postgresql_using="gin"),
        # A search reads the short columns of every matching row and the long ones (title, body, terms) of
        # twenty. PostgreSQL moves long values out of a row only once it passes about 2 kB, and then until
        # the row is under this target: such rows keep only their short columns. The table shrank to a
        # fifth, which halved the time to visit 12,000 matches at 100,000 records.
        {"postgresql_with": {"toast_tuple_target": 128}},
    )


# With so low a target PostgreSQL would move short columns out of the row as well, once the long ones are
# out; the columns a search reads of every match stay in it.
NARROW_COLUMNS = ("ref", "kind", "language", "sectors", "countries", "trl")
KEEP_NARROW_COLUMNS_IN_ROW = "ALTER TABLE search_documents " + ", ".join(
    f"ALTER COLUMN {column} SET STORAGE PLAIN" for column in NARROW_COLUMNS)
event.listen(SearchDocument.__table__, "after_create", DDL(KEEP_NARROW_COLUMNS_IN_ROW).execute_if(dialect="postgresql"))


class SearchPosting(db.Model):
    """One term of one record, with its precomputed weight (impact), for matching and ranking.

    Matching asks for dozens of terms at once; ranking every row that holds any
    of them is slow (ts_rank reads each row's tsvector), so the best rows of
    each term are read from an index ordered by impact instead. Matching reads
    only public records' rows; a search ranks the records its viewer may see.
    """

    __tablename__ = "search_postings"

    kind = db.Column(db.String(20), nullable=False)
    term = db.Column(db.Text, nullable=False)
    record_id = db.Column(db.Integer, nullable=False)
    impact = db.Column(REAL, nullable=False)
    public = db.Column(db.Boolean, nullable=False, server_default=true())

    # No primary key in the table: its two indexes are all it needs, and it is never read row by row.
    __mapper_args__ = {"primary_key": [kind, term, record_id]}
    __table_args__ = (
        # The best rows of a term are read for public records only: private ones kept out of this index leave
        # it as small and as quick to read as when only public records had postings.
        db.Index("ix_search_postings_best", "kind", "term", "impact", postgresql_include=["record_id"],
                 postgresql_where=text("public"), sqlite_where=text("public")),
        # A record's weights for some terms, read without visiting the table. The term is no key column: as
        # one, the index would look up every pair of record and term on its own, a hundredfold slower.
        db.Index("ix_search_postings_record", "kind", "record_id", postgresql_include=["term", "impact"]),
    )


class SearchTermCount(db.Model):
    """How many public records of a kind hold a term; the term "" counts the records themselves. Private
    records count for none: what a term weighs must not tell that unpublished records hold it."""

    __tablename__ = "search_term_counts"

    kind = db.Column(db.String(20), primary_key=True)
    term = db.Column(db.Text, primary_key=True)
    documents = db.Column(db.Integer, nullable=False)


class IndexGeneration(db.Model):
    """One row whose token changes whenever the search index changes, read by caches of what the index
    answered: an entry made under another token is never served."""

    __tablename__ = "search_index_generation"

    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(32), nullable=False)
