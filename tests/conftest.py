"""The world every test builds for itself: an app on a fresh database, a client, factories.

``ZHIXIN_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
runs the same tests on PostgreSQL; otherwise each test gets its own SQLite file.
"""
import contextvars
import itertools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.serving import BaseWSGIServer, make_server

from accounts.idnumber import check_digit
from accounts.models import User
from app import create_app
from core.extensions import db, limiter
from courses.categories import ensure_categories
from courses.models import Category, Course, Lesson, Video
from units.creditcode import check_character
from units.models import Unit, UnitLink

PASSWORD = "correct-horse-9"
_serial = itertools.count(1)
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


PG_URL = os.environ.get("ZHIXIN_TEST_DATABASE_URL", "")
# Each test process works in its own PostgreSQL schema, so parallel runs never collide.
PG_SCHEMA = f"test_{os.getpid()}"


def test_database_url(tmp_path: Path) -> str:
    return PG_URL or f"sqlite:///{tmp_path / 'test.db'}"


def engine_options() -> dict:
    options = {"pool_pre_ping": True}
    if PG_URL:
        options["connect_args"] = {"options": f"-csearch_path={PG_SCHEMA}"}
    return options


@pytest.fixture(scope="session", autouse=True)
def _postgres_schema():
    if not PG_URL:
        yield
        return
    engine = sqlalchemy.create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        connection.execute(sqlalchemy.text(f"CREATE SCHEMA {PG_SCHEMA}"))
    yield
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


