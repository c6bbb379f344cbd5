"""search documents for the PostgreSQL search backend

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("sectors", sa.Text(), nullable=False),
        sa.Column("countries", sa.Text(), nullable=False),
        sa.Column("trl", sa.String(length=2), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("terms", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_search_documents")),
    )
    op.create_index(op.f("ix_search_documents_kind"), "search_documents", ["kind"], unique=False)
    op.create_index("ix_search_documents_terms", "search_documents", ["terms"], unique=False,
                    postgresql_using="gin")


def downgrade():
    op.drop_index("ix_search_documents_terms", table_name="search_documents", postgresql_using="gin")
    op.drop_index(op.f("ix_search_documents_kind"), table_name="search_documents")
    op.drop_table("search_documents")
