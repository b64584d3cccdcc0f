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
    heartbeat_allowance,
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


# --- rule 5a on the server's clock: late answers clip no honest seconds ----------------------

def late_player(rounds: int, queued: float, interval: float = 15.0):
    """An honest player at 1× behind a server whose every answer comes ``queued`` seconds late:
    it sends a heartbeat ``interval`` s after the previous answer arrived, claiming everything
    played since its previous heartbeat; the server answers when the request's turn comes.
    Yields (claim, when the server handles it, when it handled the previous one or None)."""
    sent, handled_before = 0.0, None  # the session opened at T0
    for _ in range(rounds):
        send = interval if handled_before is None else handled_before + interval
        handled = send + queued
        yield (sent, send), handled, handled_before
        sent, handled_before = send, handled


def last(seconds: float | None) -> datetime | None:
    return None if seconds is None else at(seconds)


def test_an_honest_player_whose_answers_come_late_is_credited_every_second():
    intervals, start, played, now = [], T0, 0.0, 0.0
    for n, ((a, b), handled, previous) in enumerate(late_player(rounds=12, queued=25)):
        outcome = apply_heartbeat(intervals, start, Claim(n + 1, [(a, b)]), at(handled), LIMITS,
                                  last_beat=last(previous))
        assert outcome.events == [] and outcome.credited_seconds == b - a
        intervals, start, played, now = outcome.intervals, next_start(outcome), played + b - a, handled
    assert b - a > LIMITS.per_heartbeat  # each claim was longer than two intervals' worth
    assert total_length(intervals) == played <= now  # every second played, never more than wall time


def test_a_late_claim_is_measured_from_the_servers_last_acknowledged_beat():
    assert heartbeat_allowance(at(40), at(80), LIMITS) == 40 + LIMITS.slack_seconds
    assert heartbeat_allowance(at(70), at(80), LIMITS) == LIMITS.per_heartbeat  # never less than two intervals
    assert heartbeat_allowance(None, at(80), LIMITS) == LIMITS.per_heartbeat


def test_a_long_claim_soon_after_the_last_beat_is_still_cut():
    outcome = apply_heartbeat([], T0, Claim(2, [(0, 60)]), at(600), LIMITS, last_beat=at(590))
    assert outcome.covered_seconds == LIMITS.per_heartbeat
    assert outcome.events == [{"kind": "oversized_heartbeat", "allowed": LIMITS.per_heartbeat}]


def test_a_long_wait_since_the_last_beat_earns_no_more_than_wall_time():
    # Another session of the trainee used the wall clock up to 10 s ago: this session's long
    # silence opens rule 5a, but the trainee's clock (5b) still allows only those 10 s.
    outcome = apply_heartbeat([], at(590), Claim(2, [(0, 300)]), at(600), LIMITS, last_beat=at(0))
    assert outcome.covered_seconds == 10 + LIMITS.slack_seconds
    assert [e["kind"] for e in outcome.events] == ["faster_than_real_time"]
    # A script claiming twice real time, however late its answers, earns real time only.
    intervals, start = [], T0
    for n, ((a, b), handled, previous) in enumerate(late_player(rounds=6, queued=30)):
        outcome = apply_heartbeat(intervals, start, Claim(n + 1, [(2 * a, 2 * b)]), at(handled), LIMITS,
                                  last_beat=last(previous))
        intervals, start = outcome.intervals, next_start(outcome)
    assert total_length(intervals) <= handled + LIMITS.slack_seconds
