"""The course test's pages on a desktop (1366 px) and a phone (390 px): the studio's 测验
section, the review screen's bank and the trainee's paper. Nothing scrolls sideways; the right
answers in the studio and review are marked so that one sees them (green and ticked, not only
bold); on the paper the timer and "x / y answered" stay on the screen at the paper's end.
"""
import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.extensions import db
from courses.models import Course
from tests.e2e.conftest import ARTIFACTS, checked_page, sign_in
from tests.e2e.test_exam_producer_journey import live_overrides, make_world  # noqa: F401  (a fixture)
from tests.learning.exam_world import add_bank, complete_lessons

pytestmark = pytest.mark.e2e

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Seven questions a paper (3 单选, 2 多选, 2 判断: the whole bank), so that the paper is long.
PAPER = {"draw": {"single": 3, "multiple": 2, "judge": 2}, "points": {"single": 20, "multiple": 10, "judge": 10}}
# What sticks out of the page sideways: the document's width, and elements past the screen's
# right edge that are not inside a box that scrolls on its own (.table-wrap).
OVERFLOW = """width => ({
  viewport: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
  off: [...document.querySelectorAll('main *')]
    .filter(el => el.getClientRects().length > 0 && !el.closest('.table-wrap, .visually-hidden'))
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => el.outerHTML.slice(0, 100)),
})"""
# How the first question's right option and a wrong one look.
MARKS = """list => {
  const look = el => { const s = getComputedStyle(el); return [s.color, s.backgroundColor, s.fontWeight]; };
  const options = [...list.querySelector('.question-options').children];
  const right = options.find(li => li.querySelector('.right-answer'));
  const wrong = options.find(li => !li.querySelector('.right-answer'));
  return {right: look(right.querySelector('.right-answer')).concat(look(right).slice(1, 2)),
          wrong: look(wrong).concat(look(wrong).slice(1, 2))};
}"""
IN_VIEW = """ids => ids.map(id => { const r = document.getElementById(id).getBoundingClientRect();
                                  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; })"""


@pytest.fixture
def bank_world(live_server, lecture_clip) -> dict:
    """The journey's world, its course with tests/learning/exam_world.py's bank of seven, all drawn."""
    world = make_world(live_server.app, lecture_clip)
    with live_server.app.app_context():
        add_bank(db.session.get(Course, world["course"]), **PAPER)
    return world


def set_status(live_server, course_id: int, status: str) -> None:
    with live_server.app.app_context():
        db.session.get(Course, course_id).status = status
        db.session.commit()


def fits(page, width: int) -> None:
    seen = page.evaluate(OVERFLOW, width)
    assert seen["scrollWidth"] <= width and seen["viewport"] == width, seen
    assert seen["off"] == [], seen["off"]


def answers_are_marked(page) -> None:
    bank = page.locator(".question-bank")
    expect(bank.locator(".right-answer").first).to_be_visible()
    marks = page.evaluate(MARKS, bank.element_handle())
    assert marks["right"][0] != marks["wrong"][0], marks  # another colour
    assert marks["right"][3] != marks["wrong"][3], marks  # its line has a background


def screen(browser, live_server, request, screenshot, size: str):
    phone = size == "phone"
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", viewport=SCREENS[size],
                                  is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1)
    return checked_page(context, request, screenshot)


@pytest.mark.parametrize("size", SCREENS)
def test_studio_and_review_show_the_bank_within_the_screen(browser, live_server, bank_world, request, screenshot,
                                                           size):
    width = SCREENS[size]["width"]
    with screen(browser, live_server, request, screenshot, size) as page:
        sign_in(page, bank_world["producer"])
        page.goto(f"/studio/courses/{bank_world['course']}")
        expect(page.get_by_role("heading", name="题库（7 道）")).to_be_visible()
        page.locator("#exam summary", has_text="测验设置").click()
        page.locator("#exam .question-bank > li").first.locator("summary", has_text="修改题目").click()
        fits(page, width)
        answers_are_marked(page)
        screenshot(page, f"studio-{size}")
        page.get_by_role("button", name="退出").click()

        set_status(live_server, bank_world["course"], "submitted")
        sign_in(page, bank_world["reviewer"])
        page.goto(f"/review/courses/{bank_world['course']}")
        expect(page.locator("#exam .question-bank > li")).to_have_count(7)
        fits(page, width)
        answers_are_marked(page)
        screenshot(page, f"review-{size}")


@pytest.mark.parametrize("size", SCREENS)
def test_the_paper_keeps_its_timer_in_view(browser, live_server, bank_world, request, screenshot, size):
    width = SCREENS[size]["width"]
    set_status(live_server, bank_world["course"], "published")
    with live_server.app.app_context():
        complete_lessons(db.session.get(User, bank_world["trainee"]["id"]),
                         db.session.get(Course, bank_world["course"]))
    with screen(browser, live_server, request, screenshot, size) as page:
        sign_in(page, bank_world["trainee"])
        page.goto(f"/courses/{bank_world['course']}/exam")
        page.get_by_role("button", name="开始测验").click()
        expect(page.locator("fieldset.exam-question")).to_have_count(7)
        page.locator("fieldset.exam-question input").first.check()
        expect(page.locator("#exam-status")).to_have_text("答案已保存")
        fits(page, width)
        screenshot(page, f"paper-{size}")
        page.get_by_role("button", name="交卷").scroll_into_view_if_needed()
        assert page.evaluate("window.scrollY") > 0 or size == "desktop"
        assert page.evaluate(IN_VIEW, ["exam-timer", "exam-answered"]) == [True, True]
        # What the screen shows at the paper's end (a full-page picture would not show the bar stuck).
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"test_the_paper_keeps_its_timer_in_view-{size}--paper-end-screen.png"))
