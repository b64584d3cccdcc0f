"""Two details a person notices: the verify page's holder line on a phone, and date fields
that read like the rest of the (Chinese) page whatever the browser's own language."""
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course
from learning import certificates
from learning.models import CreditRecord
from learning.rules import credit_year
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import add_trainee, checked_page, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def certificate_number(live_server) -> str:
    """A year certificate of a trainee credited with one course this year."""
    person = add_trainee(live_server.app)
    now = datetime.now(UTC)
    with live_server.app.app_context():
        producer = User(role="producer", real_name="周明远", id_number=make_id_number(), phone="13900000031",
                        employer="知新课程制作中心", organisation="知新课程制作中心", region_code="110108",
                        password_hash=_FAST_HASH)
        course = Course(title="数字经济概论", summary="课程简介", instructor="李老师",
                        category=ensure_categories()["digital"], producer=producer, organisation="知新课程制作中心",
                        status="published", catalogue_year=credit_year(now), credit_tenths=20, published_at=now)
        db.session.add(course)
        db.session.flush()
        db.session.add(CreditRecord(user_id=person["id"], course_id=course.id, year=credit_year(now),
                                    hours_tenths=20, basis="completion", awarded_at=now, updated_at=now))
        user = db.session.get(User, person["id"])
        key = next(o.basis.key for o in certificates.offers(user.id, 300) if o.basis.kind == "year")
        certificate, _ = certificates.issue(user, key, 300, now)
        db.session.commit()
        return certificate.number


def test_the_holder_line_stays_on_one_line_on_a_phone(browser, live_server, certificate_number, request,
                                                      screenshot):
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    with checked_page(context, request, screenshot) as page:
        page.goto(f"/verify/{certificate_number}")
        holder = page.locator("dt:text-is('持证人') + dd")
        expect(holder).to_have_text(re.compile(r"^王\*习（\d{6}\*+\w{4}）$"))
        lines = holder.evaluate("""dd => { const range = document.createRange(); range.selectNodeContents(dd);
            return new Set([...range.getClientRects()].map(box => Math.round(box.top))).size; }""")
        assert lines == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "verify-phone-holder")


def test_date_fields_read_year_month_day_in_an_english_browser(browser, live_server, request, screenshot):
    with live_server.app.app_context():
        officer = User(role="bureau", real_name="浙江人社", id_number=make_id_number("330000"), phone="13900000041",
                       employer="浙江省人力资源和社会保障厅", region_code="330000", password_hash=_FAST_HASH)
        db.session.add(officer)
        db.session.commit()
    context = browser.new_context(base_url=live_server.base_url, locale="en-US",
                                  viewport={"width": 1366, "height": 900})
    with checked_page(context, request, screenshot) as page:
        sign_in(page, {"phone": "13900000041", "name": "浙江人社"})
        page.goto("/bureau/records")
        start = page.get_by_label("完成日期自")
        expect(start).to_have_attribute("placeholder", "年-月-日，如 2026-01-31")
        assert start.evaluate("el => el.type") == "text"  # no mm/dd/yyyy from the browser's locale
        start.fill("01/31/2026")
        assert start.evaluate("el => el.validity.patternMismatch")
        start.fill("2026-01-01")
        page.get_by_label("完成日期至").fill("2026-12-31")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile(r"completed_from=2026-01-01&completed_to=2026-12-31"))
        expect(page.locator(".field-error")).to_have_count(0)
        expect(start).to_have_value("2026-01-01")
        screenshot(page, "records-dates-en-browser")
