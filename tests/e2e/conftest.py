"""Browser tests: the real app on a real port, driven by Playwright in Debian's Chromium.

The live server runs the app as a person meets it, not as the test client does:
``TESTING`` off, CSRF on, rate limiting on (with a generous login limit), and the schema
built by the migrations (``flask db upgrade``), not by ``create_all``. A request that
raises on the server fails the test, and so does a script error or a Content Security
Policy violation in the page.

Chromium is Debian's ``/usr/bin/chromium`` (``playwright install`` cannot download a
browser here). Without it these tests fail under ``make test``, which installs it and sets
``ZHIXIN_REQUIRE_BROWSER``; a bare ``pytest`` run skips them, with the reason. Screenshots go to
``artifacts/e2e/`` (ignored by git), one automatically for every failed test.
"""
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from flask_migrate import upgrade
from playwright.sync_api import expect
from sqlalchemy import text

from accounts.models import User
from app import create_app
from core.extensions import db, limiter
from courses.categories import ensure_categories
from courses.media import storage
from courses.models import Course, Lesson, Video
from courses.rules import credit_tenths
from demo import clips
from tests.conftest import _FAST_HASH, PASSWORD, app_config, make_id_number, serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# How long the live server waits at teardown for the requests it is still answering.
# The seconds of media a <video> has played (its ``played`` ranges), for ``locator.evaluate``.
PLAYED_SECONDS = """v => { let t = 0;
                          for (let i = 0; i < v.played.length; i++) t += v.played.end(i) - v.played.start(i);
                          return t; }"""
# What the live server changes from tests/conftest.py's app_config: the real checks are on.
LIVE_CONFIG = {
    "TESTING": False,
    "WTF_CSRF_ENABLED": True,
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "200 per minute",
}


@dataclass
class LiveServer:
    """The running app: ``url("/path")`` gives an absolute address on it."""

    base_url: str
    app: Flask
    errors: list = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return self.base_url + path


def _reset_schema() -> None:
    """Drop every table, the migrations' version table too (PostgreSQL keeps them between tests)."""
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _migrate(app: Flask) -> None:
    """``flask db upgrade``, keeping the test process's logging as it was.

    Alembic's env.py applies its logging file, which would disable every logger that
    exists already (and with it log assertions in later tests).
    """
    loggers = {name: lg.disabled for name, lg in logging.root.manager.loggerDict.items()
               if isinstance(lg, logging.Logger)}
    root_handlers, root_level = logging.root.handlers[:], logging.root.level
    try:
        upgrade(directory=app.extensions["migrate"].directory)
    finally:
        for name, disabled in loggers.items():
            logging.getLogger(name).disabled = disabled
        logging.root.handlers[:] = root_handlers
        logging.root.setLevel(root_level)


@pytest.fixture
def live_overrides() -> dict:
    """Override in a test module to change the live app's configuration."""
    return {}


@pytest.fixture
def live_server(tmp_path, live_overrides):
    """The app served on a free port of 127.0.0.1 in a background thread, on a migrated database."""
    config = app_config(tmp_path, **LIVE_CONFIG)
    config.update(live_overrides)
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    live = LiveServer("", app)

    def record(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    with app.app_context():
        _reset_schema()
        _migrate(app)
        limiter.reset()
    drained = False
    try:
        with serving(app) as server:
            live.base_url = f"http://127.0.0.1:{server.server_address[1]}"
            yield live
        drained = True
    finally:
        got_request_exception.disconnect(record, app)
        with app.app_context():
            db.session.remove()
            if drained:  # a request that never ended may hold locks: the next test's setup resets
                _reset_schema()
            db.engine.dispose()
    assert not live.errors, f"the server raised while serving the test: {live.errors!r}"


def render_lecture(tmp_path_factory, title: str, subtitle: str, seconds: int, fps: int) -> Path:
    """A lecture slide of ``seconds`` (H.264/AAC MP4 at 640×360, as the transcoder makes), by ffmpeg."""
    path = tmp_path_factory.mktemp("clips") / f"lecture-{seconds}s.mp4"
    clips.render_slide_clip(path, title=title, subtitle=subtitle, seconds=seconds, fps=fps, size=(640, 360),
                            font_file=clips.find_cjk_font(), timeout=60)
    return path


@pytest.fixture(scope="session")
def lecture_clip(tmp_path_factory) -> Path:
    """A 6-second lecture slide, rendered once."""
    return render_lecture(tmp_path_factory, "数字经济概论 · 第1讲", "数据要素与数字化转型", seconds=6, fps=10)


@pytest.fixture
def seeded_course(live_server, lecture_clip) -> dict:
    """A published 数字技术 course of two lessons whose videos are real, ready renditions."""
    app = live_server.app
    with app.app_context():
        producer = User(role="producer", real_name="李华", id_number=make_id_number(),
                        phone="13700000001", employer="知新制作中心", organisation="知新制作中心",
                        region_code="110105", password_hash="!")
        course = Course(title="数字经济概论", summary="数据要素、平台经济与数字化转型。", instructor="李老师",
                        category=ensure_categories()["digital"], producer=producer,
                        organisation="知新制作中心", status="published", catalogue_year=2026)
        for position, title in enumerate(("数据要素与数字化转型", "平台经济的规则"), start=1):
            course.lessons.append(Lesson(position=position, title=title, video=ready_video(
                producer, lecture_clip)))
        course.credit_tenths = credit_tenths(sum(lesson.duration_seconds for lesson in course.lessons),
                                             app.config["CREDIT_MINUTES_PER_HOUR"])
        db.session.add(course)
        db.session.commit()
        return {"id": course.id, "title": course.title, "first_lesson": course.lessons[0].title,
                "lesson_ids": [lesson.id for lesson in course.lessons]}


def ready_video(owner: User, clip: Path) -> Video:
    """A ready video whose 360p rendition and poster are files under MEDIA_ROOT (flushes)."""
    info = clips.probe(clip, timeout=30)
    video = Video(owner=owner, status="ready", progress=100, original_filename="lecture.mp4",
                  duration_seconds=info["duration"], width=info["width"], height=info["height"])
    db.session.add(video)
    db.session.flush()
    rendition = storage.resolve(storage.rendition_path(video.id, 360))
    rendition.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clip, rendition)
    poster = storage.resolve(storage.poster_path(video.id))
    poster.parent.mkdir(parents=True, exist_ok=True)
    clips.render_poster(clip, poster, at_seconds=1, timeout=30)
    video.renditions = [{"height": 360, "width": 640, "path": storage.rendition_path(video.id, 360),
                         "bytes": rendition.stat().st_size}]
    video.poster_path = storage.poster_path(video.id)
    return video


