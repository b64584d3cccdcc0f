"""One trainee, one browser, two tabs playing two lessons: only the tab that opened its lesson
last counts, and the trainee is never credited more playback than the time that passed.

Tab 1 plays lesson 1 of a course; tab 2 then plays lesson 2 of the same course, and tab 1
says it has stopped; then tab 1 plays a lesson of another course, and tab 2 says so in turn.
The lessons are 20-second lectures played in real time at 1×, a heartbeat every second, so
that each tab sends several while the other one would still be playing.
"""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course, Lesson
from learning.models import IntegrityEvent, LessonProgress, WatchSession
from tests.conftest import make_id_number
from tests.e2e.conftest import PLAYED_SECONDS, click_to_play, errors_of, ready_video, render_lecture, sign_in

pytestmark = pytest.mark.e2e

ELSEWHERE = "您已在其他窗口或设备上播放课程，本窗口已停止计时"
COVERED = "() => document.getElementById('player-coverage').value"


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 1}


@pytest.fixture(scope="module")
def twenty_second_clip(tmp_path_factory):
    return render_lecture(tmp_path_factory, "数字经济概论", "数据要素与数字化转型", seconds=20, fps=5)


@pytest.fixture
def lessons(live_server, twenty_second_clip) -> dict:
    """Two published courses on the 20-second clip: 数字经济概论 (lessons "a1", "a2") and
    网络安全基础 (lesson "b1"); the lesson ids by those names."""
    with live_server.app.app_context():
        producer = User(role="producer", real_name="李华", id_number=make_id_number(), phone="13700000041",
                        organisation="知新制作中心", region_code="110105", password_hash="!")
        categories = ensure_categories()
        made = {}
        for title, category, names in (("数字经济概论", "digital", ("a1", "a2")),
                                       ("网络安全基础", "cybersecurity", ("b1",))):
            course = Course(title=title, summary="公需科目。", instructor="李老师", category=categories[category],
                            producer=producer, status="published", catalogue_year=2026, credit_tenths=1)
            for position, name in enumerate(names, start=1):
                lesson = Lesson(position=position, title=f"第{position}讲", video=ready_video(producer,
                                                                                          twenty_second_clip))
                course.lessons.append(lesson)
                made[name] = lesson
            db.session.add(course)
        db.session.commit()
        return {name: lesson.id for name, lesson in made.items()}


def covered(app, user_id: int) -> dict[int, float]:
    """The server's covered seconds of each lesson the trainee has progress on."""
    with app.app_context():
        rows = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user_id)).all()
        return {row.lesson_id: row.covered_seconds for row in rows}


def play_for(page, seconds: float) -> None:
    """Let the page's video play on until it has reached ``seconds``."""
    page.wait_for_function(f"() => document.querySelector('video').currentTime > {seconds}", timeout=30_000)


def assert_stopped_here(page) -> None:
    """What the trainee sees in a tab that no longer counts: the message, and a paused video."""
    expect(page.get_by_role("alert").filter(has_text=ELSEWHERE)).to_be_visible()
    expect(page.get_by_role("button", name="在本窗口继续学习")).to_be_visible()
    expect(page.locator("#player")).to_have_attribute("data-state", "stopped")
    assert page.locator("#lesson-video").evaluate("v => v.paused")


def try_to_play(page) -> None:
    """The trainee clicks the stopped tab's video to play it on (see :func:`still_stopped`)."""
    video = page.locator("#lesson-video")
    video.evaluate("v => { v.dataset.tries = 0; v.addEventListener('play', () => v.dataset.tries++); }")
    video.click()
    page.wait_for_function("() => document.querySelector('video').dataset.tries > 0")


def still_stopped(page, heartbeats: list[str]) -> None:
    """The tab the trainee tried to play on has stayed paused, says why, and has sent nothing."""
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    expect(page.get_by_role("alert").filter(has_text=ELSEWHERE)).to_be_visible()
    assert heartbeats == []


