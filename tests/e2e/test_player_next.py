"""After a lecture: its tick in 课程目录, "本讲已完成" with the next lecture after a countdown the
trainee can cancel, the course's next step after the last one; and the figure that shows what
is credited and what is still 待确认, so that nothing played looks lost.

The seeded course is two 6-second lectures worth 2.0 学时 (0.1 minutes to the 学时).
"""
import re

import pytest
from playwright.sync_api import expect

from core.db import utcnow
from core.extensions import db
from courses.models import Course
from learning.models import LessonProgress
from tests.e2e.conftest import ARTIFACTS, PLAYED_SECONDS, checked_page, click_to_play, errors_of, sign_in
from tests.e2e.test_watch_journey import watch_to_the_end
from tests.learning.exam_world import add_bank

pytestmark = pytest.mark.e2e

COUNTDOWN = 6  # seconds: long enough to cancel in, short enough to wait for


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2, "CREDIT_MINUTES_PER_HOUR": 0.1, "PLAYER_NEXT_SECONDS": COUNTDOWN}


def entry(page, lesson_id: int):
    return page.locator(f'.lesson-list li[data-lesson-id="{lesson_id}"]')


def as_seen(page, name: str) -> None:
    """A screenshot of the viewport as the device shows it, in artifacts/e2e/. (A full-page
    screenshot re-lays the page out of the phone's emulation: hover and a fine pointer
    come back, and with them the keyboard tip a phone does not show.)"""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"player-next--{name}.png"))


def plays_by_itself(page) -> None:
    """The lecture starts without a click (the page came by auto-advance or 播放下一讲)."""
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    page.wait_for_function("() => { const v = document.querySelector('video'); return v.played.length > 0; }")


def test_a_finished_lecture_is_ticked_and_the_next_one_plays_after_the_countdown(page, seeded_course, trainee):
    console = errors_of(page)
    first, second = seeded_course["lesson_ids"]
    sign_in(page, trainee)
    page.goto(f"/courses/{seeded_course['id']}")
    expect(page.locator(".lesson-list .lesson-tick")).to_have_count(0)
    page.get_by_role("link", name="开始学习").click()
    expect(page.locator(".lesson-list li.done")).to_have_count(0)
    expect(page.locator("#player-next")).to_be_hidden()

    watch_to_the_end(page)
    # Ticked as soon as the server says the lecture is complete, without a reload.
    expect(entry(page, first).locator(".lesson-tick")).to_be_visible()
    expect(entry(page, first)).to_have_class(re.compile(r"\bdone\b"))
    expect(entry(page, second).locator(".lesson-tick")).to_have_count(0)
    prompt = page.locator("#player-next")
    expect(prompt.locator("#player-next-title")).to_have_text("本讲已完成")
    expect(prompt.locator("#player-next-text")).to_have_text("下一讲：平台经济的规则")
    expect(prompt.locator("#player-next-countdown")).to_contain_text("秒后自动播放下一讲")
    expect(prompt.get_by_role("button", name="取消自动播放")).to_be_visible()

    # Nobody cancels: the next lecture opens and plays by itself.
    expect(page).to_have_url(re.compile(rf"/lessons/{second}$"), timeout=(COUNTDOWN + 10) * 1000)
    expect(page.get_by_role("heading", level=1)).to_have_text("平台经济的规则")
    expect(entry(page, first).locator(".lesson-tick")).to_be_visible()  # from the server this time
    plays_by_itself(page)
    page.wait_for_function("() => document.querySelector('video').ended", timeout=60_000)

    # The last lecture: the course is done, and no countdown to anything.
    expect(prompt.locator("#player-next-title")).to_have_text("本讲已完成")
    expect(prompt.locator("#player-next-text")).to_have_text("课程已完成，已获 2.0 学时")
    expect(prompt.locator("#player-next-countdown")).to_be_hidden()
    expect(prompt.get_by_role("button", name="取消自动播放")).to_be_hidden()
    expect(page.locator(".lesson-list .lesson-tick")).to_have_count(2)
    prompt.get_by_role("link", name="返回学习中心").click()
    expect(page).to_have_url(re.compile(r"/me/centre$"))

    page.goto(f"/courses/{seeded_course['id']}")
    expect(page.locator(".lesson-list .lesson-tick")).to_have_count(2)
    assert console == []


