"""Settling a check with its verdict (issue 19), the same for every kind: a pass credits the
stretch the check held (as a heartbeat would have: coverage, the day's count, the course's
completion) and carries what lies past it to the next check; a fail leaves the stretch
uncredited, records it, and sends the trainee back to where it began. The idle check holds no
stretch: its pass moves the next one on, its fail asks again. Helpers flush; the caller commits.
"""
from datetime import datetime, timedelta

from flask_babel import gettext as _

from core import policy
from core.extensions import db
from learning import check_kinds, check_store, checks, heartbeats, ledger
from learning.models import LessonProgress, WatchCheck
from learning.rules import day_count, is_complete, merge_intervals, resume_clock, total_length


def settle(check: WatchCheck, passed: bool, locked, ip: str, now: datetime, paused: bool = True) -> dict:
    """Apply the verdict on ``check`` (a due check of ``locked``, the trainee's locked session)
    and return the answer to the player. Time spent on a check that paused playback (``paused``)
    cannot be claimed later; a face check judged off the hot path did not pause it."""
    check.state, check.answered_at = ("passed" if passed else "failed"), now
    if paused:
        locked.budget.played_until = resume_clock(locked.budget.played_until, now)
    if check.slot is None:
        return _idle(check, passed, locked, now)
    if not passed:
        review = check_store.record_miss(check, locked.course_id, locked.region_code, ip, now)
        if locked.progress is not None:
            locked.progress.position = check.start
        notice = check_store.verdict_notice(check, "failed")
        db.session.flush()
        return {"verdict": "failed", "credited_seconds": 0.0, "message": notice["message"],
                "rewind_to": check.start, "review": review}
    credited = _pass(check, locked, now)
    return {"verdict": "passed", "credited_seconds": round(credited, 3), "lesson": _lesson(locked),
            "course": heartbeats.course_state(check.user_id, locked.course_id, _credit_tenths(locked),
                                              locked.region_code, locked.progress.completed_at is not None)}


def apply_verdict(check: WatchCheck, locked, ip: str, now: datetime) -> dict:
    """A ``judging`` check (a face frame posted): the verdict its kind has now, applied — passed
    or failed as :func:`settle`, ``review`` (a person decides) as :func:`hold_for_review`,
    ``pending`` changes nothing. The answer carries the kind's message for the trainee."""
    outcome, message = check_kinds.kind(check.kind).verdict(check)
    if outcome == "pending":
        return {"verdict": "pending", "credited_seconds": 0.0, "message": message}
    if outcome == "review":
        answer = hold_for_review(check, locked, now)
    else:
        answer = settle(check, outcome, locked, ip, now, paused=False)
    return {**answer, "message": message}


def hold_for_review(check: WatchCheck, locked, now: datetime) -> dict:
    """A face the model could not pass: the gate moves on (what was played past the check is
    carried to the next one) while the stretch up to the check stays held on it, uncredited,
    until a person decides (:func:`credit_reviewed`)."""
    check.state, check.answered_at = "review", now
    check.held = _carry(check, locked)
    db.session.flush()
    return {"verdict": "review", "credited_seconds": 0.0}


def credit_reviewed(check: WatchCheck, locked, accept: bool, now: datetime) -> float:
    """A person's decision on a check in review (``locked``: the trainee's locked session of it):
    accepted, its held stretch is credited as a pass would have (coverage, the day, the course's
    ledger row on completion; seconds re-watched meanwhile count once); rejected, it stays
    uncredited (``failed``). The seconds newly credited."""
    if check.state != "review":
        return 0.0
    check.state = "passed" if accept else "failed"
    if not accept:
        db.session.flush()
        return 0.0
    return credit_stretch(locked, check.held or [], now)


def _pass(check: WatchCheck, locked, now: datetime) -> float:
    return credit_stretch(locked, _carry(check, locked), now)


def _carry(check: WatchCheck, locked) -> list:
    """The check's held stretch up to it; what lies past it goes on to the following check."""
    rules = policy.rules_for(locked.region_code)
    points = checks.plan(check_store.key(), check.user_id, check.lesson_id, locked.duration,
                         check_store.rates(rules))
    following = next((point for point in points if point.position > check.position), None)
    credit, carry = checks.release(check.held or [], check.position, following.position if following else None)
    if carry and following is not None:
        db.session.add(WatchCheck(user_id=check.user_id, lesson_id=check.lesson_id, kind=following.kind,
                                  slot=following.slot, position=following.position, start=check.position,
                                  state="waiting", held=carry))
    return credit


def credit_stretch(locked, stretch, now: datetime) -> float:
    """Merge ``stretch`` into the lesson's coverage; count it for the day; credit the course when
    the lesson completes it. The seconds newly covered."""
    progress = locked.progress
    if progress is None:
        progress = locked.progress = LessonProgress(user_id=locked.session.user_id, lesson_id=locked.session.lesson_id,
                                                    course_id=locked.course_id, intervals=[], covered_seconds=0.0)
        db.session.add(progress)
    before = progress.intervals or []
    merged = merge_intervals([*before, *stretch])
    gained = total_length(merged) - total_length(before)
    progress.intervals, progress.covered_seconds, progress.updated_at = merged, total_length(merged), now
    limits = heartbeats.limits_for(locked.duration)
    if progress.completed_at is None and is_complete(progress.covered_seconds, limits):
        progress.completed_at = now
    today = day_count(locked.budget.day, locked.budget.day_seconds, now).plus(gained)
    locked.budget.day, locked.budget.day_seconds = today.day, today.seconds
    db.session.flush()
    if progress.completed_at is not None and locked.credit is None:
        locked.credit = ledger.credit_course_if_complete(locked.session.user_id, locked.course_id, now)
    return gained


def _idle(check: WatchCheck, passed: bool, locked, now: datetime) -> dict:
    """The idle check: passed, the next falls due after the usual minutes; failed, the next
    heartbeat asks a new one (nothing is credited meanwhile)."""
    session = locked.session
    session.attention_token = None
    if passed:
        session.attention_due_at = now + timedelta(minutes=policy.attention_check_minutes())
    db.session.flush()
    if passed:
        return {"verdict": "passed", "credited_seconds": 0.0}
    return {"verdict": "failed", "credited_seconds": 0.0, "rewind_to": None,
            "message": _("回答不正确。请回答新的问题后继续学习。")}


def _lesson(locked) -> dict:
    progress = locked.progress
    return {"id": locked.session.lesson_id, "duration_seconds": locked.duration,
            "covered_seconds": round(progress.covered_seconds, 3), "completed": progress.completed_at is not None,
            "position": progress.position or 0.0}


def _credit_tenths(locked) -> int | None:
    return locked.credit.hours_tenths if locked.credit is not None else None
