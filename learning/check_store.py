"""The checks' database work (issue 19; the rules are learning.checks): what a heartbeat holds
and issues, and settling a check with its verdict. Helpers flush; the caller commits.

A heartbeat (learning.heartbeats) asks :func:`guard` before it writes anything: one query
reads the trainee's checks on the lesson, the rest is in memory. :func:`finish` writes what
it decided after the heartbeat's first write took the trainee's lock. Where the trainee's rule
set has no checks on, neither runs (:func:`rates` is empty without a query).
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from core import policy
from core.extensions import db
from courses.models import Lesson
from learning import check_kinds, check_review, checks, ledger
from learning.models import WatchCheck, WatchSession
from learning.rules import Limits, Outcome, merge_intervals

_OPEN = ("waiting", "due", "passed", "judging", "review")
# A check in review (a face the model failed, awaiting a person) lets the trainee go on: the gate
# moves past it, its stretch stays held on it.
_PASSED = ("passed", "review")
# Asked and not yet settled: shown in every heartbeat's answer (a face check being judged too).
_ASKED = ("due", "judging")
_ROWS = (select(WatchCheck).where(WatchCheck.user_id == bindparam("user_id"),
                                  WatchCheck.lesson_id == bindparam("lesson_id"),
                                  WatchCheck.slot.is_not(None), WatchCheck.state.in_(_OPEN))
         .order_by(WatchCheck.id))


def key() -> bytes:
    """The app's key of plans and nonces (learning.checks.key_from), derived once per process."""
    found = current_app.extensions.get("watch_checks_key")
    if found is None:
        found = current_app.extensions["watch_checks_key"] = checks.key_from(current_app.config["SECRET_KEY"])
    return found


def rates(rules) -> dict[str, float]:
    """Checks per hour of video of each kind the rule set turns on and this build can issue."""
    return {kind: rules.check_rule(kind).per_hour for kind in check_kinds.SCHEDULED
            if rules.check_rule(kind).enabled}


@dataclass
class Guarded:
    """A heartbeat's outcome with its held stretch taken out, the due check to show (if any),
    and what :func:`finish` writes: a new check row, a check the heartbeat found missed."""

    outcome: Outcome
    due: WatchCheck | None = None
    new: WatchCheck | None = None
    missed: WatchCheck | None = None
    notice: dict | None = None
    events: list = field(default_factory=list)


def guard(beat, outcome: Outcome, limits: Limits, rules, now: datetime) -> Guarded:
    """Hold what ``outcome`` (a judged heartbeat of ``beat``) played from the last passed check
    on; make the next check due once playback crossed it; a due check past its window is missed.
    Writes nothing (no autoflush): :func:`finish` does, under the trainee's lock."""
    points = checks.plan(key(), beat.user_id, beat.lesson_id, beat.duration, rates(rules))
    with db.session.no_autoflush:
        rows = db.session.scalars(_ROWS, {"user_id": beat.user_id, "lesson_id": beat.lesson_id}).all()
        at = checks.gate(points, {row.slot for row in rows if row.state in _PASSED})
        if at is None:
            return Guarded(outcome)
        guarded = Guarded(outcome)
        current = next((row for row in rows if row.slot == at.slot and row.state in ("waiting", *_ASKED)), None)
        if current is not None and current.state == "due" and not checks.window_open(current.window_ends_at, now):
            guarded.missed, guarded.notice = current, verdict_notice(current, "missed")
            current.state = "missed"
            current = None
        guarded.outcome, held = checks.hold(outcome, beat.intervals or [], at.start, limits)
        if current is None:
            current = guarded.new = WatchCheck(user_id=beat.user_id, lesson_id=beat.lesson_id, kind=at.kind,
                                               slot=at.slot, position=at.position, start=at.start,
                                               state="waiting", held=[])
        if held:
            current.held = merge_intervals([*(current.held or []), *held])
        if current.state == "waiting" and checks.crossed(current.held, at.position):
            issue(current, beat.id, beat.course_id, rules.check_rule(at.kind).window_seconds, now)
        elif current.state in _ASKED and current.session_id != beat.id:
            move(current, beat.id)
        guarded.due = current if current.state in _ASKED else None
    return guarded


def finish(guarded: Guarded, beat, ip: str, now: datetime) -> None:
    """Write what :func:`guard` decided (the caller holds the trainee's lock)."""
    if guarded.new is not None and (guarded.new.held or guarded.new.state == "due"):
        db.session.add(guarded.new)
    db.session.flush()
    if guarded.missed is not None:
        record_miss(guarded.missed, beat.course_id, beat.region_code, ip, now)


def answered(guarded: Guarded, now: datetime) -> dict:
    """What a heartbeat's answer adds (built before its commit expires the rows): the due
    check (``check``) and a check it found missed (``check_result``)."""
    extra = {"check": shown(guarded.due, now)} if guarded.due is not None else {}
    if guarded.notice is not None:
        extra["check_result"] = guarded.notice
    return extra


