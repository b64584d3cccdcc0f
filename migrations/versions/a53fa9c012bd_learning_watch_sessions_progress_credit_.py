"""learning: watch sessions, progress, credit ledger, integrity events, certificates

Revision ID: a53fa9c012bd
Revises: fe7c5a54309f
Create Date: 2026-11-27 09:35:19.926762

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'a53fa9c012bd'
down_revision = 'fe7c5a54309f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('hours_tenths', sa.Integer(), nullable=False),
    sa.Column('requirement_met', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_certificates_course_id_courses')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['certificates.id'], name=op.f('fk_certificates_superseded_by_id_certificates')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index('ix_certificates_user_year', ['user_id', 'year'], unique=False)

    op.create_table('credit_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('hours_tenths', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('awarded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_credit_records_course_id_courses')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_credit_records_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_records'))
    )
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_records_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_credit_records_updated', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_credit_records_user_year', ['user_id', 'year'], unique=False)
        batch_op.create_index('uq_credit_records_completion', ['user_id', 'course_id'], unique=True, sqlite_where=sa.text("basis = 'completion'"), postgresql_where=sa.text("basis = 'completion'"))

    op.create_table('integrity_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=True),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('claimed_seconds', sa.Float(), nullable=False),
    sa.Column('credited_seconds', sa.Float(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_integrity_events_lesson_id_lessons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_integrity_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_events'))
    )
    with op.batch_alter_table('integrity_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_events_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_integrity_events_user_at', ['user_id', 'at'], unique=False)

    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('intervals', sa.JSON(), nullable=False),
    sa.Column('covered_seconds', sa.Float(), nullable=False),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lesson_progress_course_id_courses')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_progress_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lesson_progress_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_progress')),
    sa.UniqueConstraint('user_id', 'lesson_id', name='uq_lesson_progress_user_lesson')
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('watch_sessions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_heartbeat_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('played_seconds', sa.Float(), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('closed_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attention_due_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attention_token', sa.String(length=32), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_watch_sessions_lesson_id_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watch_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_sessions'))
    )
    with op.batch_alter_table('watch_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_sessions_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index('ix_watch_sessions_user_open', ['user_id', 'open'], unique=False)



def downgrade():
    with op.batch_alter_table('watch_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_watch_sessions_user_open')
        batch_op.drop_index(batch_op.f('ix_watch_sessions_lesson_id'))

    op.drop_table('watch_sessions')
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_course_id'))

    op.drop_table('lesson_progress')
    with op.batch_alter_table('integrity_events', schema=None) as batch_op:
        batch_op.drop_index('ix_integrity_events_user_at')
        batch_op.drop_index(batch_op.f('ix_integrity_events_session_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_events_kind'))

    op.drop_table('integrity_events')
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_index('uq_credit_records_completion', sqlite_where=sa.text("basis = 'completion'"), postgresql_where=sa.text("basis = 'completion'"))
        batch_op.drop_index('ix_credit_records_user_year')
        batch_op.drop_index('ix_credit_records_updated')
        batch_op.drop_index(batch_op.f('ix_credit_records_course_id'))

    op.drop_table('credit_records')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_certificates_user_year')

    op.drop_table('certificates')
