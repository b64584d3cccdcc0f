"""Journey 1 of issue 7, in one go: a newcomer finds a course, registers (a wrong ID number first),
watches lesson 1 to its end, signs out and in again, picks lesson 2 up where it was left, completes
the course, sees the 学时 on 我的学习, and takes the certificate PDF whose QR code opens the
verification page.

The seeded course is two 6-second lectures worth 2.0 学时 with 0.1 minutes to the 学时 (see
test_watch_journey.py); heartbeats come every 2 seconds so that a short clip sends several.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_id_number
from tests.e2e.conftest import errors_of
from tests.e2e.test_first_journey import fill_registration, wrong_check_digit
from tests.e2e.test_player_controls import current_time, pause_and_sync, press_space_outside_controls
from tests.e2e.test_watch_journey import download_pdf, issue_course_certificate, watch_to_the_end
from tests.learning.test_certificates_pdf import qr_codes

pytestmark = pytest.mark.e2e

NAME, PHONE, PASSWORD = "王小明", "13912345678", "study-hard-2026"  # as fill_registration types them


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2, "CREDIT_MINUTES_PER_HOUR": 0.1}


def find_the_course(page, title: str, screenshot) -> None:
    """Home → the 数字技术 area → the course's page."""
    page.goto("/")
    expect(page.get_by_role("heading", name="专业技术人员公需科目在线学习")).to_be_visible()
    screenshot(page, "home")
    page.locator(".category-grid").get_by_role("link", name=re.compile("^数字技术")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("数字技术")
    expect(page.get_by_text("共 1 门课程")).to_be_visible()
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".credit-hours")).to_have_text("2.0")


def register_on_the_way(page, screenshot) -> str:
    """开始学习 asks a stranger to sign in; they register instead. Returns the ID number they typed."""
    page.get_by_role("link", name="开始学习").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_role("link", name="免费注册").click()
    id_number = make_id_number("330106")
    fill_registration(page, wrong_check_digit(id_number))
    expect(page.get_by_text("身份证号校验位不正确，请核对后重新输入。")).to_be_visible()
    screenshot(page, "wrong-check-digit")
    fill_registration(page, id_number)
    expect(page.get_by_text(f"注册成功，欢迎您，{NAME}。")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name=NAME)).to_be_visible()
    return id_number


def sign_out_and_in(page) -> None:
    page.get_by_role("banner").get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="登录")).to_be_visible()
    page.get_by_role("banner").get_by_role("link", name="登录").click()
    page.get_by_label("身份证号或手机号").fill(PHONE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(f"登录成功，欢迎您，{NAME}。")).to_be_visible()


def course_in_progress(page, title: str):
    """我的学习's line for a course begun and not finished."""
    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的学习")
    return page.locator(".progress-list li").filter(has_text=title)


def test_a_newcomer_from_the_home_page_to_a_verified_certificate(page, live_server, seeded_course,
                                                                 screenshot, tmp_path):
    console = errors_of(page)
    title, (first, second) = seeded_course["title"], seeded_course["lesson_ids"]
    find_the_course(page, title, screenshot)
    screenshot(page, "course")
    id_number = register_on_the_way(page, screenshot)

    # Registration brought the newcomer back to where 开始学习 pointed: lesson 1.
    expect(page).to_have_url(re.compile(rf"/lessons/{first}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded_course["first_lesson"])
    expect(page.locator("#player-course")).to_have_text("本课程 2.0 学时，学完全部讲次后记入")
    watch_to_the_end(page)
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    assert page.locator("#player-coverage").evaluate("bar => bar.value / bar.max") >= 0.95
    screenshot(page, "lesson-1-done")

    # Part of lesson 2, paused (the pause's heartbeat answered).
    page.get_by_role("link", name="下一讲：平台经济的规则").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("平台经济的规则")
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    press_space_outside_controls(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1.5")
    pause_and_sync(page)
    stopped_at = current_time(page)

    row = course_in_progress(page, title)
    expect(row).to_contain_text("已完成 1 / 2 讲")
    ratio = row.locator("progress").evaluate("bar => bar.value / bar.max")
    assert ratio == pytest.approx((6 + stopped_at) / 12, abs=0.04)  # lesson 1 and part of lesson 2
    screenshot(page, "my-learning-in-progress")

    sign_out_and_in(page)
    row = course_in_progress(page, title)
    row.get_by_role("link", name=title).click()
    page.get_by_role("link", name="平台经济的规则").click()
    expect(page).to_have_url(re.compile(rf"/lessons/{second}$"))
    expect(page.locator("#player-status")).to_contain_text("已从上次观看的位置")
    assert current_time(page) == pytest.approx(stopped_at, abs=0.05)
    # The time as the browser's own controls show it: whole seconds, rounded down.
    status = page.locator("#player-status").inner_text()
    assert any(f"已从上次观看的位置 0:{int(t):02d}" in status for t in (stopped_at - 0.05, stopped_at + 0.05)), status
    assert page.locator("#player-coverage").evaluate("bar => bar.value") == pytest.approx(stopped_at, abs=0.4)
    screenshot(page, "lesson-2-resumed")

    watch_to_the_end(page)
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    expect(page.locator("#player-course")).to_have_text("课程已完成，已获 2.0 学时")
    screenshot(page, "course-complete")

    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("2.0")
    expect(page.locator(".progress-list li")).to_have_count(0)  # nothing left in progress
    credit = page.locator(".credit-table tbody tr")
    expect(credit).to_have_count(1)
    expect(credit).to_contain_text(title)
    expect(credit.locator(".hours")).to_have_text("2.0")
    screenshot(page, "my-learning-credited")

    page.get_by_role("link", name="学时证明", exact=True).click()
    row, number = issue_course_certificate(page, title)
    screenshot(page, "certificate-issued")
    [scanned] = qr_codes(download_pdf(page, row), tmp_path)
    assert scanned == live_server.url(f"/verify/{number}")

    page.goto(scanned)  # as a phone's camera would open it
    main = page.get_by_role("main")
    expect(main.locator(".verify-status")).to_have_text(re.compile(r"^\s*有效："))
    masked = id_number[:6] + "*" * 8 + id_number[-4:]
    expect(main.locator("dt:text-is('持证人') + dd")).to_have_text(f"王*明（{masked}）")
    expect(main.locator("dt:text-is('学时') + dd")).to_have_text("2.0")
    expect(main).not_to_contain_text(NAME)
    expect(main).not_to_contain_text(id_number)
    screenshot(page, "verified")
    assert console == []