def idle_check(beat, now: datetime) -> WatchCheck:
    """The idle check ("您还在学习吗") due in ``beat``'s session, issued when there is none: a
    server challenge, no window; the session's ``attention_token`` names it (``c<id>``).
    The caller holds the trainee's lock."""
    token = beat.attention_token or ""
    check = db.session.get(WatchCheck, int(token[1:])) if token[:1] == "c" and token[1:].isdigit() else None
    if check is not None and check.state == "due":
        if check.session_id != beat.id:
            move(check, beat.id)
        return check
    # One idle check at a time: one asked in a session since closed ends here, unanswered.
    db.session.execute(update(WatchCheck).where(WatchCheck.user_id == beat.user_id, WatchCheck.kind == "idle",
                                                WatchCheck.state == "due")
                       .values(state="expired").execution_options(synchronize_session=False))
    check = WatchCheck(user_id=beat.user_id, lesson_id=beat.lesson_id, kind="idle", slot=None,
                       position=beat.position or 0.0, start=beat.position or 0.0, state="waiting", held=[])
    issue(check, beat.id, beat.course_id, 0, now)
    db.session.add(check)
    db.session.flush()
    beat.attention_token = f"c{check.id}"
    db.session.execute(update(WatchSession).where(WatchSession.id == beat.id)
                       .values(attention_token=beat.attention_token).execution_options(synchronize_session=False))
    return check


def issue(check: WatchCheck, session_id: str, course_id: int, window_seconds: float, now: datetime) -> None:
    """Make ``check`` due in ``session_id``: its kind draws the challenge, a nonce is made."""
    check_kinds.kind(check.kind).issue(check, course_id)
    check.state, check.session_id = "due", session_id
    check.issued_at = now
    check.window_ends_at = checks.window_end(now, window_seconds) if window_seconds else None
    check.nonce_hash = checks.nonce_hash(nonce_of(check))


def move(check: WatchCheck, session_id: str) -> None:
    """A due check asked again in the trainee's new session: a new nonce, the same window."""
    check.session_id = session_id
    check.nonce_hash = checks.nonce_hash(nonce_of(check))


def nonce_of(check: WatchCheck) -> str:
    return checks.nonce(key(), check.user_id, check.lesson_id, check.slot, check.session_id, check.issued_at)


def shown(check: WatchCheck, now: datetime) -> dict:
    """A due check as the player receives it: the nonce, the challenge without its answer, the
    window, where the stretch it holds began (``rewind_to``)."""
    left = None if check.window_ends_at is None else max(0, round((check.window_ends_at - now).total_seconds()))
    return {"nonce": nonce_of(check), "kind": check.kind, "state": check.state, "position": check.position,
            "rewind_to": check.start if check.slot is not None else None,
            "window_ends_at": check.window_ends_at.isoformat() if check.window_ends_at else None,
            "seconds_left": left, **check_kinds.kind(check.kind).shown(check)}


def verdict_notice(check: WatchCheck, state: str) -> dict:
    """What the player tells the trainee of a failed or missed check (Chinese; never the answer)."""
    minutes, seconds = divmod(int(check.start), 60)
    where = f"{minutes}:{seconds:02d}"  # as the player's clock shows it
    if state == "missed":
        message = _("检查未在规定时间内作答，自 %(at)s 以来的学习不计学时。请从 %(at)s 重新观看这一段。", at=where)
    else:
        message = _("回答不正确，自 %(at)s 以来的学习不计学时。请从 %(at)s 重新观看这一段。", at=where)
    return {"state": state, "message": message, "rewind_to": check.start}


def misses(user_id: int, course_id: int) -> int:
    """Failed and missed scheduled checks of the trainee on the course's lessons."""
    query = (select(func.count()).select_from(WatchCheck).join(Lesson, Lesson.id == WatchCheck.lesson_id)
             .where(WatchCheck.user_id == user_id, Lesson.course_id == course_id,
                    WatchCheck.slot.is_not(None), WatchCheck.state.in_(("failed", "missed"))))
    return db.session.scalar(query)


def record_miss(check: WatchCheck, course_id: int, region: str | None, ip: str, now: datetime) -> bool:
    """Record a failed or missed check as an integrity event, and one more when the course's
    misses since its last clearance went over the rule set's allowance (its credit is then held:
    learning.check_review). Whether they did."""
    held = round(sum(b - a for a, b in check.held or []), 3)
    ledger.record_event(check.user_id, f"check_{check.state}", now, session_id=check.session_id,
                        lesson_id=check.lesson_id, claimed=held, ip=ip, check_kind=check.kind,
                        position=check.position)
    standing = check_review.standing(check.user_id, course_id, policy.rules_for(region), now)
    if not standing.held:
        return False
    ledger.record_event(check.user_id, "checks_over_allowance", now, session_id=check.session_id,
                        lesson_id=check.lesson_id, ip=ip, course_id=course_id, misses=standing.misses,
                        allowed=standing.allowed)
    return True
