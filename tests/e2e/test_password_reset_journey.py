"""Journey (issue 20, point 4): 忘记密码 by e-mail, end to end.

王学习 is signed in on a second device. On the first she opens 登录 → 忘记密码, types her phone
number, and reads the mail a real SMTP server (aiosmtpd) received; its link opens 设置新密码,
where she sets a new password and lands on 登录. The second device's session has ended; the
new password signs her in, the old one does not. The link, opened again, is refused; and a
fresh link whose time has passed is refused too. Then a unit administrator resets a staff
member's password to a one-time password shown once; and the profile's contact forms.
The changed pages are photographed at 1366 and 390 px (artifacts/e2e/).
"""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from recovery.models import PasswordReset
from tests.conftest import _FAST_HASH, PASSWORD, make_id_number
from tests.e2e.conftest import add_trainee, checked_page, sign_in
from tests.notices.test_mail import smtp  # noqa: F401 (the fixture: a real SMTP server)
from units.models import Unit, UnitLink

pytestmark = pytest.mark.e2e
NEW = "my-own-password-7"
LINK = re.compile(r"http://127\.0\.0\.1:\d+(/password/reset/\S+)")
WIDTHS = (1366, 390)


@pytest.fixture
def live_overrides(smtp):  # noqa: F811
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "MAIL_FROM": "知新 <noreply@learn.example.cn>"}


@pytest.fixture
def person(live_server) -> dict:
    found = add_trainee(live_server.app)
    with live_server.app.app_context():
        db.session.execute(update(User).where(User.id == found["id"]).values(email="wang@example.com"))
        db.session.commit()
    return found


def shoot(page, screenshot, name: str) -> None:
    """The page at each width, as artifacts/e2e/<test>--<name>-<width>.png."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def mailed_link(smtp) -> str:  # noqa: F811
    return LINK.search(smtp.messages()[-1].get_content()).group(1)


def test_forgot_password_by_mail_from_login_to_a_new_password(
        page, browser, live_server, person, smtp, screenshot, request):  # noqa: F811
    other = browser.new_context(base_url=live_server.base_url, locale="zh-CN")
    with checked_page(other, request, screenshot) as elsewhere:
        sign_in(elsewhere, person)
        page.goto("/login")
        page.get_by_role("link", name="忘记密码？").click()
        expect(page.get_by_role("heading", name="忘记密码")).to_be_visible()
        expect(page.locator("#ask-unit")).to_contain_text("单位管理员")
        shoot(page, screenshot, "forgot")
        page.get_by_label("身份证号或手机号").fill(person["phone"])
        page.get_by_role("button", name="发送重置链接").click()
        expect(page.locator("#reset-sent")).to_contain_text("重置密码的链接已发送")
        shoot(page, screenshot, "forgot-sent")
        link = mailed_link(smtp)
        page.goto(link)
        expect(page.get_by_role("heading", name="设置新密码")).to_be_visible()
        shoot(page, screenshot, "reset")
        page.get_by_label("新密码", exact=True).fill(NEW)
        page.get_by_label("确认新密码").fill(NEW)
        page.get_by_role("button", name="设置新密码").click()
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.get_by_text("密码已重置，请用新密码登录")).to_be_visible()
        elsewhere.goto("/me")
        expect(elsewhere).to_have_url(re.compile(r"/login"))  # the other device was signed out
    page.get_by_label("身份证号或手机号").fill(person["phone"])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".form-error")).to_contain_text("身份证号/手机号或密码不正确")
    page.get_by_label("密码").fill(NEW)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("banner").get_by_role("link", name=person["name"])).to_be_visible()
    page.goto(link)
    expect(page.locator("#link-refused")).to_have_text("该链接已使用过，请重新申请找回密码。")
    shoot(page, screenshot, "reset-used")


def test_a_link_whose_time_has_passed_is_refused(page, live_server, person, smtp):  # noqa: F811
    page.goto("/password/forgot")
    page.get_by_label("身份证号或手机号").fill(person["phone"])
    page.get_by_role("button", name="发送重置链接").click()
    expect(page.locator("#reset-sent")).to_be_visible()
    with live_server.app.app_context():
        db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    page.goto(mailed_link(smtp))
    expect(page.locator("#link-refused")).to_have_text("该链接已过期，请重新申请找回密码。")


def test_a_unit_admin_resets_a_staff_members_password(page, live_server, person, screenshot):
    with live_server.app.app_context():
        unit = Unit(name="杭州市第一人民医院", credit_code="12330100470000001D", region_code="330106")
        db.session.add(unit)
        db.session.flush()
        admin = User(role="unit_admin", real_name="马晓燕", id_number=make_id_number("330106"), phone="13800000006",
                     employer=unit.name, region_code="330106", unit_id=unit.id, password_hash=_FAST_HASH)
        db.session.add_all([admin, UnitLink(user_id=person["id"], unit_id=unit.id, status="confirmed")])
        db.session.commit()
    sign_in(page, {"phone": "13800000006", "name": "马晓燕"})
    page.goto("/unit/")
    page.locator(f'a[data-reset="{person["id"]}"]').click()
    expect(page.get_by_role("heading", name=f"为 {person['name']} 重置密码")).to_be_visible()
    shoot(page, screenshot, "unit-reset-confirm")
    page.get_by_role("button", name="确认重置密码").click()
    password = page.locator("#one-time-password").input_value()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    shoot(page, screenshot, "unit-reset-done")


def test_the_profiles_contact_forms(page, person, screenshot):
    sign_in(page, person)
    page.goto("/me")
    expect(page.get_by_role("heading", name="更换手机号")).to_be_visible()
    shoot(page, screenshot, "profile")
    page.locator("#new-phone").fill("13900000099")
    page.locator("#phone-current").fill("wrong-password")
    page.get_by_role("button", name="更换手机号").click()
    expect(page.get_by_text("当前密码不正确。")).to_be_visible()
    page.locator("#new-phone").fill("13900000099")
    page.locator("#phone-current").fill(PASSWORD)
    page.get_by_role("button", name="更换手机号").click()
    expect(page.get_by_text("手机号已更换，请用新手机号登录。")).to_be_visible()
    page.locator("#title-input").fill("主治医师")
    page.get_by_role("button", name="保存职称").click()
    expect(page.get_by_text("职称已保存。")).to_be_visible()
