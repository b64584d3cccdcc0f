"""A course's subject type (公需 / 专业 / 选修, and the 行业公需 flag): chosen in the studio, seen in
review, filtered in the catalogue and its API, faceted in search (issue 14)."""
import re

import pytest
from sqlalchemy import func, select

from core.extensions import db
from courses.models import Course
from courses.search import engine as search
from courses.search import fallback
from courses.search import tasks as search_tasks
from courses.search.text import parse_query
from tests.conftest import sign_in_as
from tests.core.test_english import assert_english

ORG = "知新制作中心"
NEW = {"title": "人工智能与数字经济", "summary": "入门课程", "instructor": "李教授", "category": "digital",
       "catalogue_year": 2026}
FORM = {**NEW, "catalogue_year": "2026"}


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer")


def fresh(course_id: int) -> Course:
    db.session.expire_all()
    return db.session.get(Course, course_id)


def course_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Course))


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# ---- studio ---------------------------------------------------------------------------------

def test_the_course_form_offers_the_three_types_with_public_first(client, producer, make_category):
    make_category()
    sign_in_as(client, producer)
    html = text(client.get("/studio/courses/new"))
    select_html = re.search(r'<select[^>]*name="subject_type".*?</select>', html, re.S).group()
    assert re.findall(r">(\S+科目)</option>", select_html) == ["公需科目", "专业科目", "选修科目"]
    assert re.search(r'<option selected value="gongxu">|<option value="gongxu" selected', select_html)
    assert 'name="sector_public"' in html and "行业公需" in html


def test_a_producer_chooses_the_type_and_the_sector_flag_on_the_form(client, producer, make_category):
    make_category()
    sign_in_as(client, producer)
    created = client.post("/studio/courses/new", data={**FORM, "subject_type": "zhuanye"})
    assert created.status_code == 302
    course = db.session.scalar(select(Course))
    assert (course.subject_type, course.sector_public) == ("zhuanye", False)
    assert "专业科目" in text(client.get(f"/studio/courses/{course.id}"))

    edited = client.post(f"/studio/courses/{course.id}/edit",
                         data={**FORM, "subject_type": "gongxu", "sector_public": "y"})
    assert edited.status_code == 302
    assert (fresh(course.id).subject_type, fresh(course.id).sector_public) == ("gongxu", True)
    assert "公需科目 · 行业公需" in text(client.get(f"/studio/courses/{course.id}"))


def test_the_form_refuses_a_sector_flag_on_another_type_and_saves_nothing(client, producer, make_category):
    make_category()
    sign_in_as(client, producer)
    html = text(client.post("/studio/courses/new", data={**FORM, "subject_type": "xuanxiu", "sector_public": "y"}))
    assert "只有公需科目可以标为行业公需，专业科目和选修科目不能。" in html
    assert text(client.post("/studio/courses/new", data={**FORM, "subject_type": "gongxu2"}))
    assert course_count() == 0


def test_the_api_creates_a_public_course_unless_told_otherwise(client, producer, make_category):
    make_category()
    sign_in_as(client, producer)
    plain = client.post("/api/v1/studio/courses", json=NEW).get_json()
    assert (plain["subject_type"], plain["subject_name"], plain["sector_public"]) == ("gongxu", "公需科目", False)
    chosen = client.post("/api/v1/studio/courses", json={**NEW, "subject_type": "xuanxiu"})
    assert chosen.status_code == 201 and chosen.get_json()["subject_type"] == "xuanxiu"
    sector = client.post("/api/v1/studio/courses", json={**NEW, "sector_public": True}).get_json()
    assert (sector["subject_type"], sector["sector_public"]) == ("gongxu", True)


@pytest.mark.parametrize(("extra", "code"), [
    ({"subject_type": "zhuanke"}, "invalid_subject_type"),
    ({"subject_type": None}, "invalid_subject_type"),
    ({"subject_type": ["gongxu"]}, "invalid_subject_type"),
    ({"sector_public": "yes"}, "invalid_sector_public"),
    ({"sector_public": 1}, "invalid_sector_public"),
    ({"subject_type": "zhuanye", "sector_public": True}, "invalid_sector_public"),
])
def test_the_api_refuses_bad_types_and_creates_nothing(client, producer, make_category, extra, code):
    make_category()
    sign_in_as(client, producer)
    refused = client.post("/api/v1/studio/courses", json={**NEW, **extra})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == code
    assert re.search(r"[\u4e00-\u9fff]", refused.get_json()["error"]["message"])
    assert course_count() == 0


