"""organisations get an optional Korean name

Revision ID: 0009
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("name_ko", sa.String(length=200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("name_ko")
