"""The player's house rules in a real browser: the seek lock, the rate cap, the space bar,
the captions button, resuming where the trainee stopped, and the "still there?" challenge."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.extensions import db
from courses.media import storage
from courses.models import Course, Lesson
from learning.models import IntegrityEvent, LessonProgress, WatchCheck, WatchSession
from tests.e2e.conftest import PLAYED_SECONDS, errors_of, sign_in

pytestmark = pytest.mark.e2e

FAST_BEATS = {"HEARTBEAT_SECONDS": 2}
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:06.000\n数据要素与数字化转型\n"


@pytest.fixture
def live_overrides():
    return FAST_BEATS


def open_lesson(page, lesson_id: int) -> None:
    page.goto(f"/lessons/{lesson_id}")
    expect(page.locator("#player")).to_have_attribute("data-state", "active")


def press_space_outside_controls(page) -> None:
    page.get_by_role("heading", level=1).click()  # focus leaves every control
    page.keyboard.press("Space")


def pause_and_sync(page) -> None:
    """Pause with the space bar and wait for the heartbeat the pause sends to be answered."""
    with page.expect_response(lambda response: "/heartbeats" in response.url and response.ok):
        press_space_outside_controls(page)
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")


def current_time(page) -> float:
    return page.locator("#lesson-video").evaluate("v => v.currentTime")


def seek(page, seconds: float) -> float:
    """Ask the video to seek; the position once the browser has settled the seek."""
    return page.locator("#lesson-video").evaluate(
        """(v, to) => new Promise(done => {
             let timer;
             const settle = () => { clearTimeout(timer); timer = setTimeout(() => done(v.currentTime), 300); };
             v.addEventListener('seeked', settle);
             v.currentTime = to;
           })""", seconds)


def test_no_seeking_ahead_no_fast_playback(page, live_server, seeded_course, trainee, screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    lesson_id = seeded_course["lesson_ids"][0]
    open_lesson(page, lesson_id)
    video = page.locator("#lesson-video")

    press_space_outside_controls(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1.5")

    assert seek(page, 5.5) < 3.5  # far past anything watched: back to the furthest point
    expect(page.locator("#player-status")).to_have_text("学完本讲之前，只能拖动到已观看过的位置")
    screenshot(page, "seek-refused")
    assert seek(page, 0.2) < 1.5  # back to what was watched is allowed

    video.evaluate("v => { v.playbackRate = 16; }")
    page.wait_for_function("() => document.querySelector('video').playbackRate === 1")
    expect(page.locator("#player-status")).to_have_text("播放速度最高为 1 倍")

    pause_and_sync(page)
    furthest_played = video.evaluate("v => v.played.end(v.played.length - 1)")
    with live_server.app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson_id))
        # Nothing past what was really played was claimed, and nothing was cut by the server.
        assert max(end for _start, end in progress.intervals) <= furthest_played + 0.05
        kinds = db.session.scalars(select(IntegrityEvent.kind)).all()
        assert set(kinds) <= {"rate_above_limit"}
    assert console == []


def test_resumes_where_the_trainee_stopped(page, live_server, seeded_course, trainee):
    sign_in(page, trainee)
    lesson_id = seeded_course["lesson_ids"][0]
    open_lesson(page, lesson_id)
    press_space_outside_controls(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 2.5")
    pause_and_sync(page)
    stopped_at = current_time(page)

    open_lesson(page, lesson_id)
    page.wait_for_function("() => document.querySelector('video').currentTime > 0")
    assert current_time(page) == pytest.approx(stopped_at, abs=0.05)
    expect(page.locator("#player-status")).to_contain_text("已从上次观看的位置 0:0")
    # The coverage bar shows what the server credited before the reload.
    assert page.locator("#player-coverage").evaluate("bar => bar.value") == pytest.approx(stopped_at, abs=0.4)


def test_captions_toggle_from_the_keyboard(page, live_server, seeded_course, trainee, screenshot):
    lesson_id = seeded_course["lesson_ids"][0]
    with live_server.app.app_context():
        video = db.session.get(Lesson, lesson_id).video
        path = storage.resolve(storage.captions_path(video.id))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CAPTIONS, encoding="utf-8")
        video.captions_path = storage.captions_path(video.id)
        db.session.commit()
    sign_in(page, trainee)
    open_lesson(page, lesson_id)
    button = page.get_by_role("button", name="字幕")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "true")

    button.focus()
    page.keyboard.press("Space")  # on a button, space presses the button and leaves the video alone
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.locator("#lesson-video").evaluate("v => [v.textTracks[0].mode, v.paused]") == ["hidden", True]
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.locator("#lesson-video").evaluate("v => v.textTracks[0].mode") == "showing"
    screenshot(page, "captions-on")


def test_a_lesson_without_captions_has_no_captions_button(page, seeded_course, trainee):
    sign_in(page, trainee)
    open_lesson(page, seeded_course["lesson_ids"][0])
    expect(page.get_by_role("button", name="字幕")).to_have_count(0)


@pytest.mark.parametrize("live_overrides", [{**FAST_BEATS, "ATTENTION_CHECK_MINUTES": 0.05}])
def test_the_idle_check_is_a_challenge_that_pauses_until_answered(page, live_server, seeded_course, trainee,
                                                                  screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    open_lesson(page, seeded_course["lesson_ids"][0])
    press_space_outside_controls(page)

    dialog = page.get_by_role("dialog", name="您还在学习吗？请回答后继续")
    expect(dialog).to_be_visible(timeout=10_000)  # the check falls due 3 s after the session opened
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    screenshot(page, "attention")
    paused_at = current_time(page)
    page.get_by_role("button", name="提交答案").click()  # a bare click answers nothing
    expect(dialog).to_contain_text("请先选择答案")
    with live_server.app.app_context():
        right = db.session.scalar(select(WatchCheck).where(WatchCheck.state == "due")).challenge["answer"][0]
    page.locator("#player-check-options label").nth(right).click()
    page.get_by_role("button", name="提交答案").click()
    expect(dialog).to_be_hidden()
    page.wait_for_function(f"() => document.querySelector('video').currentTime > {paused_at + 0.5}")
    with live_server.app.app_context():
        session = db.session.scalar(select(WatchSession))
        assert session.attention_token is None and session.attention_due_at is not None
    assert page.locator("#lesson-video").evaluate(PLAYED_SECONDS) > paused_at
    pause_and_sync(page)
    assert console == []


def test_a_withdrawn_course_stops_the_clock(page, live_server, seeded_course, trainee, screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    open_lesson(page, seeded_course["lesson_ids"][0])
    press_space_outside_controls(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5")
    with live_server.app.app_context():
        db.session.get(Course, seeded_course["id"]).status = "withdrawn"
        db.session.commit()

    expect(page.get_by_role("alert").filter(has_text="该课程已下线，无法继续计时")).to_be_visible()
    expect(page.locator("#player")).to_have_attribute("data-state", "unavailable")
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    expect(page.get_by_role("button", name="在本窗口继续学习")).to_be_hidden()
    screenshot(page, "withdrawn")
    assert [text for text in console if "410" not in text] == []


def test_hiding_the_page_pauses_and_reports(page, live_server, seeded_course, trainee):
    sign_in(page, trainee)
    lesson_id = seeded_course["lesson_ids"][0]
    open_lesson(page, lesson_id)
    press_space_outside_controls(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1")
    # Headless Chromium keeps every page visible (another tab in front, a minimised window), so
    # the page is told what a browser tells it when the trainee switches away.
    with page.expect_response(lambda response: "/heartbeats" in response.url and response.ok):
        page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    expect(page.locator("#player-status")).to_have_text("页面切换到后台，播放已暂停")
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    played = page.locator("#lesson-video").evaluate(PLAYED_SECONDS)
    with live_server.app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson_id))
        assert progress.covered_seconds == pytest.approx(played, abs=0.25)