def test_patching_the_type(client, producer, make_course):
    course = make_course(status="draft", producer=producer, sector_public=True)
    sign_in_as(client, producer)
    url = f"/api/v1/studio/courses/{course.id}"
    refused = client.patch(url, json={"subject_type": "zhuanye", "sector_public": True})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_sector_public"
    assert (fresh(course.id).subject_type, fresh(course.id).sector_public) == ("gongxu", True)
    # A course that stops being 公需 stops being 行业公需 as well.
    moved = client.patch(url, json={"subject_type": "zhuanye"}).get_json()
    assert (moved["subject_type"], moved["sector_public"]) == ("zhuanye", False)
    assert client.patch(url, json={"sector_public": True}).status_code == 422
    back = client.patch(url, json={"subject_type": "gongxu", "sector_public": True}).get_json()
    assert (back["subject_type"], back["sector_public"]) == ("gongxu", True)


def test_a_revision_carries_the_type_and_approving_it_changes_the_course(client, producer, reviewer, make_course):
    course = make_course(title="专利法概论", producer=producer, sector_public=True)
    sign_in_as(client, producer)
    revision = client.post(f"/api/v1/studio/courses/{course.id}/revision").get_json()
    assert (revision["subject_type"], revision["sector_public"]) == ("gongxu", True)
    client.patch(f"/api/v1/studio/courses/{revision['id']}", json={"subject_type": "zhuanye"})
    client.post(f"/api/v1/studio/courses/{revision['id']}/submit")
    assert client.get(f"/api/v1/courses/{course.id}").get_json()["subject_type"] == "gongxu"  # until approved

    sign_in_as(client, reviewer)
    queued = client.get("/api/v1/review/courses").get_json()["items"]
    assert [(c["id"], c["subject_type"], c["sector_public"]) for c in queued] == [(revision["id"], "zhuanye", False)]
    approved = client.post(f"/api/v1/review/courses/{revision['id']}/decision", json={"approve": True}).get_json()
    assert (approved["id"], approved["subject_type"], approved["sector_public"]) == (course.id, "zhuanye", False)
    assert client.get(f"/api/v1/courses/{course.id}").get_json()["subject_type"] == "zhuanye"


# ---- review ---------------------------------------------------------------------------------

def test_reviewers_see_the_type_on_the_queue_and_the_course(client, reviewer, make_course):
    sector = make_course(title="住建行业安全生产", status="submitted", sector_public=True)
    make_course(title="建筑结构设计新规范", status="submitted", subject_type="zhuanye")
    sign_in_as(client, reviewer)
    queue = text(client.get("/review/"))
    rows = {re.search(r">([^<>]+)</a>", row).group(1): row for row in re.findall(r"<tr>.*?</tr>", queue, re.S)[1:]}
    assert "公需科目 · 行业公需" in rows["住建行业安全生产"]
    assert "专业科目" in rows["建筑结构设计新规范"] and "行业公需" not in rows["建筑结构设计新规范"]
    assert re.search(r"科目类型：<strong[^>]*>公需科目 · 行业公需</strong>",
                     text(client.get(f"/review/courses/{sector.id}")))
    body = client.get(f"/api/v1/review/courses/{sector.id}").get_json()
    assert (body["subject_type"], body["subject_name"], body["sector_public"]) == ("gongxu", "公需科目", True)


# ---- catalogue ------------------------------------------------------------------------------

@pytest.fixture
def mixed(make_course, make_category):
    """Published digital courses of each type (two 公需, one of them 行业公需), two years, and a draft."""
    make_category("digital")
    make_course(title="数字经济概论", year=2026)
    make_course(title="数字住建", year=2025, sector_public=True)
    make_course(title="数据工程实务", year=2026, subject_type="zhuanye")
    make_course(title="数字素养选讲", year=2026, subject_type="xuanxiu")
    make_course(title="专业草稿", status="draft", subject_type="zhuanye")


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/courses/\d+">([^<]+)</a></h3>', html)


