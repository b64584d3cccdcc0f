"""The world `make run` seeds: a demo trainee logs in, a demo lesson plays to its end, and
finishing one short course brings the year to the requirement and its 达标 certificate."""
import re

import pytest
from playwright.sync_api import expect

from demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import click_to_play

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_overrides() -> dict:
    # The seed's clips last 2 seconds (--quick): 6 seconds to the 学时 make each worth 0.3,
    # so the demo's year of study is what it is with real lectures. The player reports every 2 s.
    return {"CREDIT_MINUTES_PER_HOUR": 0.1, "HEARTBEAT_SECONDS": 2}


def sign_in_as_the_demo_trainee(page) -> None:
    trainee = next(a for a in DEMO_ACCOUNTS if a.role == "trainee")
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(trainee.phone)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(f"登录成功，欢迎您，{trainee.real_name}。")).to_be_visible()


def test_demo_trainee_logs_in_and_plays_a_demo_lesson(page, demo_world, screenshot):
    sign_in_as_the_demo_trainee(page)
    page.goto("/")
    page.get_by_role("link", name="数字技术").click()
    page.locator(".course-card h3 a").first.click()
    page.get_by_role("link", name="开始学习").click()

    click_to_play(page)
    # A 2-second clip; the time allowed is for a machine under load, not for the clip.
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return v.ended && v.currentTime > 1.5; }", timeout=60_000)
    assert page.locator("video").evaluate("v => !v.error && v.videoWidth > 0")
    screenshot(page, "demo-lesson-ended")


def test_one_short_course_brings_the_demo_trainee_to_the_requirement(page, demo_world, screenshot):
    closer = re.search(r"学完《(.+?)》", demo_world).group(1)
    sign_in_as_the_demo_trainee(page)
    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("29.7")
    expect(page.locator(".year-total")).to_contain_text("还需 0.3 学时")
    expect(page.locator(".year-filter a")).to_have_count(2)  # last year is on record too
    screenshot(page, "demo-year-short")

    page.goto("/search?q=" + closer)
    page.get_by_role("link", name=closer).first.click()
    page.get_by_role("link", name="开始学习").click()
    click_to_play(page)
    expect(page.locator("#player-course")).to_contain_text("课程已完成", timeout=60_000)

    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("30.0")
    expect(page.locator(".year-total .badge")).to_have_text("已达标")
    page.get_by_role("link", name="学时证明", exact=True).click()
    year_row = page.locator(".certificate-table tbody tr").filter(has_text=re.compile(r"\d{4} 年度学时证明")).first
    expect(year_row.locator(".badge")).to_have_text("达标")
    expect(year_row.locator(".hours")).to_have_text("30.0")
    screenshot(page, "demo-year-met")
