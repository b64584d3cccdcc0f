"""Misses over the allowance (issue 19; the rule is learning.checks.held_for_review): a course whose
failed and missed checks, since its last clearance, went over the rule set's allowance is not
credited (learning.ledger.credit_course_if_complete asks :func:`held`) until either

- a person in scope clears it (:func:`clear`: the trainee's unit administrator or a bureau
  officer of the trainee's region, with a note; the caller audits), and the course is then
  credited if otherwise complete; or
- the trainee chooses 补录 (:func:`rewatch`): each lesson of the course with a miss since the
  last clearance starts again — its coverage, its completion and its checks — and must be
  watched again with new checks. What was re-watched is then credited as any study is.

Either one is a :class:`CheckClearance` row: misses up to its time no longer count; new misses
count afresh against the allowance. Helpers flush; the caller commits.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from accounts.models import User
from core import policy
from core.db import UTCDateTime
from core.extensions import db
from core.http import Refused
from courses.models import Course, Lesson
from learning import checks
from learning.models import CheckClearance, CreditRecord, LessonProgress, WatchCheck

MISSED = ("failed", "missed")
# When a check was failed (answered) or missed (its window ended).
MISS_AT = func.coalesce(WatchCheck.answered_at, WatchCheck.window_ends_at, WatchCheck.created_at,
                        type_=UTCDateTime)


def allowances(rules) -> dict[str, int]:
    """Misses allowed per kind of check under ``rules``."""
    return {kind: rules.check_rule(kind).misses_allowed for kind in checks.KINDS}


def misses(user_id: int, course_id: int) -> list[tuple[str, datetime]]:
    """The trainee's failed and missed scheduled checks on the course: (kind, when)."""
    return [tuple(row) for row in db.session.execute(
        select(WatchCheck.kind, MISS_AT).join(Lesson, Lesson.id == WatchCheck.lesson_id)
        .where(WatchCheck.user_id == user_id, Lesson.course_id == course_id, WatchCheck.slot.is_not(None),
               WatchCheck.state.in_(MISSED)))]


def last_clearance(user_id: int, course_id: int) -> CheckClearance | None:
    return db.session.scalar(select(CheckClearance).where(
        CheckClearance.user_id == user_id, CheckClearance.course_id == course_id)
        .order_by(CheckClearance.at.desc(), CheckClearance.id.desc()).limit(1))


@dataclass(frozen=True)
class Standing:
    """A course's misses as the trainee and reviewers see them."""

    held: bool
    misses: int  # since the last clearance
    allowed: int
    cleared: CheckClearance | None


def standing(user_id: int, course_id: int, rules, now: datetime) -> Standing:
    found, cleared = misses(user_id, course_id), last_clearance(user_id, course_id)
    cleared_at = cleared.at if cleared is not None else None
    counts = checks.miss_counts_since(found, cleared_at, now)
    allowed = allowances(rules)
    shown = min((allowed.get(kind, 0) for kind in counts), default=min(allowed.values()))
    return Standing(checks.held_for_review(found, allowed, cleared_at, now), sum(counts.values()), shown, cleared)


def held(user_id: int, course_id: int, rules, now: datetime) -> bool:
    """Whether the course's completion waits for a clearance (two small queries)."""
    found = misses(user_id, course_id)
    if not found:
        return False
    cleared = last_clearance(user_id, course_id)
    return checks.held_for_review(found, allowances(rules), cleared.at if cleared else None, now)


def _held_or_refuse(user_id: int, course_id: int, now: datetime) -> Standing:
    credited = db.session.scalar(select(CreditRecord.id).where(
        CreditRecord.user_id == user_id, CreditRecord.course_id == course_id, CreditRecord.basis == "completion"))
    if credited is not None:
        raise Refused(409, "already_credited", _("该课程已认定学时，无需处理。"))
    rules = policy.rules_for(db.session.scalar(select(User.region_code).where(User.id == user_id)))
    found = standing(user_id, course_id, rules, now)
    if not found.held:
        raise Refused(409, "not_held", _("该课程未因随堂检查待审核，无需处理。"))
    return found