def test_the_category_page_shows_and_filters_by_type(client, mixed):
    everything = text(client.get("/categories/digital"))
    assert len(card_titles(everything)) == 4
    assert re.search(r'subject-zhuanye">专业科目</span>\s*<h3><a href="/courses/\d+">数据工程实务', everything)
    assert re.search(r'subject-gongxu">公需科目 · 行业公需</span>\s*<h3><a href="/courses/\d+">数字住建', everything)
    assert 'href="/categories/digital?type=zhuanye">专业科目</a>' in everything

    assert card_titles(text(client.get("/categories/digital?type=zhuanye"))) == ["数据工程实务"]
    public = text(client.get("/categories/digital?type=gongxu"))
    assert sorted(card_titles(public)) == ["数字住建", "数字经济概论"]
    assert 'href="/categories/digital?type=gongxu" aria-current="page">公需科目' in public
    both = text(client.get("/categories/digital?year=2026&type=gongxu"))
    assert card_titles(both) == ["数字经济概论"]
    assert 'href="/categories/digital?year=2025&amp;type=gongxu"' in both  # the year links keep the type
    assert 'href="/categories/digital?year=2026&amp;type=xuanxiu"' in both  # and the type links the year
    assert len(card_titles(text(client.get("/categories/digital?type=nonsense")))) == 4
    empty = text(client.get("/categories/ip?type=xuanxiu"))
    assert "该类别下暂无这种科目类型的课程。" in empty


def test_the_course_page_shows_the_type(client, make_course):
    course = make_course(title="建筑结构设计新规范", subject_type="zhuanye")
    assert 'class="tag subject subject-zhuanye">专业科目</span>' in text(client.get(f"/courses/{course.id}"))


def test_the_api_lists_and_filters_by_type(client, mixed):
    def listed(query: str = "") -> list[tuple[str, str, bool]]:
        items = client.get(f"/api/v1/courses{query}").get_json()["items"]
        return sorted((c["title"], c["subject_type"], c["sector_public"]) for c in items)

    assert listed() == [("数字住建", "gongxu", True), ("数字素养选讲", "xuanxiu", False),
                        ("数字经济概论", "gongxu", False), ("数据工程实务", "zhuanye", False)]
    assert listed("?type=gongxu") == [("数字住建", "gongxu", True), ("数字经济概论", "gongxu", False)]
    assert listed("?type=zhuanye&year=2026&category=digital") == [("数据工程实务", "zhuanye", False)]
    assert listed("?type=xuanxiu&year=2025") == []
    for bad in ("gx", "GONGXU", "公需"):
        refused = client.get(f"/api/v1/courses?type={bad}")
        assert refused.status_code == 422
        assert refused.get_json()["error"]["code"] == "invalid_type"
        assert "gongxu, zhuanye, xuanxiu" in refused.get_json()["error"]["message"]


def test_the_course_detail_json_has_the_type(client, make_course):
    course = make_course(subject_type="xuanxiu")
    body = client.get(f"/api/v1/courses/{course.id}").get_json()
    assert (body["subject_type"], body["subject_name"], body["sector_public"]) == ("xuanxiu", "选修科目", False)


# ---- search ---------------------------------------------------------------------------------

@pytest.fixture
def searchable(mixed):
    search_tasks.rebuild()


def found(**fields) -> list[str]:
    return sorted(hit.title.striptags() for hit in search.find(search.SearchQuery(**fields)).hits)


def test_search_counts_and_filters_by_type(app, searchable):
    result = search.find(search.SearchQuery(text="数"))
    assert result.engine == "index" and result.total == 4
    assert result.facets["type"] == [("gongxu", 2), ("zhuanye", 1), ("xuanxiu", 1)]
    assert found(text="数", type="gongxu") == ["数字住建", "数字经济概论"]
    narrowed = search.find(search.SearchQuery(text="数", type="gongxu", year=2026))
    assert narrowed.facets["type"] == [("gongxu", 1)]
    assert found(text="数", type="zhuanye") == ["数据工程实务"]
    assert found(text="数", type="xuanxiu", year=2025) == []