def test_the_countdown_can_be_cancelled_and_the_next_lecture_played_later(browser, live_server, request, screenshot,
                                                                         seeded_course, trainee):
    first, second = seeded_course["lesson_ids"]
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                  viewport={"width": 1366, "height": 900})
    with checked_page(context, request, screenshot) as page:
        sign_in(page, trainee)
        page.goto(f"/lessons/{first}")
        expect(page.locator(".keyboard-tip")).to_be_visible()  # a desktop has a keyboard
        watch_to_the_end(page)
        prompt = page.locator("#player-next")
        expect(prompt.locator("#player-next-countdown")).to_contain_text("秒后自动播放下一讲")
        as_seen(page, "countdown-1366")
        prompt.get_by_role("button", name="取消自动播放").click()
        expect(prompt.locator("#player-next-countdown")).to_be_hidden()
        expect(prompt.get_by_role("button", name="取消自动播放")).to_be_hidden()
        expect(prompt.get_by_role("link", name="播放下一讲")).to_be_focused()
        screenshot(page, "lesson-finished-1366")
        page.wait_for_timeout((COUNTDOWN + 1) * 1000)  # longer than the countdown would have run
        expect(page).to_have_url(re.compile(rf"/lessons/{first}$"))

        prompt.get_by_role("link", name="播放下一讲").click()
        expect(page).to_have_url(re.compile(rf"/lessons/{second}$"))
        plays_by_itself(page)


def test_on_a_phone_the_prompt_fits_and_there_is_no_keyboard_tip(browser, live_server, request, screenshot,
                                                                 seeded_course, trainee):
    first = seeded_course["lesson_ids"][0]
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    with checked_page(context, request, screenshot) as page:
        sign_in(page, trainee)
        page.goto(f"/lessons/{first}")
        expect(page.locator(".player-note")).to_be_visible()
        expect(page.locator(".keyboard-tip")).to_be_hidden()
        watch_to_the_end(page)
        prompt = page.locator("#player-next")
        prompt.get_by_role("button", name="取消自动播放").tap()
        expect(prompt.get_by_role("link", name="播放下一讲")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        screenshot(page, "lesson-finished-390")
        prompt.scroll_into_view_if_needed()
        as_seen(page, "lesson-finished-390")


def test_after_the_last_lecture_the_next_step_is_the_test(page, live_server, seeded_course, trainee):
    first, second = seeded_course["lesson_ids"]
    with live_server.app.app_context():
        course = add_bank(db.session.get(Course, seeded_course["id"]))
        lesson = course.lessons[0]
        now, duration = utcnow(), lesson.video.duration_seconds
        db.session.add(LessonProgress(user_id=trainee["id"], lesson_id=first, course_id=course.id,
                                      intervals=[[0.0, duration]], covered_seconds=duration, position=duration,
                                      completed_at=now, updated_at=now))
        db.session.commit()
    sign_in(page, trainee)
    page.goto(f"/lessons/{second}")
    expect(entry(page, first).locator(".lesson-tick")).to_be_visible()
    expect(entry(page, second).locator(".lesson-tick")).to_have_count(0)

    watch_to_the_end(page)
    prompt = page.locator("#player-next")
    expect(prompt.locator("#player-next-title")).to_have_text("本课程各讲已全部学完")
    expect(prompt.locator("#player-next-text")).to_have_text("下一步：参加课后测验，通过后记入 2.0 学时")
    expect(prompt.locator("#player-next-countdown")).to_be_hidden()
    prompt.get_by_role("link", name="参加测验").click()
    expect(page).to_have_url(re.compile(rf"/courses/{seeded_course['id']}/exam$"))


@pytest.mark.parametrize("live_overrides", [{"HEARTBEAT_SECONDS": 1, "CREDIT_MINUTES_PER_HOUR": 0.1}])
def test_seconds_played_but_not_yet_confirmed_show_as_pending_not_lost(page, live_server, seeded_course, trainee,
                                                                        screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    page.goto(f"/lessons/{seeded_course['lesson_ids'][0]}")
    click_to_play(page)
    page.wait_for_function("""() => { const v = document.querySelector('video');
        return v.currentTime > 1 && v.buffered.length === 1 && v.buffered.end(0) >= v.duration - 0.05; }""")

    # Offline: heartbeats wait in the page; what they carry is 待确认, not lost.
    page.context.set_offline(True)
    page.wait_for_function("() => document.querySelector('video').currentTime > 4")
    page.locator("#lesson-video").evaluate("v => v.pause()")
    expect(page.locator("#player")).not_to_have_attribute("data-queued", "0")
    pending = page.locator("#player-pending")
    expect(pending).to_have_text(re.compile(r"^待确认 0:0[1-5]$"))
    expect(page.locator("#player-pending-bar")).to_be_visible()
    played = page.locator("#lesson-video").evaluate(PLAYED_SECONDS)
    credited = page.locator("#player-coverage").evaluate("bar => bar.value")
    waiting = float(page.locator("#player").get_attribute("data-pending"))
    assert waiting > 0.5
    assert credited + waiting == pytest.approx(played, abs=0.5)
    screenshot(page, "pending")

    # Back online: the server confirms them, and they move into the credited figure.
    page.context.set_offline(False)
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    expect(pending).to_be_hidden()
    expect(page.locator("#player-pending-bar")).to_be_hidden()
    assert page.locator("#player-coverage").evaluate("bar => bar.value") == pytest.approx(played, abs=0.3)
    assert [text for text in console if "ERR_INTERNET_DISCONNECTED" not in text] == []
