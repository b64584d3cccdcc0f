"""unit administrators, unit links, declarations, notices (and users' e-mail), ledger rows without a course

Existing users keep their roles (unit_admin is added to the allowed ones) and nobody must
change their password; existing credit records are completions, as before.

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-03 22:30:00.000000

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('trainee', 'producer', 'reviewer', 'bureau', 'admin')"
ROLES_AFTER = "role IN ('trainee', 'producer', 'reviewer', 'bureau', 'admin', 'unit_admin')"
CURRENT_LINK = sa.text("status IN ('pending', 'confirmed')")
DECLARED = sa.text("basis = 'declared'")


@contextmanager
def _sqlite_foreign_keys_off():
    """SQLite changes a check constraint by copying the table; the copy's DROP of the old one
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
        _users_up()
        _credit_records_up()
    _unit_links()
    _declarations()
    _notices()


def downgrade():
    op.drop_table('notices')
    op.drop_table('declaration_steps')
    op.drop_table('declaration_files')
    op.drop_table('declarations')
    op.drop_table('unit_links')
    with _sqlite_foreign_keys_off():
        _credit_records_down()
        _users_down()


def _users_up():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_unit_id_units'), 'units', ['unit_id'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_AFTER)
        batch_op.create_check_constraint('unit_admin_unit', "role <> 'unit_admin' OR unit_id IS NOT NULL")


def _users_down():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_unit_admin_unit'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', ROLES_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_users_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))
        batch_op.drop_column('unit_id')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('email')


def _credit_records_up():
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.add_column(sa.Column('title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_credit_records_recorded_by_id_users'), 'users',
                                    ['recorded_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('uq_credit_records_declared', ['source_id'], unique=True,
                              sqlite_where=DECLARED, postgresql_where=DECLARED)
        batch_op.create_index('ix_credit_records_source', ['basis', 'source_id'], unique=False)
        batch_op.create_check_constraint('basis', "basis IN ('completion', 'declared', 'correction')")


def _credit_records_down():
    op.execute("DELETE FROM credit_records WHERE course_id IS NULL")
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_credit_records_basis'), type_='check')
        batch_op.drop_index('ix_credit_records_source')
        batch_op.drop_index('uq_credit_records_declared', sqlite_where=DECLARED, postgresql_where=DECLARED)
        batch_op.drop_constraint(batch_op.f('fk_credit_records_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('title')
        batch_op.drop_column('source_id')
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=False)


def _unit_links():
    op.create_table(
        'unit_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requested_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('ended_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'ended')", name=op.f('ck_unit_links_status')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_unit_links_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_links_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_unit_links_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_links')),
    )
    with op.batch_alter_table('unit_links', schema=None) as batch_op:
        batch_op.create_index('ix_unit_links_unit_status', ['unit_id', 'status'], unique=False)
        batch_op.create_index('uq_unit_links_current', ['user_id'], unique=True,
                              sqlite_where=CURRENT_LINK, postgresql_where=CURRENT_LINK)


def _declarations():
    op.create_table(
        'declarations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('organiser', sa.String(length=128), nullable=False),
        sa.Column('place', sa.String(length=128), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('subject_type', sa.String(length=8), nullable=False),
        sa.Column('hours_tenths', sa.Integer(), nullable=False),
        sa.Column('default_hours_tenths', sa.Integer(), nullable=False),
        sa.Column('hours_reason', sa.Text(), nullable=False),
        sa.Column('pledged_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('unit_review', 'bureau_review', 'returned', 'approved', 'withdrawn')",
                           name=op.f('ck_declarations_status')),
        sa.CheckConstraint('end_date >= start_date', name=op.f('ck_declarations_dates')),
        sa.CheckConstraint('hours_tenths > 0', name=op.f('ck_declarations_hours')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_declarations_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_declarations_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations')),
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index('ix_declarations_region_status', ['region_code', 'status'], unique=False)
        batch_op.create_index('ix_declarations_unit_status', ['unit_id', 'status'], unique=False)
        batch_op.create_index('ix_declarations_user_year', ['user_id', 'year'], unique=False)
    for table, columns in (('declaration_files', _file_columns()), ('declaration_steps', _step_columns())):
        op.create_table(
            table,
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('declaration_id', sa.Integer(), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'],
                                    name=op.f(f'fk_{table}_declaration_id_declarations'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_declaration_id'), ['declaration_id'], unique=False)


def _file_columns():
    return (
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('path', sa.String(length=255), nullable=False),
        sa.Column('uploaded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    )


def _step_columns():
    return (
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('by', sa.String(length=8), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_declaration_steps_actor_id_users'),
                                ondelete='SET NULL'),
    )


def _notices():
    op.create_table(
        'notices',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=128), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=255), nullable=False),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('mailed_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_user_read', ['user_id', 'read_at'], unique=False)
