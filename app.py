"""The Zhixin application factory. It assembles; it never migrates, connects or waits."""
from pathlib import Path

from flask import Flask

import config
from core import errors, queue, security
from core.extensions import babel, csrf, db, limiter, login_manager, migrate
from core import i18n
from core.i18n import select_locale

ROOT = Path(__file__).resolve().parent


def create_app(overrides: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(__name__, instance_path=instance_path or str(ROOT / "instance"))
    config.load_config(app, overrides)
    _init_extensions(app)
    _register_blueprints(app)
    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(ROOT / "translations"))
    login_manager.init_app(app)
    limiter.init_app(app)
    queue.init_app(app)
    import accounts.access  # noqa: F401  (registers the login loaders)
    import accounts.models  # noqa: F401  (every model is known to migrations)
    import courses.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from accounts import admin, auth
    from courses import catalogue, catalogue_api, media

    for module in (i18n, auth, admin, catalogue, catalogue_api, media):
        app.register_blueprint(module.bp)


def _register_cli(app: Flask) -> None:
    import demo
    from accounts import cli as accounts_cli
    from core import cli as core_cli

    for group in (*accounts_cli.COMMANDS, demo.cli, core_cli.worker):
        app.cli.add_command(group)
