"""check clearances: a course's failed and missed checks set aside by a reviewer or by 补录 (issue 19)

Revision ID: e7f8a9b0c1d2
Revises: e3c4d5e6f7a8
Create Date: 2026-12-04 14:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'e7f8a9b0c1d2'
down_revision = 'e3c4d5e6f7a8'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'check_clearances',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('misses', sa.Integer(), nullable=False),
        sa.Column('cleared_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('review', 'rewatch')", name=op.f('ck_check_clearances_kind')),
        sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_check_clearances_cleared_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_check_clearances_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_check_clearances_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_clearances')),
    )
    op.create_index('ix_check_clearances_user_course', 'check_clearances', ['user_id', 'course_id'], unique=False)


def downgrade():
    op.drop_index('ix_check_clearances_user_course', table_name='check_clearances')
    op.drop_table('check_clearances')
