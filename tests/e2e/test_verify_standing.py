"""The public verification page of two year certificates, one below the requirement (a 学时记录
（未达标）) and one at it (a 学时证明), as a person opens them from the QR code on a desktop (1366 px)
and a phone (390 px): the standing, the employer, the issuing bureau; nothing sticks out sideways.
Screenshots in artifacts/e2e/ (``…--verify-<not_met|met>-<width>.png``)."""
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course
from learning import certificates, certifying
from learning.models import CreditRecord
from learning.rules import credit_year
from tests.conftest import _FAST_HASH, make_credit_code, make_id_number
from tests.e2e.conftest import checked_page
from units.models import Unit, UnitLink

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 390)


def year_certificate(user: User, course: Course, tenths: int, now: datetime) -> str:
    """The year certificate of ``user`` credited ``tenths`` this year, issued as the trainee asks."""
    year = credit_year(now)
    db.session.add(CreditRecord(user_id=user.id, course_id=course.id, year=year, hours_tenths=tenths,
                                basis="completion", awarded_at=now, updated_at=now))
    db.session.flush()
    cert, _created = certificates.issue(user, ("year", year, None), certifying.requirement(user), now)
    return cert.number


@pytest.fixture
def numbers(live_server) -> dict:
    """``not_met``: 0.5 of 30 学时, the employer as typed; ``met``: 30 学时, a unit that confirmed them."""
    now = datetime.now(UTC)
    with live_server.app.app_context():
        producer = User(role="producer", real_name="周明远", id_number=make_id_number(), phone="13900000051",
                        employer="知新课程制作中心", organisation="知新课程制作中心", region_code="110108",
                        password_hash=_FAST_HASH)
        course = Course(title="数字经济概论", summary="课程简介", instructor="李老师",
                        category=ensure_categories()["digital"], producer=producer, organisation="知新课程制作中心",
                        status="published", catalogue_year=credit_year(now), credit_tenths=5, published_at=now)
        short, done = (User(role="trainee", real_name=name, id_number=make_id_number("330106"), phone=phone,
                            employer=employer, region_code="330106", password_hash=_FAST_HASH)
                       for name, phone, employer in (("王学习", "13900000052", "杭州市第一人民医院"),
                                                     ("李达标", "13900000053", "杭州市西湖区疾控中心")))
        unit = Unit(name="杭州市西湖区疾病预防控制中心", credit_code=make_credit_code("330106"), region_code="330106")
        db.session.add_all([course, short, done, unit])
        db.session.flush()
        db.session.add(UnitLink(user_id=done.id, unit_id=unit.id, status="confirmed"))
        numbers = {"not_met": year_certificate(short, course, 5, now), "met": year_certificate(done, course, 300, now)}
        db.session.commit()
        return numbers


@pytest.mark.parametrize("width", WIDTHS)
def test_the_verify_page_says_whether_the_year_is_met(browser, live_server, numbers, width, request, screenshot):
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                  viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                  has_touch=width < 500)
    with checked_page(context, request, screenshot) as page:
        page.goto(f"/verify/{numbers['not_met']}")
        main = page.get_by_role("main")
        expect(main.locator(".verify-status")).to_have_text(re.compile(r"^\s*有效："))
        expect(main.locator("h2.certificate-title")).to_have_text(re.compile(r"年度学时记录（未达标）\s*未达标"))
        expect(main.locator(".verify-short")).to_be_visible()
        expect(main.locator(".verify-employer")).to_have_text(re.compile(r"杭州市第一人民医院\s*（本人填写）"))
        expect(main.locator(".verify-issuer")).to_have_text("浙江省人力资源和社会保障厅")
        expect(main).not_to_contain_text("年度学时证明")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"verify-not_met-{width}")

        page.goto(f"/verify/{numbers['met']}")
        expect(main.locator("h2.certificate-title")).to_have_text(re.compile(r"年度学时证明\s*达标"))
        expect(main.locator(".verify-employer")).to_have_text(re.compile(r"杭州市西湖区疾病预防控制中心\s*单位已确认"))
        expect(main).not_to_contain_text("未达标")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"verify-met-{width}")

        page.get_by_role("link", name="单位和人社部门如何核验学时证明").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("如何核验学时证明")
        expect(page.locator("a.public-key-link")).to_have_attribute("href", "/api/v1/certificates/public-key")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"verify-help-{width}")
