"""proposals with consortium partners, linked solutions and city notes; workspaces with members and gate decisions

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("challenge_id", sa.Integer(), sa.ForeignKey("challenges.id"), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("approach", sa.Text(), nullable=False),
        sa.Column("cost_estimate", sa.BigInteger()),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timeline", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision_reason", sa.String(length=2000), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cost_estimate IS NULL OR cost_estimate >= 0", name="cost"),
        sa.CheckConstraint("language IN ('en', 'ko')", name="language"),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'withdrawn', 'shortlisted', 'declined')",
                           name="status"),
    )
    op.create_index("ix_proposals_challenge_id", "proposals", ["challenge_id"])
    op.create_index("ix_proposals_organisation_id", "proposals", ["organisation_id"])
    op.create_index("ix_proposals_status", "proposals", ["status"])
    op.create_table(
        "consortium_partners",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("share", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("proposal_id", "organisation_id", name="uq_consortium_partners_member"),
        sa.CheckConstraint("share >= 0 AND share <= 100", name="share"),
        sa.CheckConstraint("status IN ('invited', 'confirmed', 'declined')", name="status"),
        sa.CheckConstraint("role IN ('technology', 'local-partner', 'operator', 'financier', 'other')",
                           name="role"),
    )
    op.create_index("ix_consortium_partners_organisation_id", "consortium_partners", ["organisation_id"])
    op.create_table(
        "proposal_solutions",
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("solution_id", sa.Integer(), sa.ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "proposal_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_proposal_notes_proposal_id", "proposal_notes", ["proposal_id"])

    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("challenge_id", sa.Integer(), sa.ForeignKey("challenges.id"), nullable=False, unique=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('explore', 'define', 'co-design', 'pilot', 'ready-to-tender')", name="stage"),
    )
    op.create_index("ix_workspaces_organisation_id", "workspaces", ["organisation_id"])
    op.create_table(
        "workspace_members",
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), primary_key=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('city', 'company', 'facilitator')", name="role"),
    )
    op.create_index("ix_workspace_members_organisation_id", "workspace_members", ["organisation_id"])
    op.create_table(
        "workspace_gate_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=False),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workspace_gate_decisions_workspace_id", "workspace_gate_decisions", ["workspace_id"])


def downgrade():
    for table in ("workspace_gate_decisions", "workspace_members", "workspaces",
                  "proposal_notes", "proposal_solutions", "consortium_partners", "proposals"):
        op.drop_table(table)
