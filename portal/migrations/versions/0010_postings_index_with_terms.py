"""the search postings' index by record holds each posting's term and weight, so that scoring a few
records reads only the index

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_search_postings_record", table_name="search_postings")
    op.create_index("ix_search_postings_record", "search_postings", ["kind", "record_id"],
                    postgresql_include=["term", "impact"])


def downgrade():
    op.drop_index("ix_search_postings_record", table_name="search_postings")
    op.create_index("ix_search_postings_record", "search_postings", ["kind", "record_id"])