def test_the_database_search_honours_the_type_too(app, mixed):
    def database(**fields):
        return fallback.find(search.SearchQuery(text="数", **fields), parse_query("数", 100))

    everything = database()
    assert everything.engine == "database" and everything.total == 4
    assert everything.facets["type"] == [("gongxu", 2), ("zhuanye", 1), ("xuanxiu", 1)]
    only = database(type="xuanxiu")
    assert [hit.title.striptags() for hit in only.hits] == ["数字素养选讲"]
    assert only.facets["type"] == [("xuanxiu", 1)]


def test_the_search_page_facets_the_type(client, searchable):
    html = text(client.get("/search?q=数"))
    facet = re.search(r"<h2>科目类型</h2>.*?</section>", html, re.S).group()
    assert re.findall(r">(\S+)</a> <span class=\"count\">(\d+)</span>", facet) == [
        ("公需科目", "2"), ("专业科目", "1"), ("选修科目", "1")]
    assert "q=%E6%95%B0&amp;type=zhuanye" in facet
    narrowed = text(client.get("/search?q=数&type=zhuanye&year=2026"))
    assert "找到 1 门课程" in narrowed and "<mark>数</mark>据工程实务" in narrowed
    assert re.search(r'<strong aria-current="true">专业科目</strong> <span class="count">1</span>', narrowed)
    assert "type=zhuanye" in re.search(r"<h2>目录年度</h2>.*?</section>", narrowed, re.S).group()
    assert "找到 4 门课程" in text(client.get("/search?q=数&type=bogus"))


def test_the_type_reads_in_english(client, producer, reviewer, mixed, make_course):
    client.set_cookie("lang", "en")
    assert "Professional subjects" in assert_english(
        client.get("/categories/digital?type=zhuanye"), "数据工程实务", "李老师")
    assert "sector public subject" in assert_english(client.get("/categories/digital"), "数字经济概论", "数字住建",
                                                     "数据工程实务", "数字素养选讲", "李老师")
    sign_in_as(client, producer)
    form = assert_english(client.get("/studio/courses/new"), "张三")
    assert "Subject type" in form and "Elective subjects" in form
    refused = client.post("/api/v1/studio/courses", json={**NEW, "subject_type": "xuanxiu", "sector_public": True})
    assert refused.get_json()["error"]["message"].startswith("Only a public subject")
    sector = make_course(title="住建行业安全生产", status="submitted", sector_public=True)
    sign_in_as(client, reviewer)
    review = assert_english(client.get(f"/review/courses/{sector.id}"), "住建行业安全生产", "课程简介", "李老师",
                            "知新制作中心", "张三", "第1讲", "第2讲")
    assert "Subject type:" in review and "Public subjects · sector public subject" in review


def test_the_api_search_filters_by_type(client, searchable):
    def searched(query: str) -> list[str]:
        return sorted(item["title"] for item in client.get(f"/api/v1/courses?q=数{query}").get_json()["items"])

    assert searched("") == ["数字住建", "数字素养选讲", "数字经济概论", "数据工程实务"]
    assert searched("&type=gongxu") == ["数字住建", "数字经济概论"]
    assert searched("&type=xuanxiu&sort=newest") == ["数字素养选讲"]
    assert client.get("/api/v1/courses?q=数&type=other").status_code == 422


def test_an_approved_change_of_type_reaches_the_search_index(client, producer, reviewer, make_course):
    course = make_course(title="数字孪生城市", producer=producer)
    search_tasks.rebuild()
    sign_in_as(client, producer)
    revision = client.post(f"/api/v1/studio/courses/{course.id}/revision").get_json()["id"]
    client.patch(f"/api/v1/studio/courses/{revision}", json={"subject_type": "zhuanye"})
    client.post(f"/api/v1/studio/courses/{revision}/submit")
    sign_in_as(client, reviewer)
    client.post(f"/api/v1/review/courses/{revision}/decision", json={"approve": True})
    assert found(text="数字孪生", type="zhuanye") == ["数字孪生城市"]
    assert found(text="数字孪生", type="gongxu") == []
