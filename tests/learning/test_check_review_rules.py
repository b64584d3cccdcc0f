"""Misses over the allowance, as a rule (issue 19, learning.checks.held_for_review): no app."""
from datetime import UTC, datetime, timedelta

from learning import checks

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)
ALLOWED = {"question": 2, "face": 1, "idle": 0}


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_misses_within_the_allowance_do_not_hold_the_course():
    misses = [("question", at(1)), ("question", at(2))]
    assert not checks.held_for_review(misses, ALLOWED, None, at(10))
    assert not checks.held_for_review([], ALLOWED, None, at(10))


def test_one_miss_more_than_allowed_holds_the_course():
    misses = [("question", at(1)), ("question", at(2)), ("question", at(3))]
    assert checks.held_for_review(misses, ALLOWED, None, at(10))


def test_the_smallest_allowance_among_the_kinds_missed_counts():
    assert checks.held_for_review([("question", at(1)), ("face", at(2))], ALLOWED, None, at(10))
    assert not checks.held_for_review([("question", at(1)), ("question", at(2))], {"question": 2}, None, at(10))
    assert checks.held_for_review([("face", at(1))], {"question": 5}, None, at(10))  # a kind no longer named


def test_a_clearance_sets_aside_the_misses_before_it_and_new_ones_count_afresh():
    misses = [("question", at(1)), ("question", at(2)), ("question", at(3))]
    assert not checks.held_for_review(misses, ALLOWED, at(5), at(10))
    later = [*misses, ("question", at(6)), ("question", at(7))]
    assert not checks.held_for_review(later, ALLOWED, at(5), at(10))
    assert checks.held_for_review([*later, ("question", at(8))], ALLOWED, at(5), at(10))


def test_misses_after_now_are_not_counted_yet():
    misses = [("question", at(1)), ("question", at(2)), ("question", at(30))]
    assert not checks.held_for_review(misses, ALLOWED, None, at(10))
    assert checks.miss_counts_since(misses, at(1), at(40)) == {"question": 2}
