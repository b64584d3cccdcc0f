"""The day counter behind a province's daily cap (docs/rules.md rule 14): plain functions."""
from datetime import UTC, date, datetime

from learning.rules import DayCount, daily_cap_reached, daily_cap_seconds, day_count


def test_the_counter_keeps_the_day_in_china_and_starts_again_on_a_new_one():
    late_evening = datetime(2026, 5, 10, 15, 59, tzinfo=UTC)  # 23:59 in China
    assert day_count(date(2026, 5, 10), 600.0, late_evening) == DayCount(date(2026, 5, 10), 600.0)
    after_midnight = datetime(2026, 5, 10, 16, 1, tzinfo=UTC)  # 00:01 on 11 May in China
    assert day_count(date(2026, 5, 10), 600.0, after_midnight) == DayCount(date(2026, 5, 11), 0.0)
    assert day_count(None, None, late_evening) == DayCount(date(2026, 5, 10), 0.0)
    assert day_count(date(2026, 5, 10), 600.0, late_evening).plus(15).seconds == 615.0


def test_the_cap_is_reached_at_its_hours_in_seconds_of_the_regions_unit():
    assert daily_cap_seconds(None, 45) is None
    cap = daily_cap_seconds(80, 45)  # 8 学时 of 45 minutes
    assert cap == 8 * 45 * 60
    today = date(2026, 5, 10)
    assert not daily_cap_reached(DayCount(today, cap - 1), cap)
    assert daily_cap_reached(DayCount(today, cap), cap)
    assert not daily_cap_reached(DayCount(today, 10 ** 6), None)
