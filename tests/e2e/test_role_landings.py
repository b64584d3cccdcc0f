"""Every role lands on its work when it signs in through the login page in Chromium, and the
course catalogue stays one click away (课程 in the header), on a desktop and on a phone."""
import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.extensions import db
from tests.conftest import _FAST_HASH, make_credit_code, make_id_number
from tests.e2e.conftest import checked_page, sign_in
from units.models import Unit

pytestmark = pytest.mark.e2e

# role, region, the page it lands on, a heading that page shows
LANDINGS = [
    ("trainee", "330106", "/me/centre", "学习中心"),
    ("reviewer", "330106", "/review/", "审核"),
    ("producer", "330106", "/studio/", "课程"),
    ("bureau", "330000", "/bureau/", "统计"),
    ("unit_admin", "330106", "/unit/", "杭州市西湖区人民医院"),
    ("admin", "330106", "/admin/users", "管理"),
]


def add_user(app, role: str, region: str, phone: str) -> dict:
    """A user of ``role`` on the live server (a unit administrator with a unit of ``region``)."""
    with app.app_context():
        fields = {}
        if role == "unit_admin":
            unit = Unit(name="杭州市西湖区人民医院", credit_code=make_credit_code(region), region_code=region)
            db.session.add(unit)
            db.session.flush()
            fields["unit_id"] = unit.id
        user = User(role=role, real_name="林" + {"trainee": "学文", "reviewer": "审之", "producer": "制远",
                                                "bureau": "建国", "unit_admin": "晓燕", "admin": "志强"}[role],
                    id_number=make_id_number("330106"), phone=phone, employer="杭州市西湖区人民医院",
                    region_code=region, password_hash=_FAST_HASH, **fields)
        db.session.add(user)
        db.session.commit()
        return {"id": user.id, "phone": user.phone, "name": user.real_name}


@pytest.mark.parametrize("width", [1366, 390])
def test_each_role_lands_on_its_work_and_the_catalogue_is_one_click_away(
        browser, live_server, request, screenshot, width):
    for number, (role, region, landing, heading) in enumerate(LANDINGS):
        person = add_user(live_server.app, role, region, f"1390000{width % 1000:03d}{number}")
        context = browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                      viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                      has_touch=width < 500)
        with checked_page(context, request, screenshot) as page:
            sign_in(page, person)
            assert page.url == live_server.url(landing), (role, page.url)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            screenshot(page, f"{role}-{width}")
            page.goto("/")  # the front door leads a signed-in user to the same page
            assert page.url == live_server.url(landing), (role, page.url)
            page.get_by_role("banner").get_by_role("link", name="课程", exact=True).click()
            expect(page.locator(".course-card, .empty").first).to_be_visible()
