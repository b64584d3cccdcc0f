"""A bureau officer signs in and sees the dashboard's charts drawn by ECharts, under the site's CSP.

The ``page`` fixture fails on a script error or a CSP violation reported to the console; this
test also listens for ``securitypolicyviolation`` events in the page itself, and hovers the
charts so that their tooltips are drawn too.
"""
import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from accounts.models import User
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course, Lesson, Video
from tests.bureau.stats_world import china, credit, event
from tests.conftest import make_id_number

pytestmark = pytest.mark.e2e

PASSWORD = "bureau-pass-2026"
CHARTS = ("chart-category", "chart-month", "chart-share", "chart-courses")
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def bureau_world(live_server) -> dict:
    with live_server.app.app_context():
        categories = ensure_categories()
        producer = User(role="producer", real_name="李华", id_number=make_id_number(), phone="13700000011",
                        organisation="知新制作中心", region_code="110105", password_hash="!")
        courses = []
        for title, code in (("数字经济概论", "digital"), ("网络安全法", "cybersecurity")):
            course = Course(title=title, category=categories[code], producer=producer, status="published",
                            catalogue_year=2026, credit_tenths=20)
            course.lessons.append(Lesson(position=1, title="第1讲", video=Video(
                owner=producer, status="ready", duration_seconds=2700.0, width=640, height=360)))
            courses.append(course)
        officer = User(role="bureau", real_name="深圳人社", id_number=make_id_number("440300"), phone="13700000012",
                       region_code="440300", password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"))
        trainees = [User(role="trainee", real_name=f"学员{n}", id_number=make_id_number("440305"),
                         phone=f"1370000002{n}", region_code="440305", created_at=china(2026, 1, 2),
                         password_hash="!") for n in range(3)]
        db.session.add_all([producer, officer, *courses, *trainees])
        db.session.commit()
        for n, person in enumerate(trainees):
            credit(person, courses[0], 120 + 90 * n, china(2026, 2 + n, 10))
            credit(person, courses[1], 100, china(2026, 5, 1 + n))
        event(trainees[0], "faster_than_real_time", china(2026, 3, 1), ip="192.0.2.5", lesson=courses[0].lessons[0])
        return {"officer_phone": officer.phone, "trainee_id": trainees[0].id}


def sign_in(page, phone: str) -> None:
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("登录成功")).to_be_visible()


def test_the_dashboard_draws_its_charts_under_the_csp(page, bureau_world, screenshot):
    page.add_init_script(WATCH_CSP)
    sign_in(page, bureau_world["officer_phone"])
    page.goto("/bureau/?year=2026")

    for chart in CHARTS:
        expect(page.locator(f"#{chart}[data-chart-ready] canvas")).to_have_count(1)
        assert page.locator(f"#{chart} canvas").evaluate("c => c.width > 100 && c.height > 100")
    drawn = page.evaluate("""() => {
        const option = id => echarts.getInstanceByDom(document.getElementById(id)).getOption();
        return {category: option('chart-category').series[0].data, month: option('chart-month').series[0].data,
                share: option('chart-share').series[0].data.map(d => d.value),
                courses: option('chart-courses').series[0].data};
    }""")
    assert drawn["category"][:3] == [63.0, 0.0, 30.0]  # 数字技术, 知识产权, 网络安全
    assert drawn["month"][:5] == [0.0, 12.0, 21.0, 30.0, 30.0]
    assert drawn["share"] == [2, 1] and drawn["courses"] == [3, 3]
    expect(page.locator("#table-category tbody tr[data-code=digital] td.num")).to_have_text("63.0")

    for chart in CHARTS:  # draw each chart's tooltip
        box = page.locator(f"#{chart}").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.4)
        page.wait_for_timeout(150)
    screenshot(page, "dashboard")
    assert page.evaluate("window.__cspViolations") == []


def test_the_integrity_pages_render_under_the_csp(page, bureau_world, screenshot):
    page.add_init_script(WATCH_CSP)
    sign_in(page, bureau_world["officer_phone"])
    page.goto("/bureau/integrity?year=2026")
    expect(page.locator("#signal-clipped tr[data-user]")).to_have_count(1)
    screenshot(page, "integrity")
    page.locator("#signal-clipped").get_by_role("link", name="查看事件").click()
    expect(page.locator("table.event-table tbody tr")).to_have_count(1)
    expect(page.locator("table.event-table")).to_contain_text("播放快于真实时间")
    screenshot(page, "clipped-events")
    page.locator("table.event-table").get_by_role("link", name="学员0").click()
    expect(page.get_by_role("heading", name="学员0 的学习档案")).to_be_visible()
    screenshot(page, "trainee-record")
    page.goto("/bureau/certificates")
    page.get_by_label("证书编号").fill("GX2026-440305-000404")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".lookup-status")).to_contain_text("未找到")
    assert page.evaluate("window.__cspViolations") == []
