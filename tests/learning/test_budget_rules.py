"""The trainee's wall-clock budget on its own: one clock across all sessions and lessons.

No app, no database, time injected. :class:`Trainee` keeps what the database keeps (the
budget's clock, each lesson's coverage, the open session) and applies the rules as the
heartbeat does.
"""
from datetime import UTC, datetime, timedelta

import pytest

from learning.rules import (
    MAX_SEQ,
    Claim,
    Limits,
    SegmentError,
    apply_heartbeat,
    attention_due,
    budget_start,
    parse_claim,
    resume_clock,
    session_open_turn,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LIMITS = Limits(duration=600.0, max_rate=1.0, slack_seconds=3.0, heartbeat_seconds=15.0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Trainee:
    """One trainee's state as the heartbeat sees it; ``per_session`` keeps the budget per
    session instead (the rule before this one), to show what it let through."""

    def __init__(self, per_session: bool = False):
        self.per_session = per_session
        self.played_until: datetime | None = None
        self.coverage: dict[str, list] = {}
        self.opened_at = T0
        self.lesson = ""
        self.seq = 0

    def open(self, lesson: str, seconds: float) -> None:
        self.lesson, self.opened_at, self.seq = lesson, at(seconds), 0
        if self.per_session:
            self.played_until = None

    def claim(self, segments, seconds: float) -> float:
        """Send a heartbeat at T0 + ``seconds``; the seconds newly covered."""
        self.seq += 1
        outcome = apply_heartbeat(self.coverage.get(self.lesson, []), budget_start(self.played_until, self.opened_at),
                                  Claim(self.seq, segments), at(seconds), LIMITS)
        self.coverage[self.lesson] = outcome.intervals
        self.played_until = outcome.played_until
        return outcome.credited_seconds

    @property
    def covered(self) -> float:
        return sum(b - a for intervals in self.coverage.values() for a, b in intervals)


@pytest.mark.parametrize("per_session,cut", [(False, True), (True, False)])
def test_a_fresh_session_before_every_claim_buys_no_time(per_session, cut):
    trainee = Trainee(per_session)
    for n in range(40):  # the scripted cheat: 40 sessions in 1.2 s, each claiming 3 s more
        trainee.open("a", n * 0.03)
        trainee.claim([(n * 3.0, n * 3.0 + 3)], n * 0.03 + 0.01)
    within = trainee.covered <= 1.2 * LIMITS.max_rate + LIMITS.slack_seconds
    assert within is cut  # the per-session budget (the old rule) let ~100× real time through


def test_two_lessons_alternating_share_one_budget():
    trainee = Trainee()
    for n in range(20):  # switch lesson every 0.5 s, each time claiming a full heartbeat
        trainee.open("ab"[n % 2], n * 0.5)
        position = (n // 2) * 15.0
        trainee.claim([(position, position + 15)], n * 0.5 + 0.25)
    assert trainee.covered <= 10 * LIMITS.max_rate + LIMITS.slack_seconds


def test_an_honest_trainee_switching_lessons_is_credited_every_second():
    trainee = Trainee()
    clock = 0.0
    for lesson in ("a", "b", "a", "c"):  # 2 minutes of each, then switch (the next lesson opens 2 s later)
        trainee.open(lesson, clock)
        start = trainee.coverage.get(lesson, [[0, 0]])[-1][1]
        for n in range(8):
            clock += 15.0
            assert trainee.claim([(start + n * 15.0, start + n * 15.0 + 15)], clock + 0.4) == 15
        clock += 2.0
    assert trainee.covered == 4 * 120


def test_a_queue_flushed_late_is_credited_within_the_time_since_earlier_playback():
    trainee = Trainee()
    trainee.open("a", 0)
    for n in range(4):  # one minute online
        trainee.claim([(n * 15.0, n * 15.0 + 15)], (n + 1) * 15)
    trainee.open("b", 70)  # then lesson b, played offline for two minutes, flushed at 3:15
    credited = [trainee.claim([(n * 15.0, n * 15.0 + 15)], 195) for n in range(8)]
    assert credited == [15] * 8 and trainee.covered == 60 + 120
    # a queue claiming more than the time since the earlier playback gets that time only
    trainee.open("c", 196)
    credited = sum(trainee.claim([(n * 15.0, n * 15.0 + 15)], 226) for n in range(8))
    assert credited == 30 + LIMITS.slack_seconds


def test_a_long_honest_day_with_reloads_is_credited_in_full():
    trainee, clock, watched = Trainee(), 0.0, 0.0
    for lesson in range(16):  # 16 lessons of 10 minutes, a reload in the middle of each
        for part in range(2):
            trainee.open(f"lesson{lesson}", clock + 3)  # page load: 3 s before the session opens
            clock += 3
            for n in range(20):  # 5 minutes: heartbeats every 15 s, arriving up to 1.5 s late
                position = part * 300 + n * 15.0
                clock += 15.0
                watched += trainee.claim([(position, position + 15)], clock + (n % 4) * 0.5)
        clock += 120  # a break between lessons
    assert watched == 16 * 600 and trainee.covered == 16 * 600


def test_time_waiting_on_an_attention_check_cannot_be_claimed_later():
    trainee = Trainee()
    trainee.open("a", 0)
    trainee.claim([(0, 15)], 15)
    trainee.played_until = resume_clock(trainee.played_until, at(75))  # the check answered a minute later
    assert trainee.claim([(15, 45)], 76) == 1 + LIMITS.slack_seconds
    assert resume_clock(None, at(5)) == at(5)
    assert resume_clock(at(10), at(5)) == at(10)


def test_a_new_session_keeps_the_earliest_attention_check_due():
    assert attention_due([], at(0), 10) == at(600)
    assert attention_due([at(-5)], at(0), 10) == at(-5)  # one was waiting: due at once
    assert attention_due([None, at(120)], at(0), 10) == at(120)  # reopening does not postpone it
    assert attention_due([at(-5)], at(0), 0) is None  # checks off


def test_session_openings_burst_then_pace():
    turns, pacing = [], None
    for n in range(14):
        turn = session_open_turn(pacing, at(n * 0.1), per_minute=12)
        turns.append(turn.allowed)
        pacing = turn.opens_until
    assert turns == [True] * 12 + [False, False]
    refused = session_open_turn(pacing, at(1.4), per_minute=12)
    assert refused.retry_after == pytest.approx(5 - 1.4)
    assert session_open_turn(pacing, at(5.0), per_minute=12).allowed
    assert session_open_turn(pacing, at(0), per_minute=0).allowed  # 0 turns it off


def test_honest_lesson_switching_is_never_paced():
    pacing = None
    for n in range(60):  # a lesson switch or reload every 5 s for five minutes
        turn = session_open_turn(pacing, at(n * 5.0), per_minute=12)
        assert turn.allowed
        pacing = turn.opens_until


@pytest.mark.parametrize("body,code", [
    ([1], "invalid_body"),
    ({"seq": 2**63, "segments": []}, "invalid_seq"),
    ({"seq": 10**30, "segments": []}, "invalid_seq"),
    ({"seq": MAX_SEQ + 1, "segments": []}, "invalid_seq"),
    ({"seq": 0, "segments": []}, "invalid_seq"),
    ({"seq": 1.5, "segments": []}, "invalid_seq"),
    ({"seq": 1, "segments": [[0, 10**400]]}, "invalid_segments"),
    ({"seq": 1, "segments": [[-10**400, 5]]}, "invalid_segments"),
    ({"seq": 1, "segments": [[0, 5]], "rate": 10**400}, "invalid_rate"),
    ({"seq": 1, "segments": [[0, 5]], "rate": -1}, "invalid_rate"),
    ({"seq": 1, "segments": [[0, 5]], "rate": "fast"}, "invalid_rate"),
    ({"seq": 1, "segments": [[0, 5]], "rate": float("nan")}, "invalid_rate"),
])
def test_numbers_out_of_range_are_refused(body, code):
    with pytest.raises(SegmentError) as refused:
        parse_claim(body, LIMITS)
    assert refused.value.code == code


def test_a_claim_in_range_is_read_and_an_odd_position_dropped():
    claim = parse_claim({"seq": MAX_SEQ, "segments": [[0, 5]], "rate": 1, "position": 10**400}, LIMITS)
    assert claim == Claim(seq=MAX_SEQ, segments=[(0, 5)], position=None, rate=1.0)
    assert parse_claim({"seq": 1, "segments": [], "position": 600.5}, LIMITS).position == 600
