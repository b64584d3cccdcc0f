"""face checks: trainees' face profiles (consent, reference embedding), in-person checks, captures

Revision ID: d2e3f4a5b6c7
Revises: d1e2f3a4b5c6
Create Date: 2026-12-04 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import core.db

# revision identifiers, used by Alembic.
revision = 'd2e3f4a5b6c7'
down_revision = 'd1e2f3a4b5c6'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'face_profiles',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('consent', sa.String(length=16), nullable=False),
        sa.Column('consent_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('embedding', sa.LargeBinary(), nullable=True),
        sa.Column('reference_path', sa.String(length=255), nullable=True),
        sa.Column('reference_sha256', sa.String(length=64), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('enrolled_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("consent IN ('given', 'declined', 'withdrawn')", name=op.f('ck_face_profiles_consent')),
        sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'], name=op.f('fk_face_profiles_enrolled_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_face_profiles_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_face_profiles')),
    )
    op.create_table(
        'face_in_person_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('confirmed_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                                name=op.f('fk_face_in_person_checks_confirmed_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_face_in_person_checks_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_face_in_person_checks_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_face_in_person_checks')),
    )
    op.create_index(op.f('ix_face_in_person_checks_user_id'), 'face_in_person_checks', ['user_id'], unique=False)
    _captures()


def _captures():
    op.create_table(
        'face_captures',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('check_id', BIG_ID, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('watch_session_id', sa.String(length=32), nullable=False),
        sa.Column('lesson_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('held_seconds', sa.Float(), nullable=False),
        sa.Column('path', sa.String(length=255), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('distance', sa.Float(), nullable=True),
        sa.Column('submitted_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('judged_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('review_note', sa.Text(), nullable=False),
        sa.Column('deleted_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'passed', 'failed', 'refused', 'accepted', 'rejected')",
                           name=op.f('ck_face_captures_status')),
        sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_face_captures_lesson_id_lessons'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_face_captures_reviewed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_face_captures_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_face_captures_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_face_captures')),
        sa.UniqueConstraint('check_id', name=op.f('uq_face_captures_check_id')),
    )
    op.create_index(op.f('ix_face_captures_sha256'), 'face_captures', ['sha256'], unique=False)
    op.create_index('ix_face_captures_unit_status', 'face_captures', ['unit_id', 'status'], unique=False)
    op.create_index('ix_face_captures_region_status', 'face_captures', ['region_code', 'status'], unique=False)
    op.create_index('ix_face_captures_user_at', 'face_captures', ['user_id', 'submitted_at'], unique=False)


def downgrade():
    op.drop_table('face_captures')
    op.drop_index(op.f('ix_face_in_person_checks_user_id'), table_name='face_in_person_checks')
    op.drop_table('face_in_person_checks')
    op.drop_table('face_profiles')
