"""Completion per subject type on the dashboard, each trainee judged by the rules of their own region.

The rules are core/policy/examples.py's (the nation: 30 公需; Guangdong: 公需 30, 专业 42,
选修 18 of 90), stored as the admin stores them, and a made-up Shenzhen set (30 公需, as the
nation) so that one province officer sees trainees under two sets. Credit year 2026:

  gz_short  440106 Guangzhou  30 公需                      not met: Guangdong wants 90 with 42 专业, 18 选修
  gz_full   440106 Guangzhou  30 公需 + 42 专业 + 18 选修   met
  gz_lop    440104 Guangzhou  30 公需 + 60 专业             not met: 90 in all, but no 选修
  gz_none   440103 Guangzhou  nothing                       not met
  sz        440305 Shenzhen   30 公需                      met under Shenzhen's set
  bj        110105 Beijing    30 公需                      met under the national set
"""
import html

import pytest

from bureau import completion, stats
from bureau.scope import Scope
from core import policy
from core.policy import ruledata
from core.policy.examples import EXAMPLES, NATIONAL
from tests.bureau.stats_world import china, credit

SHENZHEN = {**NATIONAL, "prefix": "4403", "effective_from": "2024-01-01", "name": "深圳市（测试）",
            "source": "测试用：与全国规定相同。"}
GUANGDONG_2027 = {**EXAMPLES[1], "prefix": "4401", "effective_from": "2027-01-01", "name": "广州市（测试）"}


@pytest.fixture
def world(store_rules, make_user, make_course):
    store_rules(*EXAMPLES, SHENZHEN)
    public = make_course("公需课", subject_type="gongxu")
    professional = make_course("专业课", subject_type="zhuanye")
    elective = make_course("选修课", subject_type="xuanxiu")
    at = china(2026, 5, 1)
    people = {key: make_user(real_name=key, region_code=code, created_at=china(2025, 1, 1)) for key, code in (
        ("gz_short", "440106"), ("gz_full", "440106"), ("gz_lop", "440104"), ("gz_none", "440103"),
        ("sz", "440305"), ("bj", "110105"))}
    for key in ("gz_short", "gz_full", "gz_lop", "sz", "bj"):
        credit(people[key], public, 300, at)
    credit(people["gz_full"], professional, 420, at)
    credit(people["gz_full"], elective, 180, at)
    credit(people["gz_lop"], professional, 600, at)
    return people


def by_type(done: completion.Completion) -> dict[str, tuple]:
    return {row.subject_type: (row.tenths, row.required_of, row.met) for row in done.by_type}


def test_each_trainee_is_judged_by_the_rules_of_their_own_region(app, world):
    guangdong = completion.completion(Scope("440000"), 2026, policy.book(), china(2027, 1, 1))
    assert [(group.rules.prefix, group.registered, group.met) for group in guangdong.groups] == \
        [("44", 4, 1), ("4403", 1, 1)]  # only gz_full of Guangzhou; Shenzhen's 30 公需 are enough
    beijing = completion.completion(Scope("110000"), 2026, policy.book(), china(2027, 1, 1))
    assert [(group.rules.prefix, group.registered, group.met) for group in beijing.groups] == [("", 1, 1)]


def test_per_type_totals_and_completion_count_only_the_trainees_a_type_is_required_of(app, world):
    done = completion.completion(Scope("440000"), 2026, policy.book(), china(2027, 1, 1))
    assert by_type(done) == {
        "gongxu": (1200, 5, 4),  # everyone must have 30 公需; gz_none has none
        "zhuanye": (1020, 4, 2),  # only Guangdong's set asks for 专业: gz_full and gz_lop have 42
        "xuanxiu": (180, 4, 1),
    }
    assert [row.share for row in done.by_type] == [0.8, 0.5, 0.25]
    assert (done.registered, done.met) == (5, 2)


def test_the_overview_keeps_its_met_count_consistent_with_the_rules(app, world):
    people = stats.people(Scope("440000"), 2026, policy.book())
    assert (people.registered, people.met) == (5, 2)
    overview = stats.overview(Scope("440100"), 2026, policy.book())
    assert (overview.people.registered, overview.people.met) == (4, 1) and overview.rules.prefix == "44"
    assert overview.total_tenths == sum(row.tenths for row in overview.completion.by_type) == 2100
    assert stats.overview(Scope("440000"), 2026, policy.book()).rules is None  # two sets apply


