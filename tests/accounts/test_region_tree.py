"""The region picker's rules, without the app: the tree of GB/T 2260 divisions, the selects shown for a
code and a scope, the code a submitted picker means, and what is refused."""
import pytest

from accounts import region_tree as tree


def shape(levels) -> list[tuple[str, str, bool]]:
    return [(level.slot, level.selected, level.fixed) for level in levels]


def names(areas) -> list[str]:
    return [area.name for area in areas]


def test_the_provinces_come_first_with_their_english_names():
    provinces = tree.children()
    assert len(provinces) == 34 and provinces[0].code == "110000"
    assert (tree.area("440000").name, tree.area("440000").name_en) == ("广东省", "Guangdong")
    assert tree.area("440300").name_en == ""  # below a province the data has Chinese names only


def test_a_county_is_picked_province_city_county():
    assert tree.lineage("440305") == ("440000", "440300", "440305")
    levels = tree.levels("440305")
    assert shape(levels) == [("province", "440000", False), ("city", "440300", False), ("county", "440305", False)]
    assert "南山区" in names(levels[2].options) and "福田区" in names(levels[2].options)


def test_a_province_chosen_offers_its_cities_next():
    levels = tree.levels("330000")
    assert shape(levels) == [("province", "330000", False), ("city", "", False)]
    assert names(levels[1].options)[0] == "杭州市"


def test_a_municipality_goes_straight_to_its_districts():
    assert tree.slot_of("110000") == "county"
    assert shape(tree.levels("110105")) == [("province", "110000", False), ("county", "110105", False)]
    assert "朝阳区" in names(tree.children("110000"))
    for municipality in ("110000", "120000", "310000", "500000"):
        assert {area.kind for area in tree.children(municipality)} == {"county"}


def test_directly_administered_units_end_the_choice_among_the_cities():
    jiyuan = tree.area("419001")
    assert (jiyuan.name, jiyuan.kind, jiyuan.leaf) == ("济源市", "county", True)
    assert tree.slot_of("410000") == "city" and "419001" in {area.code for area in tree.children("410000")}
    assert shape(tree.levels("419001")) == [("province", "410000", False), ("city", "419001", False)]
    dongguan = tree.area("441900")  # a city without counties
    assert (dongguan.name, dongguan.kind, dongguan.leaf) == ("东莞市", "city", True)
    assert tree.children("441900") == ()


def test_regions_without_divisions_below_are_leaves():
    for code in ("810000", "820000", "710000"):
        assert tree.area(code).leaf and shape(tree.levels(code)) == [("province", code, False)]


def test_an_officer_starts_at_their_scope_and_chooses_below_it():
    levels = tree.levels("", scope="330100")
    assert shape(levels) == [("province", "330000", True), ("city", "330100", True), ("county", "", False)]
    assert names(levels[0].options) == ["浙江省"] and names(levels[1].options) == ["杭州市"]
    assert "西湖区" in names(levels[2].options) and "南山区" not in names(levels[2].options)
    assert shape(tree.levels("330106", scope="330100"))[-1] == ("county", "330106", False)
    # a county officer has nothing left to choose; a code outside the scope is not shown
    assert all(level.fixed for level in tree.levels("", scope="330106"))
    assert shape(tree.levels("440305", scope="330100")) == shape(levels)


def test_a_retired_code_still_stored_stays_visible():
    levels = tree.levels("440399")
    assert levels[-1].selected == "440399" and "440399" in {area.code for area in levels[-1].options}


@pytest.mark.parametrize(("values", "code"), [
    (["440000", "440300", "440305"], "440305"),
    (["440000", "440300", ""], "440300"),
    (["330000", "440300", "440305"], "330000"),  # the province changed without JavaScript: the rest is stale
    (["440000", "440100", "440305"], "440100"),
    (["440305"], "440305"),  # one code, as a link or an API client sends it
    (["", "440300"], ""),
    ([" 110105 "], "110105"),
    ([], ""),
])
def test_the_deepest_consistent_choice_is_the_one_taken(values, code):
    assert tree.chosen(values) == code


@pytest.mark.parametrize(("code", "options", "message"), [
    ("44030", {}, "行政区划代码应为6位数字"),
    ("990000", {}, "行政区划代码应为6位数字"),
    ("449999", {}, "449999 不是现行行政区划代码"),
    ("350102", {"scope": "440300"}, "地区 350102 不在您的管辖范围内"),
    ("440300", {"leaf": True}, "请继续选择下一级地区"),
    ("110000", {"leaf": True}, "请继续选择下一级地区"),
])
def test_what_is_refused(code, options, message):
    assert message in tree.problem(code, **options)


@pytest.mark.parametrize(("code", "options"), [
    ("", {"leaf": True, "scope": "440300"}),
    ("440305", {"scope": "440300", "leaf": True}),
    ("440300", {"scope": "440300"}),
    ("419001", {"leaf": True}),
    ("110105", {"leaf": True}),
    ("441900", {"leaf": True}),
    ("440399", {"keep": "440399", "leaf": True}),  # retired but already stored: it may stay
])
def test_what_is_taken(code, options):
    assert tree.problem(code, **options) is None