def clear(reviewer_id: int, user_id: int, course_id: int, note: str, now: datetime) -> CheckClearance:
    """A person sets the course's misses aside (the caller checked the scope, holds the trainee's
    lock — learning.ledger.lock_budget — and audits)."""
    note = (note or "").strip()
    if not note:
        raise Refused(422, "note_required", _("请填写审核说明。"), "note")
    found = _held_or_refuse(user_id, course_id, now)
    row = CheckClearance(user_id=user_id, course_id=course_id, kind="review", misses=found.misses,
                         cleared_by_id=reviewer_id, note=note[:1000], at=now)
    db.session.add(row)
    db.session.flush()
    return row


def rewatch(user_id: int, course_id: int, now: datetime) -> CheckClearance:
    """补录 by the trainee: the course's lessons with misses since the last clearance start again
    (coverage, completion, position and their checks), so every stretch is watched anew. The
    caller holds the trainee's lock (learning.ledger.lock_budget), as a heartbeat does."""
    found = _held_or_refuse(user_id, course_id, now)
    since = found.cleared.at if found.cleared is not None else None
    missed = select(WatchCheck.lesson_id).join(Lesson, Lesson.id == WatchCheck.lesson_id).where(
        WatchCheck.user_id == user_id, Lesson.course_id == course_id, WatchCheck.slot.is_not(None),
        WatchCheck.state.in_(MISSED), MISS_AT <= now, *([MISS_AT > since] if since else []))
    lessons = set(db.session.scalars(missed))
    db.session.execute(update(LessonProgress).where(
        LessonProgress.user_id == user_id, LessonProgress.lesson_id.in_(lessons))
        .values(intervals=[], covered_seconds=0.0, position=0.0, completed_at=None, updated_at=now)
        .execution_options(synchronize_session=False))
    # The plan is the same: passed checks are asked again, open ones end with their held stretch.
    db.session.execute(update(WatchCheck).where(
        WatchCheck.user_id == user_id, WatchCheck.lesson_id.in_(lessons), WatchCheck.slot.is_not(None),
        WatchCheck.state.in_(("waiting", "due", "passed"))).values(state="expired")
        .execution_options(synchronize_session=False))
    row = CheckClearance(user_id=user_id, course_id=course_id, kind="rewatch", misses=found.misses, at=now)
    db.session.add(row)
    db.session.flush()
    return row


def held_courses(user_id: int, rules, now: datetime) -> list[tuple[Course, Standing]]:
    """The trainee's courses held for misses over the allowance, not credited: three queries."""
    credited = select(CreditRecord.id).where(CreditRecord.user_id == user_id, CreditRecord.basis == "completion",
                                             CreditRecord.course_id == Lesson.course_id).exists()
    found: dict[int, list] = {}
    for course_id, kind, at in db.session.execute(
            select(Lesson.course_id, WatchCheck.kind, MISS_AT).join(Lesson, Lesson.id == WatchCheck.lesson_id)
            .where(WatchCheck.user_id == user_id, WatchCheck.slot.is_not(None), WatchCheck.state.in_(MISSED),
                   ~credited)):
        found.setdefault(course_id, []).append((kind, at))
    if not found:
        return []
    cleared = {row.course_id: row for row in db.session.scalars(
        select(CheckClearance).where(CheckClearance.user_id == user_id, CheckClearance.course_id.in_(list(found)))
        .order_by(CheckClearance.at, CheckClearance.id))}
    allowed, shown = allowances(rules), []
    for course_id, course_misses in found.items():
        last = cleared.get(course_id)
        since = last.at if last is not None else None
        if checks.held_for_review(course_misses, allowed, since, now):
            counts = checks.miss_counts_since(course_misses, since, now)
            shown.append((course_id, Standing(True, sum(counts.values()),
                                              min(allowed.get(kind, 0) for kind in counts), last)))
    courses = {course.id: course for course in db.session.scalars(
        select(Course).where(Course.id.in_([course_id for course_id, _standing in shown])))}
    return sorted(((courses[course_id], standing) for course_id, standing in shown), key=lambda pair: pair[0].id)
