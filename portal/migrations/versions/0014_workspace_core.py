"""workspace core: city system fit, investment decision, milestones, decision log, meeting notes, activity

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _workspace(unique=False):
    return sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                     nullable=False, unique=unique)


def upgrade():
    op.create_table(
        "workspace_fit_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("category IN ('system', 'data-standard', 'regulation', 'operations')", name="category"),
    )
    op.create_index("ix_workspace_fit_items_workspace_id", "workspace_fit_items", ["workspace_id"])
    op.create_table(
        "workspace_fit_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("workspace_fit_items.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("how", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("item_id", "organisation_id", name="uq_workspace_fit_answers_item"),
        sa.CheckConstraint("verdict IN ('fits', 'needs-work', 'does-not-fit')", name="verdict"),
    )
    op.create_index("ix_workspace_fit_answers_workspace_id", "workspace_fit_answers", ["workspace_id"])
    op.create_table(
        "workspace_investment_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(unique=True),
        sa.Column("budget_line", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("funding_source", sa.String(length=200), nullable=False),
        sa.Column("procurement_model", sa.String(length=30), nullable=False),
        sa.Column("approved_by_name", sa.String(length=200), nullable=False),
        sa.Column("approved_by_role", sa.String(length=200), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name="amount"),
        sa.CheckConstraint("procurement_model IN ('open-procedure', 'innovation-partnership', 'pre-commercial', "
                           "'bto', 'btl', 'bot')", name="procurement_model"),
    )
    op.create_table(
        "workspace_milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workspace_milestones_workspace_id", "workspace_milestones", ["workspace_id"])
    op.create_table(
        "workspace_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workspace_decisions_workspace_id", "workspace_decisions", ["workspace_id"])
    op.create_table(
        "workspace_meeting_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workspace_meeting_notes_workspace_id", "workspace_meeting_notes", ["workspace_id"])
    op.create_table(
        "workspace_action_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("workspace_meeting_notes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by_id", sa.Integer(), sa.ForeignKey("users.id")),
    )
    op.create_index("ix_workspace_action_items_workspace_id", "workspace_action_items", ["workspace_id"])
    op.create_index("ix_workspace_action_items_meeting_id", "workspace_action_items", ["meeting_id"])
    op.create_table(
        "workspace_activities",
        sa.Column("id", sa.Integer(), primary_key=True),
        _workspace(),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workspace_activities_feed", "workspace_activities", ["workspace_id", "created_at"])


def downgrade():
    for table in ("workspace_activities", "workspace_action_items", "workspace_meeting_notes",
                  "workspace_decisions", "workspace_milestones", "workspace_investment_decisions",
                  "workspace_fit_answers", "workspace_fit_items"):
        op.drop_table(table)
