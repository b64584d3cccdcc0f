"""a version on each trainee's watch budget: heartbeats read first and write only if it stands

Every transaction that writes a trainee's watch state bumps it (learning.ledger's lock); a
heartbeat judged on an earlier read writes only where the version is still the one it read
(learning.heartbeats), else it is judged again under the lock.

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-04 06:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('watch_budgets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('watch_budgets', schema=None) as batch_op:
        batch_op.drop_column('version')
