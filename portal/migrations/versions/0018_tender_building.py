"""tender building: one live tender per workspace, and the deadline an amendment extended

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tender_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extended_from", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.create_index("uq_tenders_live_workspace", ["workspace_id"], unique=True,
                              sqlite_where=sa.text("status != 'cancelled'"),
                              postgresql_where=sa.text("status != 'cancelled'"))


def downgrade():
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_index("uq_tenders_live_workspace")
    with op.batch_alter_table("tender_versions", schema=None) as batch_op:
        batch_op.drop_column("extended_from")
