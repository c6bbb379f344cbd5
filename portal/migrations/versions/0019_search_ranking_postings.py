"""search ranks from postings: every record's postings, marked public or not, and short rows for matches

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_postings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.drop_index("ix_search_postings_best", table_name="search_postings")
    op.create_index("ix_search_postings_best", "search_postings", ["kind", "term", "impact"], unique=False,
                    postgresql_include=["record_id"], postgresql_where=sa.text("public"),
                    sqlite_where=sa.text("public"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_documents SET (toast_tuple_target = 128)")
        op.execute("ALTER TABLE search_documents " + ", ".join(
            f"ALTER COLUMN {column} SET STORAGE PLAIN"
            for column in ("ref", "kind", "language", "sectors", "countries", "trl")))
    # Private records have no postings yet, and rows written before keep their old layout: the index is
    # derived from the database, and the next use rebuilds it whole.
    op.execute("DELETE FROM search_postings")
    op.execute("DELETE FROM search_term_counts")
    op.execute("DELETE FROM search_documents")


def downgrade():
    op.execute("DELETE FROM search_postings")
    op.execute("DELETE FROM search_term_counts")
    op.execute("DELETE FROM search_documents")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_documents RESET (toast_tuple_target)")
    op.drop_index("ix_search_postings_best", table_name="search_postings")
    op.create_index("ix_search_postings_best", "search_postings", ["kind", "term", "impact"],
                    unique=False, postgresql_include=["record_id"])
    with op.batch_alter_table("search_postings", schema=None) as batch_op:
        batch_op.drop_column("public")
