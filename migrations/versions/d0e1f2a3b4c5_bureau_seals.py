"""bureau seals: the seal image a province's bureau draws on the certificates it issues

One row per province code; the image itself is a file under SEAL_DIR (instance/seals), outside
the web root. No existing row changes: certificates issued before name no bureau and get no seal.

Revision ID: d0e1f2a3b4c5
Revises: c4d5e6f7a8b9
Create Date: 2026-12-04 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'd0e1f2a3b4c5'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bureau_seals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('path', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_bureau_seals_uploaded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_seals')),
        sa.UniqueConstraint('region_code', name=op.f('uq_bureau_seals_region_code')),
    )


def downgrade():
    op.drop_table('bureau_seals')
