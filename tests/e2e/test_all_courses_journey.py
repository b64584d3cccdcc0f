"""全部课程 in a browser: from the catalogue home's "more" to the list, filtered and sorted with
the form, paged with the filters kept, an empty result widened again; at a desktop's width
with JavaScript and at a phone's without it (the form is a plain GET form).
"""
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.extensions import db
from core.tz import CHINA
from courses.models import Course
from learning.models import LessonProgress
from tests.e2e.conftest import checked_page
from tests.e2e.test_every_page_layout import OVERFLOW

pytestmark = pytest.mark.e2e

THIS_YEAR = datetime.now(UTC).astimezone(CHINA).year


@pytest.fixture
def live_overrides():
    return {"PAGE_SIZE": 4}


@pytest.fixture
def app(live_server):
    """The live server's app, so that make_course writes to the database it serves."""
    with live_server.app.app_context():
        yield live_server.app


@pytest.fixture
def catalogue(app, make_course, make_category, make_user):
    """Seven courses this year (five of 应急管理, one 选修 of them none), one of last year;
    the two-lesson 应急 course is the one most studied."""
    emergency, digital = make_category("emergency"), make_category("digital")
    for lessons in (1, 3, 2, 5, 4):
        make_course(f"应急管理第{lessons}课", category=emergency, lessons=lessons, year=THIS_YEAR)
    make_course("数字经济概论", category=digital, year=THIS_YEAR)
    make_course("数据要素市场", category=digital, year=THIS_YEAR, subject_type="zhuanye")
    make_course("去年的数字课", category=digital, year=THIS_YEAR - 1)
    popular = db.session.scalar(select(Course).where(Course.title == "应急管理第2课"))
    for person in (make_user(), make_user()):
        db.session.add(LessonProgress(user_id=person.id, lesson_id=popular.lessons[0].id, course_id=popular.id))
    db.session.commit()


def card_titles(page) -> list[str]:
    return page.locator(".course-card h3").all_inner_texts()


def fits(page, width: int) -> None:
    seen = page.evaluate(OVERFLOW)
    assert seen["scrollWidth"] <= width and not seen["widest"], seen


@pytest.mark.parametrize(("width", "javascript"), [(1366, True), (390, False)])
def test_paging_and_filters(browser, live_server, catalogue, request, screenshot, width, javascript):
    context = browser.new_context(base_url=live_server.base_url, locale="zh-CN", java_script_enabled=javascript,
                                  viewport={"width": width, "height": 900})
    with checked_page(context, request, screenshot) as page:
        page.goto("/catalogue")
        page.get_by_role("link", name="查看全部课程").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("全部课程")
        expect(page.get_by_text("共 7 门课程")).to_be_visible()
        expect(page.locator(".course-card")).to_have_count(4)
        expect(page.get_by_label("目录年度")).to_have_value(str(THIS_YEAR))
        fits(page, width)
        screenshot(page, f"all-{width}")

        page.get_by_label("类别").select_option(label="应急管理")
        page.get_by_label("排序").select_option(label="学时从多到少")
        page.get_by_role("button", name="筛选").click()
        expect(page.get_by_text("共 5 门课程")).to_be_visible()
        assert card_titles(page) == ["应急管理第5课", "应急管理第4课", "应急管理第3课", "应急管理第2课"]
        expect(page.get_by_text("第 1 / 2 页")).to_be_visible()
        screenshot(page, f"filtered-{width}")

        page.get_by_role("link", name="下一页").click()
        expect(page.get_by_text("第 2 / 2 页")).to_be_visible()
        assert card_titles(page) == ["应急管理第1课"]
        expect(page.get_by_label("类别")).to_have_value("emergency")  # kept across pages
        expect(page.get_by_label("排序")).to_have_value("hours_desc")
        fits(page, width)
        screenshot(page, f"page-2-{width}")

        page.get_by_label("排序").select_option(label="学习人数最多")
        page.get_by_role("button", name="筛选").click()
        expect(page.get_by_text("第 1 / 2 页")).to_be_visible()  # a new choice starts at page 1
        assert card_titles(page)[0] == "应急管理第2课"

        page.get_by_label("科目类型").select_option(label="选修科目")
        page.get_by_role("button", name="筛选").click()
        expect(page.locator("main .empty")).to_contain_text("没有符合这些条件的课程")
        fits(page, width)
        screenshot(page, f"nothing-{width}")
        page.locator("main .empty").get_by_role("link", name="清除筛选条件").click()
        expect(page.get_by_text("共 7 门课程")).to_be_visible()

        page.get_by_label("目录年度").select_option(label="全部年度")
        page.get_by_role("button", name="筛选").click()
        expect(page.get_by_text("共 8 门课程")).to_be_visible()
        assert card_titles(page)[:2] == ["应急管理第2课", "去年的数字课"]  # most studied, then newest
