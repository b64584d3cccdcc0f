"""A flaky network: heartbeats that cannot be sent wait in localStorage and are delivered,
in order, once they can be; the server credits each second once.

One 10-second lesson worth floor(10 × 10 s / 6 s) / 10 = 1.6 学时 at 0.1 minutes to the 学时;
a heartbeat every second, so that a few seconds offline leave several waiting.
"""
import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course, Lesson
from courses.rules import credit_tenths
from learning.models import CreditRecord, IntegrityEvent, LessonProgress, WatchSession
from tests.conftest import make_id_number
from tests.e2e.conftest import PLAYED_SECONDS, errors_of, ready_video, render_lecture, sign_in

pytestmark = pytest.mark.e2e

HELD_BACK = "暂时无法上传学习记录"
QUEUED = "() => Number(document.getElementById('player').dataset.queued)"


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 1, "CREDIT_MINUTES_PER_HOUR": 0.1}


@pytest.fixture(scope="module")
def ten_second_clip(tmp_path_factory):
    return render_lecture(tmp_path_factory, "网络安全基础 · 第1讲", "个人信息保护", seconds=10, fps=10)


@pytest.fixture
def course(live_server, ten_second_clip) -> dict:
    """A published one-lesson course on a 10-second clip."""
    app = live_server.app
    with app.app_context():
        producer = User(role="producer", real_name="李华", id_number=make_id_number(), phone="13700000031",
                        organisation="知新制作中心", region_code="110105", password_hash="!")
        course = Course(title="网络安全基础", summary="个人信息保护。", instructor="赵老师",
                        category=ensure_categories()["cybersecurity"], producer=producer, status="published",
                        catalogue_year=2026)
        course.lessons.append(Lesson(position=1, title="个人信息保护", video=ready_video(producer, ten_second_clip)))
        course.credit_tenths = credit_tenths(course.lessons[0].duration_seconds, app.config["CREDIT_MINUTES_PER_HOUR"])
        db.session.add(course)
        db.session.commit()
        return {"id": course.id, "lesson_id": course.lessons[0].id, "tenths": course.credit_tenths}


def start_playing(page, lesson_id: int) -> None:
    """Open the lesson and play it until the whole clip is buffered (so it plays on offline)."""
    page.goto(f"/lessons/{lesson_id}")
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("Space")
    page.wait_for_function("""() => { const v = document.querySelector('video');
        return v.currentTime > 1 && v.buffered.length === 1 && v.buffered.end(0) >= v.duration - 0.05; }""")


def stored_queue(page, user_id: int) -> list[dict]:
    return json.loads(page.evaluate(f"() => localStorage.getItem('zhixin.player.{user_id}.queue') || '[]'"))


def assert_credited_once(app, user_id: int, played: float, allowed_events=()) -> LessonProgress:
    """The server credited exactly what was played, each second once, and clipped nothing."""
    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user_id))
        duration = progress.lesson.video.duration_seconds
        assert progress.covered_seconds == pytest.approx(min(played, duration), abs=0.25)
        played_total = sum(db.session.scalars(select(WatchSession.played_seconds)).all())
        assert played_total == pytest.approx(progress.covered_seconds, abs=0.05)
        assert set(db.session.scalars(select(IntegrityEvent.kind)).all()) <= set(allowed_events)
        db.session.expunge(progress)
        return progress


