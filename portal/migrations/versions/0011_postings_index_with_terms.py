"""the search postings' index by record holds each posting's term and weight, so that scoring a few
records reads only the index

Revision ID: 0011
Revises: 0006
"""
from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_search_postings_record", table_name="search_postings")
    op.create_index("ix_search_postings_record", "search_postings", ["kind", "record_id"],
                    postgresql_include=["term", "impact"])


def downgrade():
    op.drop_index("ix_search_postings_record", table_name="search_postings")
    op.create_index("ix_search_postings_record", "search_postings", ["kind", "record_id"])