def test_rule_groups_are_the_sets_in_force_that_year():
    book = [ruledata.load(data) for data in (*EXAMPLES, SHENZHEN, GUANGDONG_2027)]
    assert [rules.prefix for rules in completion.rule_groups(book, Scope("440000"), 2026)] == ["44", "4403"]
    assert [rules.prefix for rules in completion.rule_groups(book, Scope("440000"), 2027)] == ["44", "4401", "4403"]
    assert [rules.prefix for rules in completion.rule_groups(book, Scope("440000"), 2023)] == [""]  # sets from 2024
    assert [rules.prefix for rules in completion.rule_groups(book, Scope("440305"), 2026)] == ["4403"]
    assert [rules.prefix for rules in completion.rule_groups(book, Scope("410100"), 2026)] == ["41"]


def test_the_dashboard_shows_completion_per_type_and_the_rules_that_apply(client, login, make_user, world):
    login(make_user("bureau", region_code="440000"))
    text = html.unescape(client.get("/bureau/?year=2026").get_data(as_text=True))
    assert "各科目类型学时与达标情况" in text and "按学员所在地区的规定判定" in text
    assert 'id="stat-share">40.0%' in text  # 2 of 5
    types = text[text.index('id="table-types"'):text.index("</table>", text.index('id="table-types"'))]
    assert "公需科目" in types and "120.0" in types and "80.0%" in types and "25.0%" in types
    rules = text[text.index('id="table-rules"'):text.index("</table>", text.index('id="table-rules"'))]
    assert 'data-prefix="44"' in rules and 'data-prefix="4403"' in rules


def test_a_beijing_officer_sees_the_national_requirement_and_types_not_required(client, login, make_user, world):
    login(make_user("bureau", region_code="110000"))
    text = html.unescape(client.get("/bureau/?year=2026").get_data(as_text=True))
    assert 'id="stat-share">100.0%' in text and "已达标（≥ 30 学时）" in text
    zhuanye = text[text.index('data-type="zhuanye"'):text.index("</tr>", text.index('data-type="zhuanye"'))]
    assert "不要求" in zhuanye


def test_the_dashboard_in_english(client, login, make_user, world):
    login(make_user("bureau", region_code="440000"))
    client.set_cookie("lang", "en")
    response = client.get("/bureau/?year=2026")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "Public subjects" in text and "各科目类型" not in text


def standing_of(text: str, year: int) -> str:
    start = text.index(f'class="plain-list type-standing" data-year="{year}"')
    return text[start:text.index("</ul>", start)]


def test_the_trainee_record_shows_each_type_against_the_trainee_s_own_rules(client, login, make_user, world):
    login(make_user("bureau", region_code="440000"))
    text = html.unescape(client.get(f"/bureau/trainees/{world['gz_short'].id}").get_data(as_text=True))
    standing = standing_of(text, 2026)
    assert "公需科目：30.0 / 30 学时" in standing and "专业科目：0.0 / 42 学时" in standing
    assert "选修科目：0.0 / 18 学时" in standing and "合计：30.0 / 90 学时" in standing
    heading = text[text.index("2026 年度：30.0 学时"):text.index("</h3>", text.index("2026 年度：30.0 学时"))]
    assert "未达标" in heading
    full = html.unescape(client.get(f"/bureau/trainees/{world['sz'].id}").get_data(as_text=True))
    assert "已达标" in full[full.index("2026 年度"):full.index("</h3>", full.index("2026 年度"))]
    assert "专业科目" not in standing_of(full, 2026)  # Shenzhen's set asks for none


def test_a_beijing_trainee_with_30_gongxu_is_met_under_the_national_rules(client, login, make_user, world):
    login(make_user("bureau", region_code="110000"))
    text = html.unescape(client.get(f"/bureau/trainees/{world['bj'].id}").get_data(as_text=True))
    assert "已达标" in text[text.index("2026 年度"):text.index("</h3>", text.index("2026 年度"))]
    assert "公需科目：30.0 / 30 学时" in standing_of(text, 2026)
