"""Journey 4 of issue 7: the trainee pages in English and back to Chinese, and the same pages on a
phone's screen (390 × 844 CSS pixels, touch): nothing scrolls sideways, the heading and every
navigation link are on the screen, nothing in the header overlaps, and the video fits the width.
"""
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from accounts.validators import mask_name
from core.extensions import db
from learning.models import CreditRecord
from learning.rules import credit_year
from tests.e2e.conftest import add_trainee, checked_page, errors_of, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
HAN = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011]+")  # Chinese characters and punctuation
# The geometry of a page on a screen ``width`` pixels wide: what overflows sideways, what sits off the
# screen, which navigation items overlap. The screen's width is passed in: a mobile browser widens its
# layout viewport (window.innerWidth) to take in content wider than the screen, and zooms out.
GEOMETRY = """width => {
  const box = el => el.getBoundingClientRect();
  const off = [...document.querySelectorAll('header a, header button, header input, h1, video')]
    .filter(el => el.getClientRects().length > 0)
    .filter(el => box(el).left < -0.5 || box(el).right > width + 0.5)
    .map(el => el.outerHTML.slice(0, 80));
  const items = [...document.querySelectorAll('.main-nav > a, .main-nav > form')].map(box);
  const overlaps = [];
  items.forEach((a, i) => items.slice(i + 1).forEach(b => {
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      overlaps.push([a.left, a.top, b.left, b.top]);
  }));
  return {width, viewport: window.innerWidth, scrollWidth: document.documentElement.scrollWidth, off, overlaps};
}"""


@pytest.fixture
def live_overrides():
    """0.1 minutes to the 学时: the seeded course of two 6-second lectures is worth 2.0 学时."""
    return {"CREDIT_MINUTES_PER_HOUR": 0.1}


@pytest.fixture
def credited_trainee(live_server, seeded_course) -> dict:
    """A trainee credited this year with the seeded course, as its completion would record."""
    person = add_trainee(live_server.app)
    now = datetime.now(UTC)
    with live_server.app.app_context():
        db.session.add(CreditRecord(user_id=person["id"], course_id=seeded_course["id"], year=credit_year(now),
                                    hours_tenths=20, basis="completion", awarded_at=now, updated_at=now))
        db.session.commit()
    return person


@pytest.fixture
def phone(browser, live_server, request, screenshot):
    """A fresh phone-sized touch context on the live server, checked like conftest's ``page``."""
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    with checked_page(context, request, screenshot) as page:
        yield page


def untranslated(page, *content: str) -> list[str]:
    """Chinese left on the page besides ``content`` (course titles, names: data, not interface)."""
    seen = page.locator("body").inner_text()
    for text in sorted(content, key=len, reverse=True):
        seen = seen.replace(text, "")
    return HAN.findall(seen)


def switch_language(page, to: str) -> None:
    """The header's language link; the same page comes back in the other language."""
    here = page.url.split("#")[0]  # the fragment stays in the browser
    page.get_by_role("banner").get_by_role("link", name=to).click()
    expect(page).to_have_url(here)


