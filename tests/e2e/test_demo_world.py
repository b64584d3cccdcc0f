"""The world `make run` seeds: a demo trainee logs in and a demo lesson plays to its end."""
import pytest
from playwright.sync_api import expect

from demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.conftest import click_to_play

pytestmark = pytest.mark.e2e


def test_demo_trainee_logs_in_and_plays_a_demo_lesson(page, demo_world, screenshot):
    trainee = next(a for a in DEMO_ACCOUNTS if a.role == "trainee")
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(trainee.phone)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(f"登录成功，欢迎您，{trainee.real_name}。")).to_be_visible()

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
