"""province rules and subject types

Courses that exist become 公需科目 (gongxu), as does the credit they earned, counted under
the national rules (rule_prefix ""); no rule set is stored, so the national set is built
from the settings and nothing credited changes.

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-12-03 18:41:31.316953

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


@contextmanager
def _sqlite_foreign_keys_off():
    """SQLite adds a check constraint by copying the table; the copy's DROP of the old one
    fails while rows of other tables point at it, unless foreign keys are off (outside a
    transaction) for the copy."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")


def upgrade():
    with _sqlite_foreign_keys_off():
        _upgrade()


def downgrade():
    with _sqlite_foreign_keys_off():
        _downgrade()


def _upgrade():
    op.create_table('rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=6), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_rule_sets_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_sets')),
    sa.UniqueConstraint('prefix', 'effective_from', name='uq_rule_sets_prefix_effective_from')
    )
    with op.batch_alter_table('rule_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_sets_prefix'), ['prefix'], unique=False)

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=8), server_default='gongxu', nullable=False))
        batch_op.add_column(sa.Column('sector_public', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_courses_subject_type'), ['subject_type'], unique=False)
        batch_op.create_check_constraint('subject_type', "subject_type IN ('gongxu', 'zhuanye', 'xuanxiu')")

    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=8), server_default='gongxu', nullable=False))
        batch_op.add_column(sa.Column('rule_prefix', sa.String(length=6), server_default='', nullable=False))

    with op.batch_alter_table('watch_budgets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('day_seconds', sa.Float(), server_default='0', nullable=False))



def _downgrade():
    with op.batch_alter_table('watch_budgets', schema=None) as batch_op:
        batch_op.drop_column('day_seconds')
        batch_op.drop_column('day')

    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_column('rule_prefix')
        batch_op.drop_column('subject_type')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_courses_subject_type'), type_='check')
        batch_op.drop_index(batch_op.f('ix_courses_subject_type'))
        batch_op.drop_column('sector_public')
        batch_op.drop_column('subject_type')

    with op.batch_alter_table('rule_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_sets_prefix'))

    op.drop_table('rule_sets')