def add_trainee(app: Flask, phone: str = "13900000021") -> dict:
    """A trainee of Hangzhou who signs in with PASSWORD: ``{"id", "phone", "name"}``."""
    with app.app_context():
        user = User(role="trainee", real_name="王学习", id_number=make_id_number("330106"), phone=phone,
                    employer="杭州市第一人民医院", region_code="330106", password_hash=_FAST_HASH)
        db.session.add(user)
        db.session.commit()
        return {"id": user.id, "phone": user.phone, "name": user.real_name}


@pytest.fixture
def trainee(live_server) -> dict:
    """A trainee on the live server (see add_trainee)."""
    return add_trainee(live_server.app)


def sign_in(page, person: dict) -> None:
    """Sign ``person`` (from add_trainee) in on the login page; returns once the banner names them."""
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(person["phone"])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("banner").get_by_role("link", name=person["name"])).to_be_visible()


def click_to_play(page) -> None:
    """Start the lesson on ``page`` with a click on the video, as a trainee does, once it can take one.

    The player must have opened its watch session (``data-state="active"``), or the playback
    would race the session's resume; and the video must have its metadata: Chromium's own
    controls ignore a click on a video that has none yet (under load the click came first
    and the video stayed at 0:00). The click must start playback.
    """
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")  # HAVE_METADATA
    page.locator("#lesson-video").click()
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return !v.paused || v.played.length > 0; }")


def errors_of(page) -> list[str]:
    """Console errors of ``page`` from now on (the harness watches only CSP reports)."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    return seen


@pytest.fixture
def demo_world(live_server) -> str:
    """What ``make run`` shows on its first start: ``flask demo seed``, in quick mode (short clips).

    Returns the seed's output (it lists the demo accounts).
    """
    result = live_server.app.test_cli_runner().invoke(args=["demo", "seed", "--quick"])
    assert result.exit_code == 0, result.output
    return result.output


def require_chromium(chromium: Path, environ) -> None:
    """Stop the browser tests when ``chromium`` is missing: a failure when the environment
    sets ``ZHIXIN_REQUIRE_BROWSER`` (as ``make test`` does), else a skip with the reason.
    """
    if chromium.exists():
        return
    reason = f"browser tests need Debian's Chromium at {chromium} (apt-get install chromium)"
    if environ.get("ZHIXIN_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}; ZHIXIN_REQUIRE_BROWSER is set, so they may not be skipped", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright's sync API, no asyncio plugin)."""
    require_chromium(CHROMIUM, os.environ)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so that fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _slug(text_: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text_).strip("-")[:120]


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "after-login")`` saves a full-page PNG in artifacts/e2e/ and returns its path."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{_slug(request.node.name)}--{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@contextmanager
def checked_page(context, request, screenshot) -> Iterator:
    """A page of the new browser ``context``, which is closed at the end of the block.

    Fails the test on an uncaught script error or a Content Security Policy violation;
    a failed test leaves a screenshot of where it stopped.
    """
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            try:
                screenshot(page, "failed")
            except Exception as error:  # a dead page must not hide the real failure
                print(f"no screenshot: {error}")
        context.close()
    assert not problems, "the page reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, live_server, request, screenshot):
    """A fresh desktop-sized browser context (no cookies) whose relative URLs go to the live
    server, checked as :func:`checked_page` says."""
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    with checked_page(context, request, screenshot) as page:
        yield page