def test_english_and_back(page, live_server, seeded_course, credited_trainee, screenshot):
    console = errors_of(page)
    title = seeded_course["title"]
    content = (title, *("数据要素与数字化转型", "平台经济的规则"), "李老师", "知新制作中心",
               "数据要素、平台经济与数字化转型。", credited_trainee["name"], "中文",
               mask_name(credited_trainee["name"]))  # the lesson's watermark
    sign_in(page, credited_trainee)
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    banner = page.get_by_role("banner")
    for link in ("Courses", "My learning", "中文"):
        expect(banner.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(banner.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Study centre")  # the trainee's landing
    banner.get_by_role("link", name="Courses", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All courses")
    expect(page.get_by_label("Sort by")).to_have_value("newest")
    assert untranslated(page, *content) == []
    screenshot(page, "courses-en")
    page.locator(".breadcrumb").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Online public-requirement courses for professional and technical personnel")
    assert untranslated(page, *content) == []
    screenshot(page, "home-en")

    page.locator(".category-grid").get_by_role("link", name=re.compile("^Digital technology")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital technology")
    assert untranslated(page, *content) == []
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_text("Instructor:")).to_be_visible()
    assert untranslated(page, *content) == []
    screenshot(page, "course-en")

    page.get_by_role("link", name="Start learning").click()
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    expect(page.get_by_label("Lesson progress")).to_be_visible()
    expect(page.get_by_role("heading", name="Course contents")).to_be_visible()
    expect(page.locator("#player-course")).to_have_text(
        "This course is worth 2.0 credit hours, recorded once you finish every lesson")
    assert untranslated(page, *content) == []
    screenshot(page, "lesson-en")

    banner.get_by_role("link", name="My learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.locator(".credited-total")).to_have_text("2.0")
    assert untranslated(page, *content) == []
    screenshot(page, "my-learning-en")

    page.get_by_role("link", name="Credit-hour certificates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Credit-hour certificates")
    row = page.locator(".certificate-table tbody tr").filter(has_text=f"Course credit-hour certificate: “{title}”")
    expect(row).to_contain_text("Not issued")
    row.get_by_role("button", name="Issue certificate").click()
    expect(page.get_by_text(re.compile(r"Credit-hour certificate issued, number GX\d{4}-330106-\d+\."))).to_be_visible()
    assert untranslated(page, *content) == []
    screenshot(page, "certificates-en")

    switch_language(page, "中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("学时证明")
    row = page.locator(".certificate-table tbody tr").filter(has_text=f"课程学时证明：《{title}》")
    expect(row.get_by_role("link", name="下载 PDF")).to_be_visible()
    expect(banner.get_by_role("link", name="English")).to_be_visible()
    banner.get_by_role("link", name="课程", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("全部课程")
    expect(page.get_by_role("link", name=title).first).to_be_visible()
    screenshot(page, "courses-zh-again")
    assert console == []


def assert_fits_a_phone(page, screenshot, name: str) -> None:
    """The page as a phone shows it: no sideways scroll, heading and navigation on the screen."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name=re.compile("主导航|Main navigation"))
    for item in nav.get_by_role("link").all() + nav.get_by_role("button").all():
        expect(item).to_be_visible()
    geometry = page.evaluate(GEOMETRY, PHONE["width"])
    assert geometry["scrollWidth"] <= geometry["width"] == geometry["viewport"], (name, geometry)
    assert geometry["off"] == [], (name, geometry["off"])
    assert geometry["overlaps"] == [], (name, geometry["overlaps"])
    screenshot(page, name)


def test_the_trainee_pages_on_a_phone(phone, live_server, seeded_course, credited_trainee, screenshot):
    page, title = phone, seeded_course["title"]
    page.goto("/")
    assert_fits_a_phone(page, screenshot, "home")
    page.locator(".category-grid").get_by_role("link", name=re.compile("^数字技术")).tap()
    assert_fits_a_phone(page, screenshot, "category")
    page.get_by_role("link", name=title).first.tap()
    assert_fits_a_phone(page, screenshot, "course")
    page.get_by_role("banner").get_by_role("link", name="注册").tap()
    assert_fits_a_phone(page, screenshot, "register")
    page.get_by_role("banner").get_by_role("link", name="登录").tap()
    assert_fits_a_phone(page, screenshot, "login")

    sign_in(page, credited_trainee)
    page.goto(f"/lessons/{seeded_course['lesson_ids'][0]}")
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    video = page.locator("#lesson-video").bounding_box()
    assert video["x"] >= 0 and video["x"] + video["width"] <= PHONE["width"]
    assert video["height"] >= video["width"] * 9 / 16 - 1  # the full 16:9 picture, not a sliver
    expect(page.get_by_label("本讲进度")).to_be_visible()
    assert_fits_a_phone(page, screenshot, "lesson")

    page.get_by_role("banner").get_by_role("link", name=credited_trainee["name"]).tap()
    assert_fits_a_phone(page, screenshot, "profile")
    page.get_by_role("banner").get_by_role("link", name="我的学习").tap()
    expect(page.locator(".credited-total")).to_have_text("2.0")
    # The credit table becomes one card per course, each value with its label beside it.
    expect(page.locator(".credit-table thead")).to_be_hidden()
    hours = page.locator(".credit-table tbody tr").first.locator("td.hours")
    assert hours.evaluate("td => getComputedStyle(td, '::before').content") == '"学时"'
    assert_fits_a_phone(page, screenshot, "my-learning")
    page.get_by_role("link", name="学时证明", exact=True).tap()
    row = page.locator(".certificate-table tbody tr").filter(has_text=f"课程学时证明：《{title}》")
    row.get_by_role("button", name="开具证明").tap()
    expect(page.get_by_text(re.compile(r"已开具学时证明，编号 GX"))).to_be_visible()
    expect(row.get_by_role("link", name="下载 PDF")).to_be_visible()
    assert_fits_a_phone(page, screenshot, "certificates")
    row.get_by_role("link", name="核验页面").tap()
    expect(page.locator(".verify-status")).to_contain_text("有效")
    assert_fits_a_phone(page, screenshot, "verify")

    # English words are longer than Chinese ones: the header must still fit.
    switch_language(page, "English")
    assert_fits_a_phone(page, screenshot, "verify-en")
    page.goto(f"/lessons/{seeded_course['lesson_ids'][0]}")
    assert_fits_a_phone(page, screenshot, "lesson-en")
