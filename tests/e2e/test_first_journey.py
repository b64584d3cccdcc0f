"""A newcomer's first visit: the catalogue, registration, and a lesson that really plays."""
import pytest
from playwright.sync_api import expect

from tests.conftest import make_id_number
from tests.e2e.conftest import click_to_play

pytestmark = pytest.mark.e2e


def wrong_check_digit(id_number: str) -> str:
    last = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + last


def fill_registration(page, id_number: str) -> None:
    page.get_by_label("真实姓名").fill("王小明")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("工作单位").fill("杭州市第一人民医院")
    page.get_by_label("职称（选填）").fill("主治医师")
    page.get_by_label("密码", exact=True).fill("study-hard-2026")
    page.get_by_label("确认密码").fill("study-hard-2026")
    page.get_by_role("button", name="注册").click()


def test_newcomer_registers_and_watches_a_lesson(page, seeded_course, screenshot):
    page.goto("/")
    for area in ("数字技术", "知识产权", "网络安全", "应急管理"):
        expect(page.get_by_role("link", name=area)).to_be_visible()
    screenshot(page, "home")

    page.get_by_role("banner").get_by_role("link", name="注册").click()
    good_id = make_id_number("330106")
    fill_registration(page, wrong_check_digit(good_id))
    expect(page.get_by_text("身份证号校验位不正确，请核对后重新输入。")).to_be_visible()
    screenshot(page, "wrong-check-digit")

    fill_registration(page, good_id)
    expect(page.get_by_text("注册成功，欢迎您，王小明。")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="王小明")).to_be_visible()
    # A new trainee lands on 我的工作单位 (choosing the unit can wait): back to the courses.
    expect(page.get_by_role("heading", name="我的工作单位")).to_be_visible()
    page.get_by_role("banner").get_by_role("link", name="课程", exact=True).click()

    page.get_by_role("link", name=seeded_course["title"]).first.click()
    expect(page.get_by_role("heading", name=seeded_course["title"])).to_be_visible()
    page.get_by_role("link", name="开始学习").click()
    expect(page.get_by_role("heading", name=seeded_course["first_lesson"])).to_be_visible()

    click_to_play(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 2", timeout=60_000)
    assert page.locator("#lesson-video").evaluate("v => !v.error && v.videoWidth > 0")
    screenshot(page, "lesson-playing")
