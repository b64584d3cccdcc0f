"""The province rules as plain functions, across the three seeded rule sets and year
boundaries in China Standard Time (docs/rules.md rule 14)."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.policy import rulebook, ruledata
from core.policy.examples import EXAMPLES, GUANGDONG, HENAN, NATIONAL
from core.policy.rulebook import RuleError

CST = timezone(timedelta(hours=8))
BOOK = [ruledata.load(data) for data in EXAMPLES]
GUANGZHOU, ZHENGZHOU, BEIJING = "440106", "410105", "110105"


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=CST)


def test_the_most_specific_prefix_wins_and_the_nation_is_the_fallback():
    assert rulebook.effective(BOOK, GUANGZHOU, 2026).name == "广东省（示例）"
    assert rulebook.effective(BOOK, ZHENGZHOU, 2026).name == "河南省（示例）"
    assert rulebook.effective(BOOK, BEIJING, 2026).name == "全国"
    assert rulebook.effective(BOOK, None, 2026).name == "全国"
    city = ruledata.load({**GUANGDONG, "prefix": "4401", "name": "广州市", "minutes_per_hour": 50})
    assert rulebook.effective([*BOOK, city], GUANGZHOU, 2026).name == "广州市"
    assert rulebook.effective([*BOOK, city], "440305", 2026).name == "广东省（示例）"


def test_a_version_governs_the_years_it_is_in_force_by_their_end():
    later = ruledata.load({**GUANGDONG, "effective_from": "2027-06-01", "minutes_per_hour": 50})
    book = [*BOOK, later]
    assert rulebook.effective(book, GUANGZHOU, 2026).minutes_per_hour == 45
    assert rulebook.effective(book, GUANGZHOU, 2027).minutes_per_hour == 50
    # Before Guangdong's first version the nation's rules governed Guangdong.
    assert rulebook.effective(BOOK, GUANGZHOU, 2023).name == "全国"


def test_a_course_finished_in_march_counts_for_guangdong_last_year_and_the_nation_this_year():
    moment = cst(2027, 3, 1, 10)
    assert rulebook.year_of(BOOK, "gongxu", GUANGZHOU, moment) == 2026
    assert rulebook.year_of(BOOK, "gongxu", BEIJING, moment) == 2027
    assert rulebook.year_of(BOOK, "zhuanye", GUANGZHOU, moment) == 2027  # only 公需 runs on


def test_a_full_year_sends_overlapping_credit_to_the_next():
    moment = cst(2027, 3, 1, 10)
    assert rulebook.year_of(BOOK, "gongxu", GUANGZHOU, moment, full=[2026]) == 2027
    assert rulebook.year_of(BOOK, "gongxu", GUANGZHOU, cst(2027, 5, 1, 0, 1)) == 2027


def test_year_boundaries_are_china_standard_time():
    new_year_in_beijing = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January in Beijing
    assert rulebook.year_of(BOOK, "gongxu", BEIJING, new_year_in_beijing) == 2027
    assert rulebook.year_of(BOOK, "gongxu", BEIJING, new_year_in_beijing - timedelta(hours=1)) == 2026


def test_henan_locks_its_year_on_15_december():
    assert not rulebook.locked(BOOK, ZHENGZHOU, 2026, cst(2026, 12, 15, 23, 59))
    assert rulebook.locked(BOOK, ZHENGZHOU, 2026, cst(2026, 12, 16, 0, 1))
    assert rulebook.year_of(BOOK, "gongxu", ZHENGZHOU, cst(2026, 12, 15, 12)) == 2026
    assert rulebook.year_of(BOOK, "gongxu", ZHENGZHOU, cst(2026, 12, 20, 12)) is None
    assert rulebook.year_of(BOOK, "gongxu", ZHENGZHOU, cst(2027, 1, 1, 0, 5)) == 2027
    assert not rulebook.locked(BOOK, BEIJING, 2026, cst(2027, 6, 1))


def test_hours_for_follows_minutes_per_hour():
    national = rulebook.effective(BOOK, BEIJING, 2026)
    assert rulebook.hours_for(national, 45 * 60) == 10
    assert rulebook.hours_for(national, 45 * 60 - 1) == 9
    assert rulebook.hours_for(national, 0) == 0
    fifty = ruledata.load({**GUANGDONG, "minutes_per_hour": 50})
    assert rulebook.hours_for(fifty, 45 * 60) == 9


def test_standing_is_met_only_when_every_type_and_the_total_are():
    guangdong = rulebook.effective(BOOK, GUANGZHOU, 2026)
    short = rulebook.standing(guangdong, {"gongxu": 300, "zhuanye": 600})
    assert short.total == 900 and not short.met and short.short_types == ["xuanxiu"]
    assert rulebook.standing(guangdong, {"gongxu": 300, "zhuanye": 420, "xuanxiu": 180}).met
    national = rulebook.effective(BOOK, BEIJING, 2026)
    assert rulebook.standing(national, {"gongxu": 300}).met
    assert not rulebook.standing(national, {"gongxu": 200, "xuanxiu": 100}).met
    assert rulebook.full_types(guangdong, {"gongxu": 300}) == {"gongxu"}


def test_the_settings_build_the_national_set_when_none_is_stored():
    fallback = rulebook.national_default(45, 30)
    assert rulebook.effective([fallback], GUANGZHOU, 2026) == fallback
    assert fallback.total_tenths == 300 and fallback.required("gongxu") == 300
    with pytest.raises(LookupError):
        rulebook.effective([ruledata.load(GUANGDONG)], BEIJING, 2026)


def test_json_round_trip():
    for data in EXAMPLES:
        assert ruledata.dump(ruledata.load(data)) == data


@pytest.mark.parametrize(("change", "field"), [
    ({"prefix": "4"}, "prefix"),
    ({"prefix": "44a"}, "prefix"),
    ({"effective_from": "2026-13-01"}, "effective_from"),
    ({"minutes_per_hour": 0}, "minutes_per_hour"),
    ({"minutes_per_hour": "45"}, "minutes_per_hour"),
    ({"required_hours": {"gongxu": -1}}, "required_hours.gongxu"),
    ({"required_hours": {"gongxu": "abc"}}, "required_hours.gongxu"),
    ({"required_hours": {"gongxu": 0.25}}, "required_hours.gongxu"),
    ({"required_hours": {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18, "total": 80}}, "required_hours.total"),
    ({"windows": {"gongxu": {"start": "05-01", "end": "04-30"}}}, "windows.gongxu"),
    ({"windows": {"gongxu": {"start": "02-30", "end": "+1-04-30"}}}, "windows.gongxu.start"),
    ({"windows": {"other": {"start": "01-01", "end": "12-31"}}}, "windows"),
    ({"lock": "01-01"}, "lock"),
    ({"lock": "12/15"}, "lock"),
    ({"daily_cap_hours": 0}, "daily_cap_hours"),
    ({"test_required": "yes"}, "test_required"),
])
def test_bad_rules_are_refused_naming_the_field(change, field):
    with pytest.raises(RuleError) as refused:
        ruledata.load({**GUANGDONG, **change})
    assert refused.value.field == field and refused.value.message


def test_a_total_below_the_parts_is_allowed_where_that_is_not_the_rule():
    rules = ruledata.load({**GUANGDONG, "total_covers_parts": False,
                           "required_hours": {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18, "total": 60}})
    assert rules.total_tenths == 600


def test_a_change_over_a_locked_year_is_found():
    now = cst(2026, 12, 20)
    moved = ruledata.load({**HENAN, "lock": "12-31"})
    assert rulebook.locked_years_changed(BOOK, rulebook.with_version(BOOK, moved), "41", now) == [2024, 2025, 2026]
    next_year = ruledata.load({**HENAN, "effective_from": "2027-01-01", "lock": "12-31"})
    assert rulebook.locked_years_changed(BOOK, rulebook.with_version(BOOK, next_year), "41", now) == []
    renamed = ruledata.load({**HENAN, "name": "河南省", "source": "新的说明"})
    assert rulebook.locked_years_changed(BOOK, rulebook.with_version(BOOK, renamed), "41", now) == []
    assert rulebook.without(BOOK, "41") == [rule for rule in BOOK if rule.prefix != "41"]


def test_national_example_matches_the_default_settings():
    assert rulebook.effective([ruledata.load(NATIONAL)], BEIJING, 2026).terms()[:3] == \
        rulebook.national_default(45, 30).terms()[:3]


def test_declared_hours_are_four_per_half_day_and_at_most_eight_a_day():
    from datetime import date
    national = rulebook.effective(BOOK, BEIJING, 2026)
    assert rulebook.declared_hours(national, date(2026, 3, 2), date(2026, 3, 2)) == (80, 80)
    assert rulebook.declared_hours(national, date(2026, 3, 2), date(2026, 3, 4)) == (240, 240)
    assert rulebook.declared_hours(national, date(2026, 3, 4), date(2026, 3, 2)) == (0, 0)
    province = ruledata.load({**GUANGDONG, "declared_hours_per_half_day": 3, "declared_max_hours_per_day": 7})
    assert rulebook.declared_hours(province, date(2026, 3, 2), date(2026, 3, 3)) == (120, 140)
    capped = ruledata.load({**GUANGDONG, "declared_hours_per_half_day": 5, "declared_max_hours_per_day": 8})
    assert rulebook.declared_hours(capped, date(2026, 3, 2), date(2026, 3, 2)) == (80, 80)


def test_declared_numbers_round_trip_and_old_sets_stay_valid():
    assert "declared_hours_per_half_day" not in ruledata.dump(ruledata.load(NATIONAL))
    changed = {**GUANGDONG, "declared_hours_per_half_day": 3.5, "declared_max_hours_per_day": 7}
    assert ruledata.dump(ruledata.load(changed)) == changed
    for value in (0, -1, 13, "x", True):
        with pytest.raises(RuleError) as refused:
            ruledata.load({**GUANGDONG, "declared_hours_per_half_day": value})
        assert refused.value.field == "declared_hours_per_half_day"
    with pytest.raises(RuleError) as refused:
        ruledata.load({**GUANGDONG, "declared_max_hours_per_day": 25})
    assert refused.value.field == "declared_max_hours_per_day"


def test_a_declared_training_counts_toward_the_earliest_open_year_of_its_end_date():
    from datetime import date
    now = datetime(2026, 12, 20, 4, tzinfo=UTC)
    # Guangdong's 公需 year runs to 30 April of the next year: February counts toward the year before.
    assert rulebook.declared_year(BOOK, "gongxu", GUANGZHOU, date(2026, 2, 1), now) == (2025, "")
    assert rulebook.declared_year(BOOK, "zhuanye", GUANGZHOU, date(2026, 2, 1), now) == (2026, "")
    # Henan locks a year after 15 December.
    assert rulebook.declared_year(BOOK, "gongxu", ZHENGZHOU, date(2026, 6, 1), now) == (None, "year_locked")
    early = datetime(2026, 12, 10, 4, tzinfo=UTC)
    assert rulebook.declared_year(BOOK, "gongxu", ZHENGZHOU, date(2026, 6, 1), early) == (2026, "")
