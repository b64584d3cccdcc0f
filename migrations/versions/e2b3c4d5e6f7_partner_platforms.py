"""partner platforms (合作平台): accreditations, their tokens (SHA-256 only) and the completions they report

Revision ID: e2b3c4d5e6f7
Revises: e1a2b3c4d5e6
Create Date: 2026-12-04 14:21:59.239583

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'e2b3c4d5e6f7'
down_revision = 'e1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('subject_types', sa.String(length=32), nullable=False),
    sa.Column('hours_per_year_tenths', sa.Integer(), nullable=False),
    sa.Column('accredited_from', sa.Date(), nullable=False),
    sa.Column('accredited_until', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('accredited_until >= accredited_from', name=op.f('ck_partners_dates')),
    sa.CheckConstraint('hours_per_year_tenths > 0', name=op.f('ck_partners_hours')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('name', name=op.f('uq_partners_name'))
    )
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.create_index('ix_partners_region', ['region_code'], unique=False)

    op.create_table('partner_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_tokens_partner_id_partners'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_partner_tokens_token_hash'))
    )
    with op.batch_alter_table('partner_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_tokens_partner_id'), ['partner_id'], unique=False)

    op.create_table('partner_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('certificate_number', sa.String(length=64), nullable=False),
    sa.Column('course_title', sa.String(length=200), nullable=False),
    sa.Column('subject_type', sa.String(length=8), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('hours_tenths', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_partner_reports_dates')),
    sa.CheckConstraint('hours_tenths > 0', name=op.f('ck_partner_reports_hours')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_reports_partner_id_partners')),
    sa.ForeignKeyConstraint(['record_id'], ['credit_records.id'],
                            name=op.f('fk_partner_reports_record_id_credit_records')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_partner_reports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_reports')),
    sa.UniqueConstraint('partner_id', 'certificate_number', name='uq_partner_reports_certificate'),
    sa.UniqueConstraint('partner_id', 'idempotency_key', name='uq_partner_reports_key')
    )
    with op.batch_alter_table('partner_reports', schema=None) as batch_op:
        batch_op.create_index('ix_partner_reports_user_year', ['user_id', 'year'], unique=False)



def downgrade():
    with op.batch_alter_table('partner_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_reports_user_year')

    op.drop_table('partner_reports')
    with op.batch_alter_table('partner_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_tokens_partner_id'))

    op.drop_table('partner_tokens')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index('ix_partners_region')

    op.drop_table('partners')
