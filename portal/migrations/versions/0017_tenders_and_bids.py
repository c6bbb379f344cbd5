"""tenders and bids: lots, award criteria, frozen versions, questions; sealed bids, evaluators, scores, awards

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('tenders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ocid', sa.String(length=100), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('procedure', sa.String(length=20), nullable=False),
    sa.Column('procedure_terms', sa.JSON(), nullable=False),
    sa.Column('estimated_value', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('technical_specification', sa.Text(), nullable=False),
    sa.Column('fit_requirements', sa.JSON(), nullable=False),
    sa.Column('eligibility_criteria', sa.Text(), nullable=False),
    sa.Column('selection_criteria', sa.Text(), nullable=False),
    sa.Column('contract_terms', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('publication_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('clarification_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opening_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancellation_reason', sa.String(length=2000), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("language IN ('en', 'ko')", name=op.f('ck_tenders_language')),
    sa.CheckConstraint("procedure IN ('open', 'restricted', 'neg-w-call', 'comp-dial', 'innovation', 'pcp', 'bto', 'btl', 'bot')", name=op.f('ck_tenders_procedure')),
    sa.CheckConstraint("status IN ('draft', 'published', 'opened', 'awarded', 'cancelled')", name=op.f('ck_tenders_status')),
    sa.CheckConstraint('clarification_deadline IS NULL OR submission_deadline IS NULL OR clarification_deadline < submission_deadline', name=op.f('ck_tenders_clarification_before_submission')),
    sa.CheckConstraint('estimated_value IS NULL OR estimated_value >= 0', name=op.f('ck_tenders_estimated_value')),
    sa.CheckConstraint('submission_deadline IS NULL OR opening_at IS NULL OR submission_deadline <= opening_at', name=op.f('ck_tenders_opening_after_submission')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_tenders_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tenders_created_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_tenders_opened_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_tenders_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_tenders_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenders')),
    sa.UniqueConstraint('ocid', name=op.f('uq_tenders_ocid'))
    )
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenders_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenders_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenders_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenders_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('tender_award_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('price', 'cost', 'quality')", name=op.f('ck_tender_award_criteria_kind')),
    sa.CheckConstraint('weight > 0 AND weight <= 100', name=op.f('ck_tender_award_criteria_weight')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_award_criteria_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_award_criteria')),
    sa.UniqueConstraint('tender_id', 'position', name='uq_tender_award_criteria_position')
    )
    with op.batch_alter_table('tender_award_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_award_criteria_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_evaluators',
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('appointed_by_id', sa.Integer(), nullable=False),
    sa.Column('appointed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declaration', sa.String(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['appointed_by_id'], ['users.id'], name=op.f('fk_tender_evaluators_appointed_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_evaluators_tender_id_tenders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tender_evaluators_user_id_users')),
    sa.PrimaryKeyConstraint('tender_id', 'user_id', name=op.f('pk_tender_evaluators'))
    )
    with op.batch_alter_table('tender_evaluators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_evaluators_user_id'), ['user_id'], unique=False)

    op.create_table('tender_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('estimated_value', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('estimated_value IS NULL OR estimated_value >= 0', name=op.f('ck_tender_lots_estimated_value')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_tender_lots_number')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_lots_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_lots')),
    sa.UniqueConstraint('tender_id', 'number', name='uq_tender_lots_number')
    )
    with op.batch_alter_table('tender_lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_lots_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=4000), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_tender_questions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_tender_questions_asked_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_tender_questions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_questions_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_questions'))
    )
    with op.batch_alter_table('tender_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_questions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tender_questions_tender_id'), ['tender_id'], unique=False)

    op.create_table('tender_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('change_note', sa.String(length=2000), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_tender_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_tender_versions_stored_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_versions_tender_id_tenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_versions')),
    sa.UniqueConstraint('stored_file_id', name=op.f('uq_tender_versions_stored_file_id')),
    sa.UniqueConstraint('tender_id', 'number', name='uq_tender_versions_number')
    )
    with op.batch_alter_table('tender_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_versions_tender_id'), ['tender_id'], unique=False)

    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='1', nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('needs_reconfirmation', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('reconfirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'withdrawn')", name=op.f('ck_bids_status')),
    sa.ForeignKeyConstraint(['lot_id'], ['tender_lots.id'], name=op.f('fk_bids_lot_id_tender_lots')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bids_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_bids_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_bids_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_tender_id'), ['tender_id'], unique=False)
        batch_op.create_index('uq_bids_live', ['lot_id', 'organisation_id'], unique=True, sqlite_where=sa.text("status != 'withdrawn'"), postgresql_where=sa.text("status != 'withdrawn'"))

    op.create_table('bid_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('sealed_name', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_files_bid_id_bids'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_files')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_bid_files_storage_name'))
    )
    with op.batch_alter_table('bid_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_files_bid_id'), ['bid_id'], unique=False)

    op.create_table('bid_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=4000), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_bid_scores_score')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_scores_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['tender_award_criteria.id'], name=op.f('fk_bid_scores_criterion_id_tender_award_criteria')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_bid_scores_evaluator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_scores')),
    sa.UniqueConstraint('bid_id', 'criterion_id', 'evaluator_id', name='uq_bid_scores_one_each')
    )
    with op.batch_alter_table('bid_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_scores_bid_id'), ['bid_id'], unique=False)

    op.create_table('tender_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('standstill_ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_tender_awards_value')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_tender_awards_bid_id_bids')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_tender_awards_decided_by_id_users')),
    sa.ForeignKeyConstraint(['lot_id'], ['tender_lots.id'], name=op.f('fk_tender_awards_lot_id_tender_lots')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_tender_awards_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_tender_awards_tender_id_tenders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tender_awards')),
    sa.UniqueConstraint('bid_id', name=op.f('uq_tender_awards_bid_id')),
    sa.UniqueConstraint('lot_id', name=op.f('uq_tender_awards_lot_id'))
    )
    with op.batch_alter_table('tender_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tender_awards_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tender_awards_tender_id'), ['tender_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('tender_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_awards_tender_id'))
        batch_op.drop_index(batch_op.f('ix_tender_awards_organisation_id'))

    op.drop_table('tender_awards')
    with op.batch_alter_table('bid_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_scores_bid_id'))

    op.drop_table('bid_scores')
    with op.batch_alter_table('bid_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_files_bid_id'))

    op.drop_table('bid_files')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index('uq_bids_live', sqlite_where=sa.text("status != 'withdrawn'"), postgresql_where=sa.text("status != 'withdrawn'"))
        batch_op.drop_index(batch_op.f('ix_bids_tender_id'))
        batch_op.drop_index(batch_op.f('ix_bids_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_bids_lot_id'))

    op.drop_table('bids')
    with op.batch_alter_table('tender_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_versions_tender_id'))

    op.drop_table('tender_versions')
    with op.batch_alter_table('tender_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_questions_tender_id'))
        batch_op.drop_index(batch_op.f('ix_tender_questions_organisation_id'))

    op.drop_table('tender_questions')
    with op.batch_alter_table('tender_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_lots_tender_id'))

    op.drop_table('tender_lots')
    with op.batch_alter_table('tender_evaluators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_evaluators_user_id'))

    op.drop_table('tender_evaluators')
    with op.batch_alter_table('tender_award_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tender_award_criteria_tender_id'))

    op.drop_table('tender_award_criteria')
    with op.batch_alter_table('tenders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenders_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_tenders_status'))
        batch_op.drop_index(batch_op.f('ix_tenders_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_tenders_challenge_id'))

    op.drop_table('tenders')
    
