"""watch checks: server-scheduled checks of who is watching (issue 19)

随堂弹题, idle challenges and (later) face captures, each with its state, its one-use
nonce's hash, its answer window and the stretch of the lesson it holds (learning.checks).

Revision ID: d1e2f3a4b5c6
Revises: d0e1f2a3b4c5
Create Date: 2026-12-04 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'd1e2f3a4b5c6'
down_revision = 'd0e1f2a3b4c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watch_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=True),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('start', sa.Float(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('held', sa.JSON(), nullable=False),
    sa.Column('challenge', sa.JSON(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('nonce_hash', sa.String(length=64), nullable=True),
    sa.Column('issued_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('window_ends_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('question', 'idle', 'face')", name=op.f('ck_watch_checks_kind')),
    sa.CheckConstraint("state IN ('waiting', 'due', 'passed', 'failed', 'missed', 'expired')",
                       name=op.f('ck_watch_checks_state')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_watch_checks_lesson_id_lessons'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_watch_checks_question_id_questions'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watch_checks_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_checks')),
    sa.UniqueConstraint('nonce_hash', name=op.f('uq_watch_checks_nonce_hash'))
    )
    with op.batch_alter_table('watch_checks', schema=None) as batch_op:
        batch_op.create_index('ix_watch_checks_user_lesson', ['user_id', 'lesson_id'], unique=False)


def downgrade():
    with op.batch_alter_table('watch_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_watch_checks_user_lesson')
    op.drop_table('watch_checks')
