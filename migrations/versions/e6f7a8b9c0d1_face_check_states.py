"""face checks in the player: a watch check may be 'judging' (a frame posted, the model's verdict
awaited) or 'review' (the model failed it: the stretch stays held until a person decides)

Revision ID: e6f7a8b9c0d1
Revises: e0f1a2b3c4d5
Create Date: 2026-12-04 14:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6f7a8b9c0d1'
down_revision = 'e0f1a2b3c4d5'
branch_labels = None
depends_on = None

STATES = "'waiting', 'due', 'passed', 'failed', 'missed', 'expired'"


def upgrade():
    with op.batch_alter_table('watch_checks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_watch_checks_state'), type_='check')
        batch_op.create_check_constraint('state', f"state IN ({STATES}, 'judging', 'review')")


def downgrade():
    # A check still judged or in review is taken as failed: its stretch was not credited.
    op.execute("UPDATE watch_checks SET state = 'failed' WHERE state IN ('judging', 'review')")
    with op.batch_alter_table('watch_checks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_watch_checks_state'), type_='check')
        batch_op.create_check_constraint('state', f"state IN ({STATES})")
