"""proposal attachments: files the lead company attaches to its proposal

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposal_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), sa.ForeignKey("stored_files.id"), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_proposal_attachments_proposal_id", "proposal_attachments", ["proposal_id"])


def downgrade():
    op.drop_index("ix_proposal_attachments_proposal_id", table_name="proposal_attachments")
    op.drop_table("proposal_attachments")
