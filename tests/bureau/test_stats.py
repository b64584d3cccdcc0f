"""The dashboard's figures on a small world: counts, 学时 by category and month, the share
meeting the requirement, top courses — for a province, a city and a county officer.

The world (2026 unless said):
  a  440305 南山  registered 2025; 20 学时 digital (Feb) + 10 学时 ip (Mar) = 30: meets the requirement
  b  440306 宝安  registered 2026-01-10; 5 学时 digital at 00:30 on 1 January, China time
  c  440104 广州  registered 2024; 8 学时 digital (Jul), a −2 correction for 2026 written in January 2027
  d  440305 南山  registered 2025; a watch session in April, no credit: active
  e  440305 南山  registered 2026-05-01; nothing
  out  450100 南宁: 50 学时 digital; staff  440305: a producer with 10 学时 — neither ever counts
  a also has 4 学时 of cybersecurity in 2025.
"""
from datetime import UTC

import pytest

from bureau import stats
from bureau.scope import Scope
from core.policy.rulebook import national_default
from tests.bureau.stats_world import china, credit, watch_session

BOOK = [national_default(45, 30)]  # 30 学时 of 公需, every course here being 公需


@pytest.fixture
def world(make_user, make_course, make_category):
    digital = make_course("数字经济概论", category=make_category("digital"))
    ip = make_course("知识产权保护", category=make_category("ip"))
    cyber = make_course("网络安全法", category=make_category("cybersecurity"))
    a = make_user(real_name="甲", region_code="440305", created_at=china(2025, 3, 1))
    b = make_user(real_name="乙", region_code="440306", created_at=china(2026, 1, 10))
    c = make_user(real_name="丙", region_code="440104", created_at=china(2024, 6, 1))
    d = make_user(real_name="丁", region_code="440305", created_at=china(2025, 8, 1))
    make_user(real_name="戊", region_code="440305", created_at=china(2026, 5, 1))
    out = make_user(real_name="区外", region_code="450100", created_at=china(2025, 1, 1))
    staff = make_user("producer", real_name="职员", region_code="440305", created_at=china(2025, 1, 1))
    credit(a, digital, 200, china(2026, 2, 10))
    credit(a, ip, 100, china(2026, 3, 5))
    credit(a, cyber, 40, china(2025, 6, 1))
    credit(b, digital, 50, china(2026, 1, 1, 0, 30))
    credit(c, digital, 80, china(2026, 7, 15))
    credit(c, digital, -20, china(2027, 1, 5), basis="correction", year=2026, reason="重复计入")
    credit(out, digital, 500, china(2026, 2, 10))
    credit(staff, digital, 100, china(2026, 2, 10))
    watch_session(d, digital.lessons[0], china(2026, 4, 1))
    watch_session(out, digital.lessons[0], china(2026, 4, 1))
    return {"digital": digital, "ip": ip, "cyber": cyber}


def by_code(rows):
    return {row.code: row.tenths for row in rows}


@pytest.mark.parametrize("code,registered,new,active,met", [
    ("440000", 5, 2, 4, 1), ("440300", 4, 2, 3, 1), ("440305", 3, 1, 2, 1), ("450000", 1, 0, 1, 1),
])
def test_people_per_scope(world, code, registered, new, active, met):
    people = stats.people(Scope(code), 2026, BOOK)
    assert (people.registered, people.new, people.active, people.met) == (registered, new, active, met)
    assert people.share_met == pytest.approx(met / registered)


def test_registered_counts_only_accounts_that_existed_by_the_year_end(world):
    people = stats.people(Scope("440000"), 2025, BOOK)
    assert (people.registered, people.new, people.active, people.met) == (3, 2, 1, 0)


def test_meeting_the_requirement_is_reaching_it(world):
    assert stats.people(Scope("440305"), 2026, [national_default(45, 30)]).met == 1
    assert stats.people(Scope("440305"), 2026, [national_default(45, 30.1)]).met == 0


@pytest.mark.parametrize("code,digital,ip", [("440000", 310, 100), ("440300", 250, 100), ("440305", 200, 100),
                                             ("440104", 60, 0), ("450000", 500, 0)])
def test_hours_by_category_per_scope(world, code, digital, ip):
    rows = stats.hours_by_category(Scope(code), 2026)
    assert [row.code for row in rows][:4] == ["digital", "ip", "cybersecurity", "emergency"]
    assert len(rows) == 9
    assert by_code(rows) == {**{row.code: 0 for row in rows}, "digital": digital, "ip": ip}


def test_a_year_is_its_own(world):
    assert by_code(stats.hours_by_category(Scope("440000"), 2025))["cybersecurity"] == 40
    assert by_code(stats.hours_by_category(Scope("440000"), 2025))["digital"] == 0


def test_hours_by_month_in_china_time_and_adding_up(world):
    months = stats.hours_by_month(Scope("440000"), 2026)
    # b's credit at 00:30 on 1 January China time is still 31 December in UTC: it is January's.
    # c's correction for 2026, written in January 2027, counts in December.
    assert months == [50, 200, 100, 0, 0, 0, 80, 0, 0, 0, 0, -20]
    assert sum(months) == sum(by_code(stats.hours_by_category(Scope("440000"), 2026)).values())
    assert stats.hours_by_month(Scope("440305"), 2026) == [0, 200, 100] + [0] * 9


def test_top_courses_by_completions_in_scope(world):
    top = stats.top_courses(Scope("440000"), 2026)
    assert [(row.title, row.completions, row.tenths) for row in top] == [
        ("数字经济概论", 3, 310), ("知识产权保护", 1, 100)]
    county = stats.top_courses(Scope("440305"), 2026)
    assert [(row.title, row.completions) for row in county] == [("数字经济概论", 1), ("知识产权保护", 1)]
    assert stats.top_courses(Scope("440000"), 2026, limit=1)[0].title == "数字经济概论"


def test_nothing_from_outside_the_scope_or_from_staff(world):
    """The Guangxi trainee (50 学时) and the producer (10 学时) never count for Guangdong."""
    overview = stats.overview(Scope("440000"), 2026, BOOK)
    assert overview.total_tenths == 410
    assert sum(overview.by_month) == 410
    guangxi = stats.overview(Scope("450000"), 2026, BOOK)
    assert guangxi.total_tenths == 500
    assert [row.title for row in guangxi.top_courses] == ["数字经济概论"]


def test_an_empty_scope_has_zero_figures(world):
    overview = stats.overview(Scope("110000"), 2026, BOOK)
    assert overview.people.registered == 0 and overview.people.share_met == 0.0
    assert overview.total_tenths == 0 and overview.by_month == [0] * 12 and overview.top_courses == []


def test_selectable_years(world):
    from datetime import datetime
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert stats.selectable_years(Scope("440000"), now) == [2026, 2025]
    assert stats.selectable_years(Scope("450000"), now) == [2026]
