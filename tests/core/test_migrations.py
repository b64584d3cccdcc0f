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
