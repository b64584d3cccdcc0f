"""The 省 → 市 → 区县 pickers in a real browser, with JavaScript (each level fills as one chooses) and
without it (the form's 显示下一级 button, or a filter's own 查询, brings the next level): registering,
and an officer's 学时记录 filter. Screenshots of every page that has a picker, at 1366 and 390 px."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course
from tests.bureau.stats_world import china, credit
from tests.conftest import _FAST_HASH, make_credit_code, make_id_number
from tests.e2e.conftest import checked_page, sign_in
from units.models import Unit

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def browser_page(browser, live_server, request, screenshot, javascript=True, width="desktop"):
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", viewport=WIDTHS[width],
                                  java_script_enabled=javascript)
    return checked_page(context, request, screenshot)


def person(name: str, phone: str, region: str, role: str = "trainee") -> User:
    user = User(role=role, real_name=name, id_number=make_id_number(region), phone=phone, employer="某单位",
                region_code=region, password_hash=_FAST_HASH)
    db.session.add(user)
    return user


@pytest.fixture
def guangdong(live_server) -> dict:
    """A Guangdong province officer, an admin, a trainee and a unit; credits in Shenzhen and Guangzhou."""
    with live_server.app.app_context():
        course = Course(title="网络安全法", category=ensure_categories()["cybersecurity"], status="published",
                        producer=person("李华", "13700000041", "110105", "producer"), catalogue_year=2026,
                        credit_tenths=20)
        people = {"officer": person("广东人社", "13700000042", "440000", "bureau"),
                  "admin": person("吴管理", "13700000043", "110105", "admin"),
                  "trainee": person("陈学员", "13900000041", "440305"),
                  "nanshan": person("刘南山", "13900000042", "440305"),
                  "futian": person("关福田", "13900000043", "440304"),
                  "tianhe": person("张天河", "13900000044", "440106")}
        unit = Unit(name="深圳市南山区人民医院", credit_code=make_credit_code("440305"), region_code="440305")
        db.session.add_all([course, unit])
        db.session.commit()
        for key in ("nanshan", "futian", "tianhe"):
            credit(people[key], course, 20, china(2026, 3, 1))
        return {**{key: {"phone": user.phone, "name": user.real_name, "id": user.id}
                       for key, user in people.items()}, "unit": unit.id}


def identity(page) -> str:
    id_number = make_id_number("330106")
    page.get_by_label("真实姓名").fill("王小明")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("工作单位").fill("杭州市第一人民医院")
    return id_number


def finish_registration(page, live_server, id_number: str) -> str:
    page.get_by_label("密码", exact=True).fill("study-hard-2026")
    page.get_by_label("确认密码").fill("study-hard-2026")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功，欢迎您，王小明。")).to_be_visible()
    with live_server.app.app_context():
        return db.session.scalar(select(User.region_code).where(User.id_number == id_number))


def test_registering_with_javascript_each_level_fills_as_one_chooses(browser, live_server, request, screenshot):
    with browser_page(browser, live_server, request, screenshot) as page:
        page.goto("/register")
        id_number = identity(page)
        expect(page.get_by_role("button", name="显示下一级")).to_be_hidden()
        page.get_by_label("省", exact=True).select_option(label="浙江省")
        page.get_by_label("市", exact=True).select_option(label="杭州市")
        page.get_by_label("区县", exact=True).select_option(label="西湖区")
        page.get_by_label("省", exact=True).select_option(label="河南省")  # changed mind: the levels follow
        expect(page.get_by_label("区县", exact=True)).to_have_count(0)
        expect(page.get_by_label("市", exact=True).locator("optgroup")).to_have_attribute("label", "省直辖县级")
        page.get_by_label("市", exact=True).select_option(label="济源市")  # 省直辖县级: nothing below
        expect(page.get_by_label("区县", exact=True)).to_have_count(0)
        page.get_by_label("省", exact=True).select_option(label="北京市")  # a municipality: 省 → 区县
        expect(page.get_by_label("市", exact=True)).to_have_count(0)
        page.get_by_label("区县", exact=True).select_option(label="海淀区")
        page.get_by_label("省", exact=True).select_option(label="浙江省")
        page.get_by_label("市", exact=True).select_option(label="杭州市")
        page.get_by_label("区县", exact=True).select_option(label="西湖区")
        screenshot(page, "register-picked-1366")
        assert finish_registration(page, live_server, id_number) == "330106"


def test_registering_without_javascript_steps_through_the_levels(browser, live_server, request, screenshot):
    with browser_page(browser, live_server, request, screenshot, javascript=False) as page:
        page.goto("/register")
        id_number = identity(page)
        page.get_by_label("省", exact=True).select_option(label="浙江省")
        page.get_by_role("button", name="显示下一级").click()
        expect(page.get_by_label("真实姓名")).to_have_value("王小明")  # nothing typed is lost
        expect(page.get_by_role("alert")).to_have_count(0)  # and nothing is judged yet
        page.get_by_label("市", exact=True).select_option(label="杭州市")
        page.get_by_role("button", name="显示下一级").click()
        page.get_by_label("区县", exact=True).select_option(label="西湖区")
        screenshot(page, "register-no-js-1366")
        assert finish_registration(page, live_server, id_number) == "330106"


def test_an_officer_filters_records_with_javascript(browser, live_server, request, screenshot, guangdong):
    with browser_page(browser, live_server, request, screenshot) as page:
        sign_in(page, guangdong["officer"])
        page.goto("/bureau/records")
        expect(page.locator(".region-fixed")).to_have_text("广东省")  # the scope: not choosable
        expect(page.get_by_label("省", exact=True)).to_have_count(0)
        page.get_by_label("市", exact=True).select_option(label="深圳市")
        page.get_by_label("区县", exact=True).select_option(label="南山区")
        page.get_by_role("button", name="查询").click()
        expect(page.locator(".records-totals")).to_contain_text("共 1 条记录")
        expect(page.get_by_label("区县", exact=True)).to_have_value("440305")
        expect(page.get_by_role("main")).to_contain_text("刘南山")


def test_an_officer_filters_records_without_javascript(browser, live_server, request, screenshot, guangdong):
    with browser_page(browser, live_server, request, screenshot, javascript=False) as page:
        sign_in(page, guangdong["officer"])
        page.goto("/bureau/records")
        expect(page.locator(".records-totals")).to_contain_text("共 3 条记录")
        page.get_by_label("市", exact=True).select_option(label="深圳市")
        page.get_by_role("button", name="查询").click()  # the city's records, and its counties to choose from
        expect(page.locator(".records-totals")).to_contain_text("共 2 条记录")
        page.get_by_label("区县", exact=True).select_option(label="福田区")
        page.get_by_role("button", name="查询").click()
        expect(page.locator(".records-totals")).to_contain_text("共 1 条记录")
        expect(page.get_by_role("main")).to_contain_text("关福田")
        screenshot(page, "records-no-js-1366")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_with_a_picker(browser, live_server, request, screenshot, guangdong, width):
    """The pages whose region fields are pickers, each screenshotted at this width (1366 or 390)."""
    px = WIDTHS[width]["width"]
    pages = {
        None: [("/register", "register")],
        "trainee": [("/me", "profile")],
        "officer": [("/bureau/records?region=440300", "records"), ("/bureau/?region=440300", "dashboard"),
                    ("/bureau/integrity?region=440300", "integrity"), (f"/units/{guangdong['unit']}/edit", "unit")],
        "admin": [(f"/admin/users/{guangdong['trainee']['id']}", "admin-user"), ("/admin/tokens", "admin-tokens")],
    }
    for who, visits in pages.items():
        with browser_page(browser, live_server, request, screenshot, width=width) as page:
            if who:
                sign_in(page, guangdong[who])
            for path, name in visits:
                page.goto(path)
                picker = page.locator("[data-region-picker]")
                expect(picker).to_be_visible()
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
                screenshot(page, f"{name}-{px}")
