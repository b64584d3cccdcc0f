"""moving province: transfer requests (外省学时转入), the lines they claim (each the source of at most one ledger row of basis 'transfer') and their evidence files

Revision ID: e3c4d5e6f7a8
Revises: e2b3c4d5e6f7
Create Date: 2026-12-04 14:18:33.689815

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'e3c4d5e6f7a8'
down_revision = 'e2b3c4d5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('transfer_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('old_province', sa.String(length=2), nullable=False),
    sa.Column('reference', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'withdrawn')", name=op.f('ck_transfer_requests_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_transfer_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_transfer_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_requests'))
    )
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_requests_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_transfer_requests_user_status', ['user_id', 'status'], unique=False)

    op.create_table('transfer_files',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('uploaded_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['transfer_requests.id'], name=op.f('fk_transfer_files_request_id_transfer_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_files'))
    )
    with op.batch_alter_table('transfer_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_files_request_id'), ['request_id'], unique=False)

    op.create_table('transfer_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=8), nullable=False),
    sa.Column('claimed_tenths', sa.Integer(), nullable=False),
    sa.Column('accepted_tenths', sa.Integer(), nullable=True),
    sa.CheckConstraint('accepted_tenths IS NULL OR (accepted_tenths >= 0 AND accepted_tenths <= claimed_tenths)', name=op.f('ck_transfer_lines_accepted')),
    sa.CheckConstraint('claimed_tenths > 0', name=op.f('ck_transfer_lines_claimed')),
    sa.ForeignKeyConstraint(['request_id'], ['transfer_requests.id'], name=op.f('fk_transfer_lines_request_id_transfer_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_lines')),
    sa.UniqueConstraint('request_id', 'year', 'subject_type', name='uq_transfer_lines_request_year_type')
    )
    with op.batch_alter_table('transfer_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_lines_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('transfer_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_lines_request_id'))

    op.drop_table('transfer_lines')
    with op.batch_alter_table('transfer_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_files_request_id'))

    op.drop_table('transfer_files')
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_transfer_requests_user_status')
        batch_op.drop_index('ix_transfer_requests_status_created')

    op.drop_table('transfer_requests')
