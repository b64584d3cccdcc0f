"""The study-hour rules on their own: no app, no database, time injected."""
import math
from datetime import UTC, datetime, timedelta

import pytest

from learning.rules import (
    Claim,
    Limits,
    SegmentError,
    apply_heartbeat,
    budget_start,
    clip,
    credit_year,
    merge_intervals,
    parse_segments,
    total_length,
    trainee_allowance,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LIMITS = Limits(duration=600.0, max_rate=1.0, slack_seconds=3.0, heartbeat_seconds=15.0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def beat(intervals, start, claim_segments, at_seconds, seq=1, rate=None):
    """One heartbeat of a session opened at T0; ``start`` is the trainee's budget start."""
    return apply_heartbeat(intervals, start or T0, Claim(seq, claim_segments, rate=rate), at(at_seconds), LIMITS)


def next_start(outcome, opened_at=T0) -> datetime:
    return budget_start(outcome.played_until, opened_at)


def test_an_honest_viewer_at_1x_is_credited_every_second_watched():
    intervals, start = [], T0
    for n in range(40):  # 40 heartbeats of 15 s = the whole 600 s lesson
        outcome = beat(intervals, start, [(n * 15.0, n * 15.0 + 15)], at_seconds=(n + 1) * 15, seq=n + 1)
        assert outcome.events == [] and outcome.credited_seconds == 15
        intervals, start = outcome.intervals, next_start(outcome)
    assert intervals == [[0.0, 600.0]] and outcome.completed


def test_watching_a_part_twice_counts_once():
    first = beat([], 0, [(0, 15)], at_seconds=15)
    again = beat(first.intervals, next_start(first), [(0, 15)], at_seconds=30, seq=2)
    assert again.credited_seconds == 0 and again.covered_seconds == 15


def test_jumping_to_the_end_covers_only_what_was_played():
    outcome = beat([], 0, [(585, 600)], at_seconds=15)
    assert outcome.covered_seconds == 15 and not outcome.completed


def test_a_whole_lesson_in_one_heartbeat_is_cut_to_one_heartbeats_worth():
    outcome = beat([], 0, [(0, 600)], at_seconds=3600)
    assert outcome.covered_seconds == LIMITS.per_heartbeat
    assert [e["kind"] for e in outcome.events] == ["oversized_heartbeat"]


def test_segments_faster_than_real_time_are_cut_to_the_wall_clock():
    outcome = beat([], 0, [(0, 30)], at_seconds=10)  # 30 s claimed after 10 s
    assert outcome.covered_seconds == 10 + LIMITS.slack_seconds
    assert [e["kind"] for e in outcome.events] == ["faster_than_real_time"]


def test_a_16x_rate_earns_real_time_only():
    intervals, start = [], T0
    for n in range(10):  # each heartbeat every 15 s claims 240 s of content
        outcome = beat(intervals, start, [(n * 60.0, n * 60.0 + 60)], at_seconds=(n + 1) * 15,
                       seq=n + 1, rate=16.0)
        intervals, start = outcome.intervals, next_start(outcome)
        assert {"rate_above_limit"} <= {e["kind"] for e in outcome.events}
    assert total_length(intervals) <= 150 + LIMITS.slack_seconds


def test_heartbeats_queued_offline_and_flushed_late_are_all_credited():
    intervals, start = [], T0
    for n in range(8):  # 2 minutes watched offline, all 8 heartbeats arrive at 2:05
        outcome = beat(intervals, start, [(n * 15.0, n * 15.0 + 15)], at_seconds=125, seq=n + 1)
        assert outcome.events == []
        intervals, start = outcome.intervals, next_start(outcome)
    assert intervals == [[0.0, 120.0]]


@pytest.mark.parametrize("raw,code", [
    ("0-15", "invalid_segments"),
    ([[0]], "invalid_segments"),
    ([[0, "15"]], "invalid_segments"),
    ([[True, 15]], "invalid_segments"),
    ([[0, math.nan]], "invalid_segments"),
    ([[0, math.inf]], "invalid_segments"),
    ([[-5, 10]], "segment_out_of_range"),
    ([[590, 700]], "segment_out_of_range"),
    ([[10, 5]], "segments_unordered"),
    ([[10, 10]], "segments_unordered"),
    ([[20, 30], [0, 10]], "segments_unordered"),
    ([[0, 10], [5, 15]], "segments_unordered"),
    ([[i, i + 0.01] for i in range(3000)], "too_many_segments"),
])
def test_malformed_segments_are_refused(raw, code):
    with pytest.raises(SegmentError) as refused:
        parse_segments(raw, duration=600, max_segments=50)
    assert refused.value.code == code


def test_a_position_just_past_the_end_is_clamped_to_the_duration():
    assert parse_segments([[590, 600.4]], duration=600, max_segments=50) == [(590, 600)]


def test_merge_and_clip():
    assert merge_intervals([[10, 20], [0, 5], [5, 8], [15, 30]]) == [[0, 8], [10, 30]]
    assert clip([(0, 10), (20, 30)], 15) == [(0, 10), (20, 25)]
    assert clip([(0, 10)], -3) == []


def test_allowance_grows_with_wall_clock_and_shrinks_with_play():
    assert trainee_allowance(budget_start(at(50), T0), at(60), LIMITS) == 60 - 50 + 3
    assert trainee_allowance(budget_start(None, T0), at(60), LIMITS) == 60 + 3


def test_completion_uses_the_ratio():
    outcome = beat([[0.0, 555.0]], at(555), [(555, 570)], at_seconds=600)
    assert outcome.covered_seconds == 570 and outcome.completed  # 570 ≥ 0.95 × 600


@pytest.mark.parametrize("utc,year", [
    (datetime(2025, 12, 31, 15, 59, tzinfo=UTC), 2025),
    (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), 2026),  # midnight in Beijing
])
def test_credit_year_is_the_china_calendar_year(utc, year):
    assert credit_year(utc) == year
