"""The bureau's region filters are pickers that start at, and cannot leave, the officer's own area: the
records page (and with it the exports' links), the statistics and the integrity pages."""
import html
import re
from datetime import UTC, datetime

import pytest

from tests.accounts.test_region_forms import selects
from tests.bureau.records_helpers import credit


def fixed(page: str) -> str:
    """The officer's fixed part of the picker, as shown."""
    found = re.search(r'<p class="region-fixed"[^>]*>(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


@pytest.fixture
def province_officer(make_user, login, make_course):
    """A Guangdong officer, signed in, with credited trainees in Shenzhen and Guangzhou."""
    course = make_course("数字经济概论")
    for name, region in (("刘一", "440305"), ("关二", "440306"), ("张三", "440106")):
        credit(make_user(real_name=name, region_code=region), course, 10, at=datetime(2025, 4, 1, tzinfo=UTC))
    officer = make_user("bureau", real_name="省厅", region_code="440000")
    login(officer)
    return officer


def records(client, region) -> str:
    response = client.get("/bureau/records", query_string={"region": region})
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_a_province_officer_picks_city_then_county_with_the_filter_button(client, province_officer):
    page = records(client, [])
    assert fixed(page) == "广东省" and selects(page) == {"city": ""}
    assert "杭州市" not in page and "深圳市" in page and "共 3 条记录" in page
    page = records(client, ["440300"])  # 查询 with a city: its records, and its counties to choose from
    assert selects(page) == {"city": "440300", "county": ""} and "南山区" in page and "共 2 条记录" in page
    page = records(client, ["440300", "440305"])
    assert selects(page) == {"city": "440300", "county": "440305"} and "共 1 条记录" in page
    page = records(client, ["440100", "440305"])  # the city changed: the Shenzhen county is stale
    assert selects(page) == {"city": "440100", "county": ""} and "共 1 条记录" in page and "张三" in page


def test_a_city_officer_sees_province_and_city_fixed(client, officer):
    page = records(client, [])
    assert fixed(page) == "广东省 › 深圳市" and selects(page) == {"county": ""}
    picker = re.search(r"data-region-picker.*?</fieldset>", page, re.S).group(0)
    assert "福田区" in picker and "广州市" not in picker and "天河区" not in picker


def test_a_forged_code_is_refused_and_one_outside_the_scope_gets_the_403(client, officer):
    page = records(client, ["44030x"])
    assert "地区代码应为6位行政区划代码" in page and "共 " not in page
    assert client.get("/bureau/exports/records.csv", query_string={"region": "44030x"}).status_code == 400
    for region in (["440100"], ["440000", "440100"]):
        response = client.get("/bureau/records", query_string={"region": region})
        assert response.status_code == 403 and "地区 440100 不在您的管辖范围内" in response.get_data(as_text=True)
    assert client.get("/bureau/exports/records.csv", query_string={"region": "440100"}).status_code == 403


def test_a_retired_code_in_the_scope_still_finds_its_trainees(client, officer, make_user, make_course):
    credit(make_user(real_name="旧码", region_code="440399"), make_course(), 10)
    page = records(client, ["440399"])
    assert "共 1 条记录" in page and "旧码" in page and selects(page) == {"county": "440399"}


@pytest.mark.parametrize("path", ["/bureau/", "/bureau/integrity", "/bureau/integrity/clipped"])
def test_statistics_and_integrity_pages_take_the_picker_too(client, province_officer, path):
    page = html.unescape(client.get(path, query_string={"region": ["440300", "440305"]}).get_data(as_text=True))
    assert fixed(page) == "广东省" and selects(page) == {"city": "440300", "county": "440305"}
    response = client.get(path, query_string={"region": ["450000"]})
    assert response.status_code == 403 and "地区 450000 不在您的管辖范围内" in response.get_data(as_text=True)
