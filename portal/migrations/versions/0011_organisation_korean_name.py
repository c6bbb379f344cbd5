"""organisations get an optional Korean name

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("name_ko", sa.String(length=200), nullable=False, server_default=""))


def downgrade():
    # Not a batch: on SQLite a batch copies the table, and dropping the old one fails while other tables'
    # rows refer to it. SQLite drops a plain column in place since 3.35.
    op.drop_column("organisations", "name_ko")
