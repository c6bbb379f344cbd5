"""search text analysed anew ("parking", "building" and "training" keep stems of their own) and
matching's postings weighed field by field

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Postings made by the older analysis and weights would not meet the terms of new queries: the app
    # finds the index empty and rebuilds it from the records.
    for table in ("search_postings", "search_term_counts", "search_documents"):
        op.execute(f"DELETE FROM {table}")


def downgrade():
    for table in ("search_postings", "search_term_counts", "search_documents"):
        op.execute(f"DELETE FROM {table}")
