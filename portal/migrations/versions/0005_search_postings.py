"""search postings and term counts for matching on the PostgreSQL search backend

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_postings",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("impact", sa.REAL(), nullable=False),
    )
    op.create_index("ix_search_postings_best", "search_postings", ["kind", "term", "impact"],
                    unique=False, postgresql_include=["record_id"])
    op.create_index("ix_search_postings_record", "search_postings", ["kind", "record_id"], unique=False)
    op.create_table(
        "search_term_counts",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "term", name=op.f("pk_search_term_counts")),
    )
    # Documents indexed before this revision have no postings: rebuild the index.
    op.execute("DELETE FROM search_documents")


def downgrade():
    op.drop_table("search_term_counts")
    op.drop_index("ix_search_postings_record", table_name="search_postings")
    op.drop_index("ix_search_postings_best", table_name="search_postings")
    op.drop_table("search_postings")
