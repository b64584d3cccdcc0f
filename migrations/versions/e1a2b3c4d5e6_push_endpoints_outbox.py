"""push with acknowledgement: endpoints, the outbox of ledger events, delivery attempts

Revision ID: e1a2b3c4d5e6
Revises: e6f7a8b9c0d1
Create Date: 2026-12-04 14:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'e1a2b3c4d5e6'
down_revision = 'e6f7a8b9c0d1'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'push_endpoints',
        sa.Column('id', ID, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('profile', sa.String(length=8), server_default='zhixin', nullable=False),
        sa.Column('secret_salt', sa.String(length=64), nullable=False),
        sa.Column('secret_fingerprint', sa.String(length=16), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('secret_rotated_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('probe_result', sa.String(length=16), server_default='', nullable=False),
        sa.Column('probe_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("profile IN ('zhixin', 'hr')", name=op.f('ck_push_endpoints_profile')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_push_endpoints_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_endpoints')),
    )
    op.create_index(op.f('ix_push_endpoints_region_code'), 'push_endpoints', ['region_code'], unique=False)
    op.create_table(
        'push_events',
        sa.Column('id', ID, nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('endpoint_id', ID, nullable=False),
        sa.Column('record_id', ID, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lease_until', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('lease_token', sa.String(length=32), nullable=True),
        sa.Column('delivered_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('recorded', 'updated')", name=op.f('ck_push_events_kind')),
        sa.ForeignKeyConstraint(['endpoint_id'], ['push_endpoints.id'],
                                name=op.f('fk_push_events_endpoint_id_push_endpoints'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['credit_records.id'],
                                name=op.f('fk_push_events_record_id_credit_records')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_events_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_events')),
        sa.UniqueConstraint('event_id', name=op.f('uq_push_events_event_id')),
    )
    op.create_index('ix_push_events_trainee', 'push_events', ['endpoint_id', 'user_id', 'id'], unique=False)
    op.create_index('ix_push_events_due', 'push_events', ['endpoint_id', 'delivered_at', 'next_attempt_at'],
                    unique=False)
    op.create_index('ix_push_events_day', 'push_events', ['endpoint_id', 'day'], unique=False)
    op.create_index(op.f('ix_push_events_record_id'), 'push_events', ['record_id'], unique=False)
    op.create_table(
        'push_attempts',
        sa.Column('id', ID, nullable=False),
        sa.Column('endpoint_id', ID, nullable=False),
        sa.Column('event_id', ID, nullable=False),
        sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['endpoint_id'], ['push_endpoints.id'],
                                name=op.f('fk_push_attempts_endpoint_id_push_endpoints'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['push_events.id'],
                                name=op.f('fk_push_attempts_event_id_push_events'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_attempts')),
    )
    op.create_index('ix_push_attempts_endpoint_at', 'push_attempts', ['endpoint_id', 'at'], unique=False)
    op.create_index(op.f('ix_push_attempts_event_id'), 'push_attempts', ['event_id'], unique=False)


def downgrade():
    op.drop_table('push_attempts')
    op.drop_table('push_events')
    op.drop_table('push_endpoints')
