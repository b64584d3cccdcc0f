"""The search box on every page, the /search page and GET /api/v1/courses?q=, as a visitor uses them."""
import re

import pytest

from courses.search import tasks as search_tasks

HOSTILE = ['"网络', "AND", "-", "+", "title:x", "status:draft", "*", "网络\x00安全", "\x07", "\x1b[2J", "安" * 10_240,
           "<script>", "%", "page=2&q=1"]


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def catalogue(make_course, make_category):
    """Three published cybersecurity courses, one digital one, and a draft."""
    cyber = make_category("cybersecurity")
    make_course(title="网络安全法解读", category=cyber, summary="解读《网络安全法》的主要条款。", year=2026)
    make_course(title="数据安全与个人信息保护", category=cyber, summary="数据分类分级。", year=2025,
                lessons=3, lesson_seconds=2700)
    make_course(title="关键信息基础设施", category=cyber, summary="网络安全等级保护。", year=2026)
    make_course(title="数字政府建设", summary="政务数据共享。")
    make_course(title="未发布的网络安全草稿", category=cyber, status="draft")
    search_tasks.rebuild()


@pytest.mark.parametrize("path", ["/", "/login", "/categories/digital", "/search", "/no-such-page"])
def test_every_page_has_a_labelled_search_box(client, make_category, path):
    make_category("digital")
    page = client.get(path).get_data(as_text=True)
    form = re.search(r'<form class="site-search" role="search" method="get" action="/search">.*?</form>', page, re.S)
    assert form, path
    assert '<label for="site-search-q"' in form.group() and 'id="site-search-q" type="search" name="q"' in form.group()


def test_results_are_highlighted_with_facets_and_counts(client, catalogue):
    page = text(client.get("/search?q=网络安全"))
    assert "找到 3 门课程" in page
    assert "<mark>网络安全</mark>法解读" in page
    assert "草稿" not in page
    assert re.search(r'href="/search\?q=%E7%BD%91%E7%BB%9C%E5%AE%89%E5%85%A8&amp;category=cybersecurity">网络安全</a>'
                     r' <span class="count">3</span>', page)  # 数据安全… is found by its category
    assert re.search(r'>2025 年度</a> <span class="count">1</span>', page)
    assert re.search(r'>2–4 学时</a> <span class="count">1</span>', page)
    assert re.search(r'>1–2 学时</a> <span class="count">2</span>', page)


def test_a_facet_narrows_and_can_be_cleared(client, catalogue):
    page = text(client.get("/search?q=网络安全&year=2025"))
    assert "找到 1 门课程" in page and "数据安全与个人信息保护" in page
    assert '<strong aria-current="true">2025 年度</strong>' in page
    assert 'href="/search?q=%E7%BD%91%E7%BB%9C%E5%AE%89%E5%85%A8">全部</a>' in page


def test_sorting_and_paging_keep_the_query(client, app, catalogue):
    app.config["PAGE_SIZE"] = 1
    first = text(client.get("/search?q=安全&sort=hours_desc"))
    assert "数据<mark>安全</mark>与个人信息保护" in first.split('class="result-list"')[1][:600]
    assert 'rel="next"' in first and "sort=hours_desc" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    assert '<a href="/search?q=%E5%AE%89%E5%85%A8&amp;sort=hours_desc" aria-current="true">' in first
    beyond = text(client.get("/search?q=安全&page=99"))
    assert "这一页没有结果了" in beyond


def test_an_empty_query_gets_categories_and_tips(client, catalogue):
    page = text(client.get("/search"))
    assert "按类别浏览" in page and 'href="/categories/cybersecurity"' in page and "wlaq" in page
    assert "找到" not in page


def test_no_result_suggests_a_spelling_and_shows_categories(client, catalogue):
    page = text(client.get("/search?q=网洛安全法"))
    assert "没有找到" in page and "按类别浏览" in page
    assert "您是不是要找" in page and ">网络安全法</a>" in page


def test_pinyin_initials_find_courses_from_the_header_box(client, catalogue):
    page = text(client.get("/search?q=wlaq"))
    assert "网络安全法解读" in page and "关键信息基础设施" in page
    assert 'value="wlaq"' in page  # the box keeps what was typed


def test_hostile_queries_get_a_page_never_an_error(client, catalogue):
    for query in HOSTILE:
        page = text(client.get("/search", query_string={"q": query, "page": "x", "year": "abc",
                                                         "category": "<b>", "sort": "drop table"}))
        assert "<script>" not in page.split("<main", 1)[1], query
        assert "草稿" not in page, query
        assert not any(ch in page for ch in "\x00\x07\x1b"), query  # what was typed is shown back cleaned
    assert "搜索词过长" in text(client.get("/search", query_string={"q": "安" * 10_240}))
    assert "没有可以查找的文字" in text(client.get("/search", query_string={"q": "* AND -"}))


def test_the_api_searches_with_the_same_engine_and_keeps_its_shape(client, catalogue):
    body = client.get("/api/v1/courses?q=wlaq&per_page=2").get_json()
    assert set(body) == {"items", "page", "per_page", "total", "pages", "next", "prev"}
    assert body["total"] == 3 and body["pages"] == 2 and len(body["items"]) == 2
    assert {"id", "title", "category", "catalogue_year", "credit_hours"} <= set(body["items"][0])
    only = client.get("/api/v1/courses?q=网络安全&category=cybersecurity&year=2025").get_json()
    assert [item["title"] for item in only["items"]] == ["数据安全与个人信息保护"]
    newest = client.get("/api/v1/courses?q=安全&sort=hours_desc").get_json()
    assert newest["items"][0]["title"] == "数据安全与个人信息保护"
    for query in HOSTILE:
        response = client.get("/api/v1/courses", query_string={"q": query})
        assert response.status_code == 200 and all("草稿" not in i["title"] for i in response.get_json()["items"])
    bad = client.get("/api/v1/courses?q=安全&sort=evil")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_sort"
