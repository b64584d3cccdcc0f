"""watch budgets: a trainee's wall-clock budget and session pacing, shared by all sessions

Existing trainees start from their last heartbeat, so nothing played before the upgrade
can be claimed again in a new session.

Revision ID: c3d9e1f2a7b8
Revises: a53fa9c012bd
Create Date: 2026-12-03 12:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'c3d9e1f2a7b8'
down_revision = 'a53fa9c012bd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watch_budgets',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('played_until', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opens_until', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watch_budgets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_watch_budgets'))
    )
    op.execute("INSERT INTO watch_budgets (user_id, played_until) "
               "SELECT user_id, MAX(last_heartbeat_at) FROM watch_sessions GROUP BY user_id")


def downgrade():
    op.drop_table('watch_budgets')