def test_heartbeats_wait_offline_and_are_credited_once_back_online(page, live_server, course, trainee, screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    start_playing(page, course["lesson_id"])

    page.context.set_offline(True)
    expect(page.locator("#player-status")).to_contain_text(HELD_BACK)
    page.wait_for_function(f"() => ({QUEUED})() >= 3 && document.querySelector('video').currentTime > 5")
    waiting = stored_queue(page, trainee["id"])
    assert len(waiting) >= 3
    assert [entry["seq"] for entry in waiting] == sorted({entry["seq"] for entry in waiting})
    screenshot(page, "offline")

    page.context.set_offline(False)
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    expect(page.locator("#player-status")).not_to_contain_text(HELD_BACK)
    page.wait_for_function("() => document.querySelector('video').ended", timeout=20_000)
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    expect(page.locator("#player-course")).to_have_text("课程已完成，已获 1.6 学时")
    screenshot(page, "back-online")
    assert stored_queue(page, trainee["id"]) == []

    played = page.locator("#lesson-video").evaluate(PLAYED_SECONDS)
    progress = assert_credited_once(live_server.app, trainee["id"], played)
    assert progress.completed_at is not None
    with live_server.app.app_context():
        credits = db.session.scalars(select(CreditRecord.hours_tenths)).all()
        assert credits == [course["tenths"]] == [16]
    # The browser itself logs the requests that failed offline; nothing else went wrong.
    assert [text for text in console if "ERR_INTERNET_DISCONNECTED" not in text] == []


def test_heartbeats_refused_by_a_failing_server_are_sent_by_the_next_page(page, live_server, course, trainee):
    console = errors_of(page)
    failing = {"on": True}

    def server_trouble(route):
        if failing["on"]:
            route.fulfill(status=503, content_type="application/json", body="{}")
        else:
            route.continue_()

    page.route("**/api/v1/sessions/*/heartbeats", server_trouble)
    sign_in(page, trainee)
    start_playing(page, course["lesson_id"])
    page.wait_for_function(f"() => ({QUEUED})() >= 2 && document.querySelector('video').currentTime > 3")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('video').paused")
    played = page.locator("#lesson-video").evaluate(PLAYED_SECONDS)
    expect(page.locator("#player-status")).to_contain_text(HELD_BACK)

    page.goto("/")  # the page goes while the server still fails: its heartbeats stay in the browser
    assert len(stored_queue(page, trainee["id"])) >= 2

    failing["on"] = False
    page.goto(f"/lessons/{course['lesson_id']}")
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    assert stored_queue(page, trainee["id"]) == []
    # Sent before the new session opened, they were credited to the session they belong to. The
    # one the leaving page sent may have arrived (its answer did not): its resend is a repeat.
    assert_credited_once(live_server.app, trainee["id"], played, allowed_events={"repeated_seq"})
    with live_server.app.app_context():
        first = db.session.scalar(select(WatchSession).order_by(WatchSession.opened_at))
        assert first.played_seconds == pytest.approx(played, abs=0.25)
    assert page.locator("#player-coverage").evaluate("bar => bar.value") == pytest.approx(played, abs=0.25)
    assert [text for text in console if "503" not in text] == []


def test_a_lost_cookie_changes_nothing_but_signing_out_stops_the_page(page, live_server, course, trainee):
    """Heartbeats carry the watch session's token, not the login: the cookie gone by itself
    changes nothing, while signing out (here in another tab) ends the trainee's sessions."""
    console = errors_of(page)
    sign_in(page, trainee)
    start_playing(page, course["lesson_id"])
    page.context.clear_cookies()
    with page.expect_response(lambda response: "/heartbeats" in response.url) as answer:
        pass
    assert answer.value.status == 200

    other = page.context.new_page()
    sign_in(other, trainee)
    other.get_by_role("button", name="退出").click()
    expect(page.get_by_role("alert")).to_contain_text("本窗口已停止计时")
    expect(page.locator("#player")).to_have_attribute("data-state", "stopped")
    assert [text for text in console if "409" not in text] == []


def test_a_heartbeat_whose_watch_token_is_refused_does_not_block_the_next_session(page, live_server, course,
                                                                                   trainee):
    """A heartbeat left by an earlier page whose token the server no longer accepts (written
    before an upgrade, or signed with an old secret) is given up, with its session's others;
    the new session's heartbeats behind it are credited."""
    console = errors_of(page)
    sign_in(page, trainee)
    stale = [{"session": "0" * 32, "seq": 1, "url": f"/api/v1/sessions/{'0' * 32}/heartbeats",
              "body": {"seq": 1, "segments": [[0, 1]], "position": 1, "rate": 1}, "token": "from.an.old.page"}]
    page.evaluate(f"() => localStorage.setItem('zhixin.player.{trainee['id']}.queue', {json.dumps(json.dumps(stale))})")
    start_playing(page, course["lesson_id"])
    page.wait_for_function("() => document.querySelector('video').ended", timeout=20_000)
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    assert [text for text in console if "401" not in text] == []
