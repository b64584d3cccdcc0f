"""The declaration rule as plain functions (no app): 4 学时 a half-day, at most 8 a day, the
credit year of the end date and why there is none."""
from datetime import UTC, date, datetime

from core.policy import rulebook, ruledata
from core.policy.examples import NATIONAL

NOW = datetime(2026, 12, 3, 4, tzinfo=UTC)
SPRING_START = ruledata.load({**NATIONAL, "prefix": "33", "effective_from": "2026-01-01",
                              "windows": {"zhuanye": {"start": "03-01", "end": "12-31"}}, "lock": "12-20"})
BOOK = [ruledata.load(NATIONAL), SPRING_START]


def test_hours_follow_the_dates():
    national = BOOK[0]
    assert rulebook.declared_hours(national, date(2026, 5, 6), date(2026, 5, 6)) == (80, 80)
    assert rulebook.declared_hours(national, date(2026, 5, 6), date(2026, 5, 8)) == (240, 240)
    assert rulebook.declared_hours(national, date(2026, 5, 8), date(2026, 5, 6)) == (0, 0)


def test_the_credit_year_is_open_or_says_why_not():
    assert rulebook.declared_year(BOOK, "zhuanye", "330106", date(2026, 5, 6), NOW) == (2026, "")
    # Before the window of 专业科目 opens on 1 March there is no year to count toward.
    assert rulebook.declared_year(BOOK, "zhuanye", "330106", date(2026, 2, 1), NOW) == (None, "window_closed")
    assert rulebook.declared_year(BOOK, "gongxu", "330106", date(2026, 2, 1), NOW) == (2026, "")
    after_lock = datetime(2026, 12, 21, 4, tzinfo=UTC)
    assert rulebook.declared_year(BOOK, "gongxu", "330106", date(2026, 5, 6), after_lock) == (None, "year_locked")
    assert rulebook.declared_year(BOOK, "gongxu", "110105", date(2026, 5, 6), after_lock) == (2026, "")
