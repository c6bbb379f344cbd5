"""proposals: a revision counter against stale edits, one live proposal per lead company and challenge

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LIVE = sa.text("status != 'withdrawn'")


def upgrade():
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.create_index("uq_proposals_live", "proposals", ["challenge_id", "organisation_id"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade():
    op.drop_index("uq_proposals_live", table_name="proposals")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("revision")
