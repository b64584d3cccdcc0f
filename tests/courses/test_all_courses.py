"""全部课程 (/courses): every published course of the year, filtered, sorted and paged by a plain GET form."""
import re
from datetime import UTC, datetime

import pytest

from core.extensions import db
from core.tz import CHINA
from courses.catalogue import browse
from learning.models import LessonProgress
from tests.conftest import sign_in_as

THIS_YEAR = datetime.now(UTC).astimezone(CHINA).year
CARD_TITLE = re.compile(r'<h3><a href="/courses/\d+">([^<]+)</a></h3>')


def titles(html: str) -> list[str]:
    """The course cards' titles, in the page's order."""
    return CARD_TITLE.findall(html)


def page(client, query: str = "") -> str:
    response = client.get(f"/courses{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_lists_this_years_published_courses_and_offers_the_others(client, make_course):
    make_course("今年的课", year=THIS_YEAR)
    make_course("去年的课", year=THIS_YEAR - 1)
    make_course("还在审核的课", year=THIS_YEAR, status="submitted")
    assert titles(page(client)) == ["今年的课"]
    assert sorted(titles(page(client, "?year=all"))) == ["今年的课", "去年的课"]
    assert titles(page(client, f"?year={THIS_YEAR - 1}")) == ["去年的课"]
    assert f'<option value="{THIS_YEAR - 1}">' in page(client)


def test_without_courses_this_year_the_newest_catalogue_is_shown(client, make_course):
    make_course("前年的课", year=THIS_YEAR - 2)
    make_course("去年的课", year=THIS_YEAR - 1)
    assert titles(page(client)) == ["去年的课"]


def test_the_header_and_the_catalogue_home_lead_here(client, make_course, make_user):
    make_course(year=THIS_YEAR)
    home = client.get("/catalogue").get_data(as_text=True)
    assert '<a href="/courses">课程</a>' in home and "查看全部课程" in home
    sign_in_as(client, make_user())
    assert '<a href="/courses" aria-current="page">课程</a>' in page(client)


def test_paging_keeps_the_filters(client, app, make_course, make_category):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        make_course(f"应急课程{n}", category=make_category("emergency"), lessons=1, year=THIS_YEAR)
    make_course("数字课程", category=make_category("digital"), lessons=1, year=THIS_YEAR)
    first = page(client, "?category=emergency&sort=hours_asc")
    assert len(titles(first)) == 2 and "共 5 门课程" in first and "第 1 / 3 页" in first
    assert f'href="/courses?page=2&amp;year={THIS_YEAR}&amp;category=emergency&amp;sort=hours_asc" rel="next"' in first
    third = page(client, f"?page=3&year={THIS_YEAR}&category=emergency&sort=hours_asc")
    assert len(titles(third)) == 1 and 'rel="prev"' in third
    assert '<option value="emergency" selected>' in third and '<option value="hours_asc" selected>' in third


def test_a_page_past_the_end_leads_back_to_the_first(client, make_course):
    make_course(year=THIS_YEAR)
    html = page(client, "?page=9&type=gongxu")
    assert titles(html) == [] and "回到第一页" in html and f'href="/courses?year={THIS_YEAR}&amp;type=gongxu"' in html


def test_a_category_or_a_whole_group_of_categories(client, make_course, make_category):
    make_course("专利实务", category=make_category("ip"), year=THIS_YEAR)
    make_course("数据安全", category=make_category("cybersecurity"), year=THIS_YEAR)
    make_course("职业操守", category=make_category("ethics"), year=THIS_YEAR)
    assert titles(page(client, "?category=ip")) == ["专利实务"]
    assert sorted(titles(page(client, "?category=area"))) == ["专利实务", "数据安全"]
    assert titles(page(client, "?category=theme")) == ["职业操守"]


def test_hours_and_subject_type_filters(client, make_course):
    make_course("短课", lessons=1, lesson_seconds=1350, year=THIS_YEAR)  # 0.5 学时
    make_course("长课", lessons=4, lesson_seconds=2700, year=THIS_YEAR, subject_type="zhuanye")  # 4.0 学时
    assert titles(page(client, "?hours=lt1")) == ["短课"]
    assert titles(page(client, "?hours=ge4")) == ["长课"]
    assert titles(page(client, "?type=zhuanye")) == ["长课"]
    assert titles(page(client, "?type=gongxu&hours=ge4")) == []


def test_most_studied_first_counts_each_trainee_once(client, make_course, make_user):
    quiet, busy, newest = (make_course(title, year=THIS_YEAR) for title in ("冷门课", "热门课", "新课"))
    for person in (make_user(), make_user()):
        for lesson in busy.lessons:  # two lessons each: still one trainee each
            db.session.add(LessonProgress(user_id=person.id, lesson_id=lesson.id, course_id=busy.id))
    db.session.add(LessonProgress(user_id=make_user().id, lesson_id=quiet.lessons[0].id, course_id=quiet.id))
    db.session.commit()
    assert titles(page(client)) == ["新课", "热门课", "冷门课"]
    assert titles(page(client, "?sort=popular")) == ["热门课", "冷门课", "新课"]


def test_sorted_by_hours_either_way(client, make_course):
    for title, lessons in (("两讲", 2), ("一讲", 1), ("三讲", 3)):
        make_course(title, lessons=lessons, year=THIS_YEAR)
    assert titles(page(client, "?sort=hours_desc")) == ["三讲", "两讲", "一讲"]
    assert titles(page(client, "?sort=hours_asc")) == ["一讲", "两讲", "三讲"]


def test_nothing_matching_says_how_to_widen_the_search(client, make_course):
    make_course(year=THIS_YEAR)
    html = page(client, "?type=xuanxiu")
    empty = html[html.index('<p class="empty"'):]
    assert "没有符合这些条件的课程" in empty
    assert f'href="/courses?year={THIS_YEAR}"' in empty  # the filters cleared, the year kept
    assert 'href="/courses?year=all&amp;type=xuanxiu"' in empty and 'href="/search"' in empty


def test_an_empty_catalogue_says_courses_will_come(client):
    html = page(client)
    assert titles(html) == [] and "课程经审核发布后会显示在这里" in html


@pytest.mark.parametrize("query", ["?year=abc", "?year=1999", "?category=nope", "?hours=9", "?type=x",
                                   "?sort=random", "?page=-3", "?page=abc"])
def test_nonsense_is_ignored_not_refused(client, make_course, query):
    make_course("今年的课", year=THIS_YEAR)
    assert titles(page(client, query)) == ["今年的课"]


def test_reading_the_parameters_without_the_app():
    years, codes = [2026, 2025], {"digital", "ip"}
    assert browse.from_args({}, years, 2026, codes) == browse.Browse(year=2026)
    assert browse.from_args({}, years, 2027, codes) == browse.Browse(year=2026)  # nothing in 2027 yet
    assert browse.from_args({}, [], 2027, codes) == browse.Browse(year=2027)
    chosen = browse.from_args({"year": "all", "category": "theme", "hours": "1to2", "type": "zhuanye",
                               "sort": "popular"}, years, 2026, codes)
    assert chosen == browse.Browse(year=None, category="theme", hours="1to2", type="zhuanye", sort="popular")
    assert chosen.params() == {"year": "all", "category": "theme", "hours": "1to2", "type": "zhuanye",
                               "sort": "popular"}
    assert chosen.cleared() == {"year": "all", "sort": "popular"}
    assert browse.Browse(year=2025, type="gongxu").every_year() == {"year": "all", "type": "gongxu"}
    assert browse.Browse(year=2025).params() == {"year": 2025} and not browse.Browse(year=2025).narrowed
