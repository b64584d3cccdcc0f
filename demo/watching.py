"""Watching a lesson to its end at a moment in the past, through the ledger and the rules.

What the heartbeat call (learning/heartbeats.py) does for each heartbeat, with ``now``
injected instead of read from the clock: open a session (pacing and one screen at a time),
claim the segments played since the previous heartbeat, let :func:`rules.apply_heartbeat`
credit what real time allows and record what it cuts, save the lesson's coverage, and
write the course's credit record once every lesson is complete. Nothing is written that a
real trainee's player could not have caused. Helpers flush; the caller commits.
"""
from datetime import datetime, timedelta

from core import policy
from courses.models import Lesson
from learning import ledger
from learning.heartbeats import limits_for
from learning.models import WatchBudget
from learning.rules import Claim, Outcome, apply_heartbeat, budget_start

RUSH_BEATS = 4


def watch_lesson(budget: WatchBudget, lesson: Lesson, opened_at: datetime, ip: str, rush: bool = False,
                 last: bool = True) -> datetime:
    """Play ``lesson`` from its start to its end from ``opened_at``; returns when playback ended.

    ``budget`` is the trainee's, locked in this transaction (:func:`ledger.lock_budget`, which
    holds the lock until the commit: one call serves every lesson watched before it).

    ``rush`` sends ``RUSH_BEATS`` heartbeats a tenth of a second apart, as a script would, and
    gives up: the trainee's clock (rule 5b) cuts the claims, integrity events record it, and
    the lesson is left incomplete.
    Attention checks are not answered: the demo world is made with them off (the default).
    ``last`` False (more lessons of the course follow) skips the course-credit check, which
    could not write anything before the course's last lesson is complete.
    """
    ledger.open_turn(budget, opened_at, policy.session_opens_per_minute())
    session = ledger.open_session(budget.user_id, lesson, opened_at, ip, 0.0)
    # What ledger.lock_session reads, without locking again (the lock is held till the commit):
    # the course is published and never withdrawn, its credit is checked when it is due.
    locked = ledger.LockedSession(session, lesson.video.duration_seconds, lesson.course_id, "published", None,
                                  ledger.progress_for(budget.user_id, lesson.id), None, budget)
    outcome, now, position = _play(locked, ip, rush)
    if outcome is not None:
        ledger.save_progress(locked, outcome.intervals, outcome.covered_seconds, position, outcome.completed, now)
        if outcome.completed and last:
            ledger.credit_course_if_complete(budget.user_id, locked.course_id, now)
    return now


def _play(locked: ledger.LockedSession, ip: str, rush: bool) -> tuple[Outcome | None, datetime, float]:
    """The heartbeats, from the start to the end, as the heartbeat call credits each (``_credit``
    in learning/heartbeats.py); the rows are written once, with the last heartbeat's values."""
    session, budget, limits = locked.session, locked.budget, limits_for(locked.duration)
    step, played_until, seq, played = limits.heartbeat_seconds, budget.played_until, session.last_seq or 0, 0.0
    intervals = locked.progress.intervals if locked.progress else []
    position, now, outcome, last_beat = 0.0, session.opened_at, None, session.last_heartbeat_at
    while position < locked.duration - 1e-6 and not (rush and seq - (session.last_seq or 0) >= RUSH_BEATS):
        now += timedelta(seconds=0.1 if rush else step)
        end, seq = min(position + step, locked.duration), seq + 1
        claim = Claim(seq=seq, segments=[(position, end)], position=end, rate=1.0)
        outcome = apply_heartbeat(intervals, budget_start(played_until, session.opened_at), claim, now, limits,
                                  last_beat=last_beat)
        played_until, played, last_beat = outcome.played_until, played + outcome.played_seconds, now
        for event in outcome.events:
            kind = event.pop("kind")
            ledger.record_event(session.user_id, kind, now, session_id=session.id, lesson_id=session.lesson_id,
                                claimed=end - position, credited=outcome.played_seconds, ip=ip, **event)
        intervals, position = outcome.intervals, end
    budget.played_until, session.last_seq, session.played_seconds = played_until, seq, played
    session.last_heartbeat_at = last_beat
    return outcome, now, position


def refused_on_a_second_screen(user_id: int, lesson: Lesson, opened_at: datetime, ip: str) -> datetime:
    """Open ``lesson`` on two screens: the first screen's next heartbeat is refused (rule 2)
    and recorded, as the heartbeat call records it. Returns the moment of the refusal."""
    budget, second_at = ledger.lock_budget(user_id), opened_at + timedelta(minutes=1)
    ledger.open_turn(budget, opened_at, policy.session_opens_per_minute())
    first = ledger.open_session(user_id, lesson, opened_at, ip, 0.0)
    ledger.open_turn(budget, second_at, policy.session_opens_per_minute())
    ledger.open_session(user_id, lesson, second_at, ip, 0.0)
    refused_at = opened_at + timedelta(minutes=1, seconds=15)
    ledger.record_event(user_id, "closed_session", refused_at, session_id=first.id, lesson_id=lesson.id, ip=ip)
    return refused_at