def app_config(tmp_path: Path, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": test_database_url(tmp_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
        "QUEUE_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh app context, as in production.

    The ``app`` fixture keeps an app context pushed for the factories; without this, Flask
    would reuse it for requests and ``g`` (the logged-in user, the locale) would leak
    from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(tmp_path, app_overrides):
    app = create_app(app_config(tmp_path, **app_overrides), instance_path=str(tmp_path / "instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _empty_tables()
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()
        yield app
        db.session.remove()
        _empty_tables()  # for the next test that makes its own app on this database
        db.engine.dispose()


def _empty_tables() -> None:
    """Every table of the models, empty, ids from 1. On PostgreSQL the tables stay from one
    test to the next and are emptied row by row with their sequences restarted: some 20 ms,
    where dropping and creating them (or TRUNCATE) takes half a second. ``create_all`` makes
    again only what a test dropped (the migration tests do)."""
    if not PG_URL:
        db.drop_all()
        db.create_all()
        return
    db.create_all()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        sequences = connection.scalars(sqlalchemy.text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()"))
        for name in sequences.all():
            connection.execute(sqlalchemy.text(f'ALTER SEQUENCE "{name}" RESTART'))


@pytest.fixture
def client(app):
    return app.test_client()


def make_id_number(region: str = "110105", born: date = date(1985, 3, 1), seq: int | None = None) -> str:
    """A valid 18-character ID number; ``seq`` makes it unique."""
    seq = next(_serial) if seq is None else seq
    born = born + timedelta(days=seq // 900)
    first17 = f"{region}{born:%Y%m%d}{seq % 900 + 100:03d}"
    return first17 + check_digit(first17)


def make_phone() -> str:
    return f"139{next(_serial):08d}"


@pytest.fixture
def make_user(app):
    def make(role: str = "trainee", **fields) -> User:
        """A user of ``role``; a unit administrator without ``unit_id`` gets a unit of their region."""
        id_number = fields.pop("id_number", None) or make_id_number(fields.get("region_code", "110105"))
        if role == "unit_admin" and "unit_id" not in fields:
            region = fields.get("region_code", id_number[:6])
            unit = Unit(name="知新测试单位", credit_code=make_credit_code(region), region_code=region)
            db.session.add(unit)
            db.session.flush()
            fields["unit_id"] = unit.id
        user = User(
            role=role,
            real_name=fields.pop("real_name", "张三"),
            id_number=id_number,
            phone=fields.pop("phone", None) or make_phone(),
            employer=fields.pop("employer", "北京市第一医院"),
            region_code=fields.pop("region_code", id_number[:6]),
            password_hash=fields.pop("password_hash", _FAST_HASH),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


def make_credit_code(region: str = "440300") -> str:
    """A fresh valid 统一社会信用代码 of a 企业 (91) registered in ``region``."""
    first17 = f"91{region}{next(_serial):09d}"
    return first17 + check_character(first17)


@pytest.fixture
def make_unit(app):
    """A unit (工作单位), straight into the table; region 440305 (深圳市南山区) unless given."""

    def make(**fields) -> Unit:
        region = fields.pop("region_code", "440305")
        unit = Unit(name=fields.pop("name", "深圳市南山区人民医院"),
                    credit_code=fields.pop("credit_code", None) or make_credit_code(region),
                    region_code=region, address=fields.pop("address", ""), **fields)
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def link_to_unit(app):
    """``link_to_unit(user, unit, status="confirmed")``: the trainee's current link, as a unit
    administrator's decision (or the trainee's choice, for ``pending``) would leave it."""

    def link(user: User, unit: Unit, status: str = "confirmed") -> UnitLink:
        row = UnitLink(user_id=user.id, unit_id=unit.id, status=status)
        db.session.add(row)
        db.session.commit()
        return row

    return link


def sign_in_as(client, user: User) -> None:
    """Sign ``user`` in through the session (Flask-Login's keys), without the login page."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


@pytest.fixture
def sign_in(client):
    """``sign_in(user)``: :func:`sign_in_as` on this test's client."""
    return lambda user: sign_in_as(client, user)


@pytest.fixture
def login(client):
    """Sign ``user`` in through the real login form (CSRF is off in tests unless a test turns it on)."""

    def do(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"identifier": user.phone, "password": password})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture
def make_category(app):
    """The category with ``code`` (all nine v1 categories exist once this is used)."""

    def make(code: str = "digital") -> Category:
        categories = ensure_categories()
        db.session.commit()
        return categories[code]

    return make


@pytest.fixture
def make_video(app, make_user):
    def make(owner: User | None = None, duration: float = 60.0, **fields) -> Video:
        video = Video(
            owner=owner or make_user("producer", organisation="知新制作中心"),
            status=fields.pop("status", "ready"),
            duration_seconds=duration,
            width=fields.pop("width", 640),
            height=fields.pop("height", 360),
            **fields,
        )
        db.session.add(video)
        db.session.commit()
        return video

    return make


@pytest.fixture
def make_course(app, make_user, make_category, make_video):
    def make(title: str = "数字经济概论", status: str = "published", category: Category | None = None,
             lessons: int = 2, lesson_seconds: float = 1350.0, year: int = 2026, **fields) -> Course:
        producer = fields.pop("producer", None) or make_user("producer", organisation="知新制作中心")
        course = Course(
            title=title, summary=fields.pop("summary", "课程简介"), instructor=fields.pop("instructor", "李老师"),
            category=category or make_category(), producer=producer, organisation=producer.organisation,
            status=status, catalogue_year=year, **fields,
        )
        for position in range(1, lessons + 1):
            video = make_video(owner=producer, duration=lesson_seconds)
            course.lessons.append(Lesson(position=position, title=f"第{position}讲", video=video))
        from courses.rules import credit_tenths
        course.credit_tenths = credit_tenths(lessons * lesson_seconds, 45)
        db.session.add(course)
        db.session.commit()
        return course

    return make


DRAIN_SECONDS = 60


def closing_on_hangup(app: Flask):
    """``app`` as a WSGI callable whose response is closed even when the client hangs up.

    werkzeug's server, once a response is sent, reads what is left of the request before
    closing the response; on a connection the client reset, that read raises and the
    response is never closed: a static file being sent stays open (a ResourceWarning, an
    error here). A browser resets connections when it navigates away while a stylesheet is
    still arriving. Here the response is closed when the server drops the abandoned
    generator, as soon as it has handled the reset.
    """

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()

    return wsgi


@contextmanager
def serving(app: Flask) -> Iterator[BaseWSGIServer]:
    """Serve ``app`` on a free port of 127.0.0.1 in a background thread until the block ends.

    Leaving the block stops accepting connections and then waits for every request in
    flight to be answered: a request thread may not outlive the server, or its open
    transaction would meet the next schema reset (PostgreSQL deadlocked on DROP TABLE
    lesson_progress while a request was still being answered). A request still running
    after DRAIN_SECONDS fails the test instead of hanging it.
    """
    server = make_server("127.0.0.1", 0, closing_on_hangup(app), threaded=True)
    # werkzeug's threads are daemons, which server_close() does not wait for; these are joined.
    server.daemon_threads = False
    server.block_on_close = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=10)
        closing = threading.Thread(target=server.server_close, name="live-server-close", daemon=True)
        closing.start()
        closing.join(timeout=DRAIN_SECONDS)
    if closing.is_alive():
        raise RuntimeError(f"the live server was still answering a request {DRAIN_SECONDS} s after the test")


@pytest.fixture
def server(app) -> Iterator[str]:
    """The ``app`` fixture served over real HTTP (base URL), for tests of concurrent requests."""
    with serving(app) as httpd:
        yield f"http://127.0.0.1:{httpd.server_port}"
