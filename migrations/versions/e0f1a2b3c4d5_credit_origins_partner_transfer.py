"""credit origins: ledger rows from partner platforms (basis 'partner') and from another province (basis 'transfer'), once per source each

Revision ID: e0f1a2b3c4d5
Revises: d2e3f4a5b6c7
Create Date: 2026-12-04 14:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e0f1a2b3c4d5'
down_revision = 'd2e3f4a5b6c7'
branch_labels = None
depends_on = None

PARTNER = sa.text("basis = 'partner'")
TRANSFER = sa.text("basis = 'transfer'")


def upgrade():
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_credit_records_basis'), type_='check')
        batch_op.create_check_constraint(
            'basis', "basis IN ('completion', 'declared', 'correction', 'partner', 'transfer')")
        batch_op.create_index('uq_credit_records_partner', ['source_id'], unique=True,
                              sqlite_where=PARTNER, postgresql_where=PARTNER)
        batch_op.create_index('uq_credit_records_transfer', ['source_id'], unique=True,
                              sqlite_where=TRANSFER, postgresql_where=TRANSFER)


def downgrade():
    op.execute("DELETE FROM credit_records WHERE basis IN ('partner', 'transfer')")
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_index('uq_credit_records_transfer', sqlite_where=TRANSFER, postgresql_where=TRANSFER)
        batch_op.drop_index('uq_credit_records_partner', sqlite_where=PARTNER, postgresql_where=PARTNER)
        batch_op.drop_constraint(batch_op.f('ck_credit_records_basis'), type_='check')
        batch_op.create_check_constraint('basis', "basis IN ('completion', 'declared', 'correction')")
