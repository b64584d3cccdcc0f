"""The dashboard page: its figures in tables, the same numbers for the charts, no inline script or style."""
import json
import re
from html.parser import HTMLParser

import pytest

from tests.bureau.stats_world import china, credit, watch_session


@pytest.fixture
def world(make_user, make_course, make_category):
    digital = make_course("数字经济概论", category=make_category("digital"))
    safety = make_course("安全生产<法规>", category=make_category("emergency"))
    officer = make_user("bureau", real_name="深圳人社", region_code="440300")
    a = make_user(real_name="甲", region_code="440305", created_at=china(2025, 1, 1))
    b = make_user(real_name="乙", region_code="440306", created_at=china(2026, 2, 1))
    far = make_user(real_name="区外", region_code="440104", created_at=china(2025, 1, 1))
    credit(a, digital, 250, china(2026, 3, 3))
    credit(a, safety, 50, china(2026, 4, 4))
    credit(b, digital, 120, china(2026, 4, 20))
    credit(far, safety, 900, china(2026, 4, 4))
    watch_session(b, digital.lessons[0], china(2026, 2, 2))
    return {"officer": officer}


class Tables(HTMLParser):
    """Every table's rows as lists of cell texts, by the table's id; every script and style attribute."""

    def __init__(self):
        super().__init__()
        self.tables, self.scripts, self.styled = {}, [], []
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styled.append(tag)
        if tag == "script":
            self.scripts.append(attrs)
        elif tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def chart_data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_the_dashboard_shows_its_figures_in_tables(client, login, world):
    login(world["officer"])
    response = client.get("/bureau/?year=2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    category = dict(row for row in page.tables["table-category"][1:])
    assert category["数字技术"] == "37.0" and category["应急管理"] == "5.0" and category["知识产权"] == "0.0"
    assert category["合计"] == "42.0"  # the 广州 trainee's 90 学时 are another city's
    months = page.tables["table-month"][1:]
    assert [row[1] for row in months] == ["0.0", "0.0", "25.0", "17.0"] + ["0.0"] * 8
    share = {row[0]: row[1:] for row in page.tables["table-share"][1:]}
    assert share["已达标（≥ 30 学时）"] == ["1", "50.0%"]
    assert share["未达标"] == ["1", "50.0%"] and share["注册学员"] == ["2", "100%"]
    courses = page.tables["table-courses"][1:]
    assert courses == [["数字经济概论", "数字技术", "2", "37.0"], ["安全生产<法规>", "应急管理", "1", "5.0"]]
    assert 'id="stat-registered">2<' in html and 'id="stat-active">2<' in html and 'id="stat-share">50.0%<' in html


def test_the_charts_get_the_same_numbers_as_the_tables(client, login, world):
    login(world["officer"])
    html = client.get("/bureau/?year=2026").get_data(as_text=True)
    data = chart_data(html)
    assert dict(zip(data["category"]["labels"], data["category"]["hours"], strict=True))["数字技术"] == 37.0
    assert data["month"]["hours"][2:4] == [25.0, 17.0] and len(data["month"]["labels"]) == 12
    assert data["share"]["values"] == [1, 1]
    assert data["courses"] == {"labels": ["数字经济概论", "安全生产<法规>"], "completions": [2, 1]}
    # The course title's "<" is escaped in the JSON block, so no title can close the script.
    block = html.split('id="dashboard-data">')[1].split("</script>")[0]
    assert "<" not in block and "\\u003c" in block


def test_no_inline_script_and_no_style_attributes(client, login, world):
    login(world["officer"])
    page = parse(client.get("/bureau/?year=2026").get_data(as_text=True))
    assert page.styled == []
    assert all(script.get("src") or script.get("type") == "application/json" for script in page.scripts)
    sources = [script["src"] for script in page.scripts if script.get("src")]
    assert sources == ["/static/js/region-picker.js",  # the filter's region picker
                       "/static/vendor/echarts/echarts.min.js", "/static/js/dashboard.js"]
    for src in sources:
        response = client.get(src)
        assert response.status_code == 200
        response.close()


def test_the_year_selector_and_an_empty_year(client, login, world):
    login(world["officer"])
    html = client.get("/bureau/?year=2019").get_data(as_text=True)
    assert '<option value="2019" selected>' in html and '<option value="2026"' in html
    page = parse(html)
    assert dict(row for row in page.tables["table-category"][1:])["合计"] == "0.0"
    assert "table-courses" not in page.tables and "本年度还没有学员完成课程" in html


def test_a_county_inside_the_city(client, login, world):
    login(world["officer"])
    page = parse(client.get("/bureau/?year=2026&region=440306").get_data(as_text=True))
    assert dict(row for row in page.tables["table-category"][1:])["合计"] == "12.0"
    assert {row[0]: row[1] for row in page.tables["table-share"][1:]}["注册学员"] == "1"
