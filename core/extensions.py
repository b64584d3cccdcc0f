"""Extension objects, created unbound and initialised by ``create_app``."""
import click
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that later migrations can alter them on SQLite (batch mode) too.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LazyMigrate:
    """Flask-Migrate, imported on first use: Alembic costs every web process 8 MB, and only
    ``flask db`` and the migrations themselves need it (issue 16)."""

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _MigrateConfig(app, db, directory)
        app.cli.add_command(_DbGroup("db", help="Perform database migrations."))


class _MigrateConfig:
    """``app.extensions["migrate"]`` until Flask-Migrate is used: ``db`` and ``directory`` as its
    own has them; anything else sets Flask-Migrate up (it replaces this entry) and answers."""

    def __init__(self, app, db, directory: str):
        self.app, self.db, self.directory = app, db, directory

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        Migrate(self.app, self.db, directory=self.directory)
        return getattr(self.app.extensions["migrate"], name)


class _DbGroup(click.Group):
    """``flask db``: Flask-Migrate's command group, imported when it runs."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db as group

        return group.make_context(info_name, args, parent=parent, **extra)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
