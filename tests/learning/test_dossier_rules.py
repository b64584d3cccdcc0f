"""一人一档 as plain rules (learning.dossier_rules, docs/rules.md rule 16): years side by side,
surplus carried into the next year within the rule set's limits, the 职称 look-back with its
reasons. No app, no database."""
from datetime import UTC, datetime

from core.policy import ruledata
from core.policy.examples import GUANGDONG, NATIONAL
from learning.dossier_rules import build, surplus

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 2026 in China


def rules(base=NATIONAL, **changes):
    loaded = ruledata.load({**base, **changes})
    return lambda year: loaded


CARRY = rules(carry_over={"enabled": True, "types": ["gongxu"], "max_hours": 6})


def test_each_year_is_judged_on_its_own_rows_when_nothing_carries():
    found = build(rules(), {2025: {"gongxu": 400}, 2026: {"gongxu": 250}}, {2025: {"completion": 400}}, NOW)
    by_year = {record.year: record for record in found.years}
    assert by_year[2025].met and by_year[2025].carried_out == {}
    assert not by_year[2026].met and by_year[2026].shortfalls == {"gongxu": 50}
    assert by_year[2025].origins == {"completion": 400}


def test_surplus_carries_into_the_next_year_up_to_the_most():
    found = build(CARRY, {2024: {"gongxu": 400}, 2025: {"gongxu": 270}}, {}, NOW)
    by_year = {record.year: record for record in found.years}
    assert by_year[2024].carried_out == {"gongxu": 60}  # 10 over, the rule carries at most 6
    assert by_year[2025].carried_in == {"gongxu": 60} and by_year[2025].counted("gongxu") == 330
    assert by_year[2025].met and by_year[2024].met  # carrying out never takes a year below its requirement


def test_what_was_carried_in_never_carries_on():
    found = build(CARRY, {2024: {"gongxu": 360}, 2025: {"gongxu": 300}}, {}, NOW)
    by_year = {record.year: record for record in found.years}
    assert by_year[2025].carried_in == {"gongxu": 60} and by_year[2025].carried_out == {}
    assert by_year[2026].carried_in == {}


def test_only_the_named_types_carry_and_never_what_the_total_needs():
    guangdong = ruledata.load({**GUANGDONG, "carry_over": {"enabled": True, "types": ["zhuanye"], "max_hours": 20}})
    # 专业 50 of 42 required, but 选修 short: the total (90) has no surplus, nothing carries.
    assert surplus(guangdong, {"gongxu": 300, "zhuanye": 500, "xuanxiu": 100}) == {}
    # 专业 50 with the rest met: 8 over its requirement and the total; 公需 over too, but not a carried type.
    assert surplus(guangdong, {"gongxu": 350, "zhuanye": 500, "xuanxiu": 180}) == {"zhuanye": 80}


def test_a_set_without_carry_over_carries_nothing():
    assert surplus(ruledata.load(NATIONAL), {"gongxu": 900}) == {}


def test_the_look_back_is_met_when_the_four_years_before_this_one_each_met():
    credited = {year: {"gongxu": 300} for year in (2022, 2023, 2024, 2025)}
    found = build(rules(), credited, {}, NOW)
    assert found.eligibility.eligible and found.eligibility.years == (2022, 2023, 2024, 2025)


def test_the_look_back_names_the_year_type_and_hours_that_fell_short():
    credited = {2022: {"gongxu": 300}, 2023: {"gongxu": 245}, 2024: {"gongxu": 300}}
    found = build(rules(), credited, {}, NOW)
    assert not found.eligibility.eligible
    assert [(s.year, s.kind, s.tenths) for s in found.eligibility.shortfalls] == [
        (2023, "gongxu", 55), (2025, "gongxu", 300)]


def test_a_met_current_year_stands_in_for_the_oldest_of_the_window():
    credited = {2021: {"gongxu": 300}, 2023: {"gongxu": 300}, 2024: {"gongxu": 300}, 2025: {"gongxu": 300},
                2026: {"gongxu": 300}}
    found = build(rules(), credited, {}, NOW)  # 2022 was short, but 2023–2026 each met
    assert found.eligibility.eligible and found.eligibility.years == (2023, 2024, 2025, 2026)


def test_the_number_of_years_looked_back_is_the_rule_sets():
    credited = {2024: {"gongxu": 300}, 2025: {"gongxu": 300}}
    assert build(rules(review_years=2), credited, {}, NOW).eligibility.eligible
    assert not build(rules(review_years=3), credited, {}, NOW).eligibility.eligible


def test_carried_hours_can_make_a_short_year_count_as_met():
    credited = {2022: {"gongxu": 300}, 2023: {"gongxu": 360}, 2024: {"gongxu": 250}, 2025: {"gongxu": 300}}
    assert not build(rules(), credited, {}, NOW).eligibility.eligible
    assert build(CARRY, credited, {}, NOW).eligibility.eligible  # 2023's 6 over fill 2024's 5 short


def test_the_total_is_named_only_when_the_types_do_not_explain_it():
    henan_like = rules(required_hours={"gongxu": 30, "zhuanye": 0, "xuanxiu": 0, "total": 40})
    found = build(henan_like, {2025: {"gongxu": 250}}, {}, NOW)
    record = {record.year: record for record in found.years}[2025]
    assert record.shortfalls == {"gongxu": 50, "total": 150}
    assert {r.year: r for r in build(rules(), {2025: {"gongxu": 250}}, {}, NOW).years}[2025].shortfalls == {
        "gongxu": 50}


def test_a_year_whose_window_runs_into_the_next_is_still_open():
    guangdong = rules(GUANGDONG)
    march = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
    found = build(guangdong, {2026: {"gongxu": 100}}, {}, march)
    by_year = {record.year: record for record in found.years}
    assert by_year[2026].open and by_year[2027].open and not by_year[2025].open
    june = datetime(2027, 6, 1, 4, 0, tzinfo=UTC)
    assert not {r.year: r for r in build(guangdong, {}, {}, june).years}[2026].open
