"""我的学习 per subject type in a real browser, on a desktop (1280 px) and a phone (390 px): a
Guangzhou trainee under Guangdong's rules sees 公需, 专业 and 选修 each against its requirement,
with its window, and which are still short; nothing scrolls sideways. And the player says why
nothing is credited once the trainee's region has locked the year."""
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from core.policy.examples import EXAMPLES, HENAN
from core.policy.models import RuleSetVersion
from courses.categories import ensure_categories
from courses.models import Course
from learning.models import CreditRecord, LessonProgress
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import checked_page, click_to_play, sign_in

pytestmark = pytest.mark.e2e

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# The document's width, and elements past the screen's right edge not inside a box that scrolls on its own.
OVERFLOW = """width => ({
  viewport: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
  off: [...document.querySelectorAll('main *')]
    .filter(el => el.getClientRects().length > 0 && !el.closest('.table-wrap, .visually-hidden'))
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => el.outerHTML.slice(0, 100)),
})"""
# Henan's rules with the lock moved to 2 January, for the Hangzhou trainee of tests/e2e/conftest.py:
# whenever the test runs, this year is locked.
LOCKED_EARLY = {**HENAN, "prefix": "33", "name": "浙江（测试：1月2日锁定）", "lock": "01-02"}
CREDITS = (("公需科目的一门课", "gongxu", 300), ("一门长标题的专业科目课程：数字化转型中的专业实践", "zhuanye", 215),
           ("选修课", "xuanxiu", 40))


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2}


def store(*sets) -> None:
    for data in sets:
        rules = {key: value for key, value in data.items() if key not in ("prefix", "effective_from")}
        db.session.add(RuleSetVersion(prefix=data["prefix"], rules=rules,
                                      effective_from=date.fromisoformat(data["effective_from"])))
    db.session.commit()


@pytest.fixture
def guangzhou_trainee(live_server) -> dict:
    """The seeded rule sets, and a Guangzhou trainee with 公需 met and 专业, 选修 short in 2026."""
    with live_server.app.app_context():
        store(*EXAMPLES)
        producer = User(role="producer", real_name="李华", id_number=make_id_number(), phone="13700000001",
                        employer="知新制作中心", organisation="知新制作中心", region_code="110105", password_hash="!")
        trainee = User(role="trainee", real_name="陈广州", id_number=make_id_number("440106"), phone="13900000031",
                       employer="广州市第一人民医院", region_code="440106", password_hash=_FAST_HASH)
        db.session.add_all([producer, trainee])
        at = datetime(2026, 6, 1, 4, tzinfo=UTC)
        for title, kind, tenths in CREDITS:
            course = Course(title=title, summary="简介", instructor="李老师", category=ensure_categories()["digital"],
                            producer=producer, organisation="知新制作中心", status="published",
                            catalogue_year=2026, subject_type=kind, credit_tenths=tenths)
            db.session.add(course)
            db.session.flush()
            db.session.add(CreditRecord(user_id=trainee.id, course_id=course.id, year=2026, hours_tenths=tenths,
                                        subject_type=kind, rule_prefix="44", awarded_at=at, updated_at=at))
        db.session.commit()
        return {"id": trainee.id, "phone": trainee.phone, "name": trainee.real_name}


@pytest.mark.parametrize("size", SCREENS)
def test_my_learning_shows_each_type_within_the_screen(browser, live_server, guangzhou_trainee, request,
                                                       screenshot, size):
    phone = size == "phone"
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", viewport=SCREENS[size],
                                  is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1)
    with checked_page(context, request, screenshot) as page:
        sign_in(page, guangzhou_trainee)
        page.goto("/me/learning?year=2026")
        rows = page.locator(".type-progress > li")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("公需科目")
        expect(rows.nth(0)).to_contain_text("30.0 / 30.0 学时")
        expect(rows.nth(0)).to_contain_text("2026-01-01 至 2027-04-30")
        expect(rows.nth(1)).to_contain_text("还差 20.5 学时")
        expect(rows.nth(2)).to_contain_text("还差 14.0 学时")
        expect(page.locator(".short-types")).to_have_text("尚未达标的科目：专业科目、选修科目")
        expect(page.locator(".credited-total")).to_have_text("55.5")
        for row in range(3):
            expect(rows.nth(row)).to_be_visible()
        seen = page.evaluate(OVERFLOW, SCREENS[size]["width"])
        assert seen["scrollWidth"] <= SCREENS[size]["width"] and seen["viewport"] == SCREENS[size]["width"], seen
        assert seen["off"] == [], seen["off"]
        if phone:  # one type a row, full width, on a phone
            boxes = [rows.nth(i).bounding_box() for i in range(3)]
            assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        screenshot(page, f"record-by-type-{size}")


def test_after_the_lock_date_the_player_says_why_nothing_is_credited(page, live_server, seeded_course, trainee):
    with live_server.app.app_context():
        store(LOCKED_EARLY)
    sign_in(page, trainee)
    page.goto(f"/lessons/{seeded_course['lesson_ids'][0]}")
    click_to_play(page)
    expect(page.locator("#player-status")).to_have_text("本地区本年度学时记录已关闭，现在学习不再计入学时。",
                                                        timeout=20_000)
    expect(page.locator("#player")).to_have_attribute("data-closed", "year_locked")
    with live_server.app.app_context():
        assert db.session.scalars(select(LessonProgress)).all() == []  # nothing was credited