def heartbeats_of(page) -> list[str]:
    """The heartbeat requests ``page`` sends from now on."""
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/heartbeats" in request.url else None)
    return sent


def stopped_keeping_its_seconds(tab, app, user_id: int, lesson_id: int, at_least: float) -> float:
    """``tab`` says it was stopped; the server kept what it played there (at least ``at_least``
    seconds, no more than its video played) and the tab shows that figure. Returns it."""
    assert_stopped_here(tab)
    seconds = covered(app, user_id)[lesson_id]
    assert at_least <= seconds <= tab.locator("#lesson-video").evaluate(PLAYED_SECONDS) + 0.25
    assert tab.evaluate(COVERED) == pytest.approx(seconds, abs=0.25)
    return seconds


def test_two_tabs_never_count_at_once(page, live_server, lessons, trainee, screenshot):
    app, user_id = live_server.app, trainee["id"]
    first_console = errors_of(page)
    sign_in(page, trainee)
    page.goto(f"/lessons/{lessons['a1']}")
    click_to_play(page)
    play_for(page, 3)

    # Tab 2 opens lesson 2 of the same course while tab 1 plays on.
    second = page.context.new_page()
    second_console = errors_of(second)
    second.goto(f"/lessons/{lessons['a2']}")
    click_to_play(second)

    a1 = stopped_keeping_its_seconds(page, app, user_id, lessons["a1"], at_least=1)
    screenshot(page, "tab-1-stopped")
    first_beats = heartbeats_of(page)
    try_to_play(page)

    play_for(second, 12)  # many heartbeats of tab 2; tab 1 would have played as long
    expect(second.locator("#player")).to_have_attribute("data-state", "active")
    expect(second.get_by_role("alert")).to_be_hidden()
    assert covered(app, user_id)[lessons["a1"]] == a1  # tab 1 counts no more
    assert covered(app, user_id)[lessons["a2"]] >= 8  # tab 2 does
    still_stopped(page, first_beats)
    screenshot(second, "tab-2-counting")

    # Tab 1 takes a lesson of another course: now tab 2 stops.
    page.bring_to_front()
    page.goto(f"/lessons/{lessons['b1']}")
    click_to_play(page)
    a2 = stopped_keeping_its_seconds(second, app, user_id, lessons["a2"], at_least=8)
    second_beats = heartbeats_of(second)
    try_to_play(second)

    play_for(page, 8)
    with page.expect_response(lambda response: "/heartbeats" in response.url and response.ok):
        page.locator("#lesson-video").click()  # pause: the heartbeat it sends is answered
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    b1_played = page.locator("#lesson-video").evaluate(PLAYED_SECONDS)
    screenshot(page, "tab-1-counting-again")

    end = utcnow()
    with app.app_context():
        first_opened = min(db.session.scalars(select(WatchSession.opened_at).where(
            WatchSession.user_id == user_id)).all())
        events = set(db.session.scalars(select(IntegrityEvent.kind).where(IntegrityEvent.user_id == user_id)))
    final = covered(app, user_id)
    assert final[lessons["a1"]] == a1 and final[lessons["a2"]] == a2
    assert final[lessons["b1"]] == pytest.approx(b1_played, abs=0.25)
    assert page.evaluate(COVERED) == pytest.approx(final[lessons["b1"]], abs=0.25)
    still_stopped(second, second_beats)
    # Never more than the time that passed since the trainee's first session opened.
    budget = (end - first_opened).total_seconds() * app.config["MAX_PLAYBACK_RATE"] \
        + app.config["HEARTBEAT_SLACK_SECONDS"]
    assert sum(final.values()) <= budget
    # The stopped tabs' last heartbeats were refused (409). The tabs share one queue of heartbeats
    # (localStorage), and a tab sends from its head as it opens, so one may be sent twice (a
    # repeat, answered and not counted); an honest player trips nothing else.
    assert events <= {"closed_session", "repeated_seq"}
    assert [text for text in first_console + second_console if "409" not in text] == []
