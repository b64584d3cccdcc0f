"""The Zhixin application factory. It assembles; it never migrates, connects or waits."""
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from core import errors, i18n, inputs, language, overload, queue, security
from core.extensions import babel, csrf, db, limiter, login_manager, migrate
from learning import heartbeat_app

ROOT = Path(__file__).resolve().parent


def create_app(overrides: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(__name__, instance_path=instance_path or str(ROOT / "instance"))
    config.load_config(app, overrides)
    app.wsgi_app = heartbeat_app.mount(app)  # inside ProxyFix: heartbeats see the client's address
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    _init_extensions(app)
    inputs.init_app(app)
    _register_blueprints(app)
    errors.init_app(app)
    overload.init_app(app)
    security.init_app(app)
    language.init_app(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=language.select_locale,
                   default_translation_directories=str(ROOT / "translations"))
    login_manager.init_app(app)
    limiter.init_app(app)
    queue.init_app(app)
    import accounts.access  # registers the login loaders
    import accounts.models  # noqa: F401  (every model is known to migrations)
    import core.policy.models  # noqa: F401
    import courses.models  # noqa: F401
    import declarations.models  # noqa: F401
    import faces.check_kind  # registers the face check with the checks seam
    import faces.models  # noqa: F401
    import learning.models  # noqa: F401
    import notices.models  # noqa: F401
    import partners.models  # noqa: F401
    import push.models  # noqa: F401
    import recovery.models  # noqa: F401
    import transfers.models  # noqa: F401
    import units.models  # noqa: F401
    from push import outbox
    outbox.install()  # ledger changes into the outbox (push.outbox)


def _register_blueprints(app: Flask) -> None:
    from accounts import account_api, admin, auth, profile_changes, regions_api
    from bureau import (
        corrections_api,
        corrections_views,
        dashboard,
        exports,
        integrity,
        records_api,
        records_views,
        seal_views,
        trainee_passwords,
    )
    from courses.catalogue import catalogue, catalogue_api
    from courses.media import media, upload, upload_api, video_api, videos
    from courses.search import search_views
    from courses.studio import exam_api, exam_studio, review, review_api, studio, studio_api
    from declarations import bureau_review, declarations_api, my_declarations, unit_review
    from faces import face_review, integrity_checks, my_face, my_face_api, unit_checks, unit_faces
    from learning import (
        attempt_api,
        centre,
        certificate_api,
        certificate_views,
        check_api,
        check_rewatch,
        dossier_api,
        dossier_views,
        exam,
        record,
        record_api,
        watch_api,
    )
    from notices import notice_box, notices_api
    from openapi import openapi
    from partners import partner_api, partners, unit_partner_hours
    from provinces import rules_admin, rules_api
    from push import push_api, push_views
    from recovery import forgot, forgot_api
    from staff import staff_api, staff_dossier, staff_exports, staff_import, staff_passwords, staff_views
    from transfers import my_transfers, transfer_review, transfers_api
    from units import my_unit, my_unit_api, units_admin, units_api

    rooms = (
        (i18n,),
        (auth, admin, account_api, profile_changes, regions_api),
        (notice_box, notices_api),
        (forgot, forgot_api),
        (rules_admin, rules_api),
        (units_admin, units_api, my_unit, my_unit_api),
        (catalogue, catalogue_api, media, search_views, upload, upload_api, video_api, videos,
         studio, studio_api, review, review_api, exam_api, exam_studio),
        (watch_api, check_api, check_rewatch, record, record_api, certificate_views, certificate_api, attempt_api, exam,
         centre, dossier_views, dossier_api),
        (dashboard, records_views, exports, integrity, records_api, corrections_views, corrections_api,
         seal_views, trainee_passwords),
        (push_views, push_api),
        (staff_views, staff_exports, staff_api, staff_import, staff_passwords, staff_dossier),
        (my_declarations, unit_review, bureau_review, declarations_api),
        (my_face, my_face_api, face_review, unit_faces, unit_checks, integrity_checks),
        (partners, partner_api, unit_partner_hours),
        (my_transfers, transfer_review, transfers_api),
        (openapi,),
    )
    for room in rooms:
        for module in room:
            app.register_blueprint(module.bp)


def _register_cli(app: Flask) -> None:
    import demo
    from accounts import cli as accounts_cli
    from core import cli as core_cli
    from courses.search import cli as search_cli
    from faces import cli as faces_cli
    from learning import cli as learning_cli
    from partners import cli as partners_cli
    from provinces import cli as provinces_cli
    from push import cli as push_cli
    from units import cli as units_cli

    for group in (*accounts_cli.COMMANDS, demo.cli, core_cli.worker, search_cli.search_cli,
                  learning_cli.certificates_cli, provinces_cli.rules_cli, units_cli.units_cli,
                  faces_cli.faces_cli, push_cli.push_cli, partners_cli.partners_cli):
        app.cli.add_command(group)
