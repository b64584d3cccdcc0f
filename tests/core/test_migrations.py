"""The schema comes from migrations: an empty database upgrades to exactly the models."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from core.extensions import db
from courses.categories import CATEGORIES
from tests.conftest import app_config


@pytest.fixture
def empty_app(tmp_path):
    app = create_app(app_config(tmp_path), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        yield app
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def schema_differences():
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_upgrade_from_empty_matches_the_models(empty_app):
    upgrade()
    assert schema_differences() == []


def test_upgrade_brings_the_nine_catalogue_categories(empty_app):
    upgrade()
    codes = db.session.scalars(sa.text("SELECT code FROM categories ORDER BY position")).all()
    assert codes == [c[0] for c in CATEGORIES]


def test_downgrade_to_empty_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
    upgrade()
    assert schema_differences() == []


def test_existing_courses_and_their_credit_become_gongxu_under_the_national_rules(empty_app):
    """Migration e5f6a7b8c9d0: what existed before subject types counts as 公需科目, as it did."""
    upgrade(revision="d4e5f6a7b8c9")
    statements = [
        "INSERT INTO users (id, role, real_name, id_number, phone, employer, region_code, title, organisation,"
        " password_hash, active, created_at) VALUES (1, 'trainee', '张三', '110105199003070114', '13800000009',"
        " '', '440106', '', '', 'x', true, '2026-01-01 00:00:00')",
        "INSERT INTO courses (id, title, summary, instructor, category_id, producer_id, organisation, status,"
        " catalogue_year, credit_tenths, review_note, created_at, updated_at)"
        " VALUES (1, '课', '', '', 1, 1, '', 'published', 2026, 10, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "INSERT INTO credit_records (id, user_id, course_id, year, hours_tenths, basis, reason, awarded_at, updated_at)"
        " VALUES (1, 1, 1, 2026, 10, 'completion', '', '2026-03-01 00:00:00', '2026-03-01 00:00:00')",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement))
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT subject_type, sector_public FROM courses")).one() == ("gongxu", False)
        assert connection.execute(sa.text("SELECT subject_type, rule_prefix, hours_tenths, year"
                                          " FROM credit_records")).one() == ("gongxu", "", 10, 2026)
        assert connection.execute(sa.text("SELECT count(*) FROM rule_sets")).scalar() == 0
