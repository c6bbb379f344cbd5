"""search documents carry the version of the record they were made from

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Documents written before this revision have no stamp: the app finds them behind the database and
    # rebuilds the index from the records.
    with op.batch_alter_table("search_documents") as batch:
        batch.add_column(sa.Column("stamp", sa.String(length=80), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("search_documents") as batch:
        batch.drop_column("stamp")
