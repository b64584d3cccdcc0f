"""The figures of checks during video study per unit (issue 19), for the bureau's integrity page
(units in the officer's region) and the unit administrator's (their own unit): scheduled checks
asked, failed and missed; face captures waiting for review, accepted, rejected; trainees whose
courses are held for misses over the allowance (learning.check_review); the reviewers' decisions.

Every figure is one grouped query over a :class:`Who` (which trainees and which captures), a
China calendar year given as a half-open interval of instants. Trainees are grouped by their
confirmed unit (None: no unit); captures by the unit that reviews them (FaceCapture.unit_id).
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core import policy
from core.extensions import db
from core.tz import CHINA
from courses.models import Course, Lesson
from faces.models import FaceCapture
from learning import check_review, checks
from learning.models import CheckClearance, CreditRecord, WatchCheck
from units.models import Unit, UnitLink

CLEARANCE_NAMES = {"review": _l("人工审核通过"), "rewatch": _l("学员选择补录（重新学习）")}
DECISIONS_SHOWN = 100
HELD_SHOWN = 200


@dataclass(frozen=True)
class Who:
    """Whose figures: a condition on the trainee (User) and one on the capture (FaceCapture)."""

    trainee: ColumnElement[bool]
    capture: ColumnElement[bool]
    start: datetime
    end: datetime


@dataclass
class UnitFigures:
    unit: Unit | None
    asked: int = 0
    failed: int = 0
    missed: int = 0
    pending: int = 0
    accepted: int = 0
    rejected: int = 0
    over: int = 0  # trainees with a course held now for misses over the allowance (any year)


@dataclass(frozen=True)
class Held:
    """A trainee's course held for misses over the allowance, not yet cleared."""

    user: User
    course: Course
    unit_id: int | None
    misses: int
    allowed: int


def check_counts(who: Who) -> dict[int | None, tuple[int, int, int]]:
    """Per unit: scheduled checks asked (issued) in the year, failed, missed."""
    stmt = (select(UnitLink.unit_id, func.count(), func.sum(case((WatchCheck.state == "failed", 1), else_=0)),
                   func.sum(case((WatchCheck.state == "missed", 1), else_=0)))
            .select_from(WatchCheck).join(User, User.id == WatchCheck.user_id)
            .outerjoin(UnitLink, and_(UnitLink.user_id == User.id, UnitLink.status == "confirmed"))
            .where(who.trainee, WatchCheck.slot.is_not(None), WatchCheck.issued_at >= who.start,
                   WatchCheck.issued_at < who.end)
            .group_by(UnitLink.unit_id))
    return {unit: (asked, failed or 0, missed or 0) for unit, asked, failed, missed in db.session.execute(stmt)}


def capture_counts(who: Who) -> dict[int | None, tuple[int, int, int]]:
    """Per reviewing unit: captures waiting for a person (failed by the model), accepted, rejected."""
    def count(status: str):
        return func.sum(case((FaceCapture.status == status, 1), else_=0))
    stmt = (select(FaceCapture.unit_id, count("failed"), count("accepted"), count("rejected"))
            .where(who.capture, FaceCapture.submitted_at >= who.start, FaceCapture.submitted_at < who.end)
            .group_by(FaceCapture.unit_id))
    return {unit: (pending or 0, accepted or 0, rejected or 0)
            for unit, pending, accepted, rejected in db.session.execute(stmt)}


def _miss_rows(who: Who):
    credited = select(CreditRecord.id).where(CreditRecord.user_id == WatchCheck.user_id,
                                             CreditRecord.course_id == Lesson.course_id,
                                             CreditRecord.basis == "completion").exists()
    at = check_review.MISS_AT
    return db.session.execute(
        select(WatchCheck.user_id, Lesson.course_id, WatchCheck.kind, at, User.region_code, UnitLink.unit_id)
        .join(Lesson, Lesson.id == WatchCheck.lesson_id).join(User, User.id == WatchCheck.user_id)
        .outerjoin(UnitLink, and_(UnitLink.user_id == User.id, UnitLink.status == "confirmed"))
        .where(who.trainee, WatchCheck.slot.is_not(None), WatchCheck.state.in_(check_review.MISSED),
               ~credited)).all()


def held(who: Who, now: datetime) -> list[Held]:
    """The courses held now for misses over the allowance, not cleared (nor credited), with their
    trainee and course: four queries, whatever their number. A state, not a year's figure: every
    miss counts whatever its year, as in crediting (learning.check_review)."""
    pairs: dict[tuple[int, int], dict] = {}
    for user_id, course_id, kind, at, region, unit_id in _miss_rows(who):
        found = pairs.setdefault((user_id, course_id), {"misses": [], "region": region, "unit": unit_id})
        found["misses"].append((kind, at))
    if not pairs:
        return []
    users = {user_id for user_id, _course in pairs}
    cleared = {(user_id, course_id): at for user_id, course_id, at in db.session.execute(
        select(CheckClearance.user_id, CheckClearance.course_id, func.max(CheckClearance.at))
        .where(CheckClearance.user_id.in_(users)).group_by(CheckClearance.user_id, CheckClearance.course_id))}
    chosen = []
    for (user_id, course_id), found in pairs.items():
        allowed = check_review.allowances(policy.rules_for(found["region"]))
        since = cleared.get((user_id, course_id))
        if checks.held_for_review(found["misses"], allowed, since, now):
            counts = checks.miss_counts_since(found["misses"], since, now)
            chosen.append((user_id, course_id, found["unit"], sum(counts.values()),
                           min(allowed.get(kind, 0) for kind in counts)))
    people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(users)))}
    courses = {course.id: course for course in db.session.scalars(
        select(Course).where(Course.id.in_({row[1] for row in chosen})))}
    shown = [Held(people[user_id], courses[course_id], unit_id, count, allowed)
             for user_id, course_id, unit_id, count, allowed in chosen]
    return sorted(shown, key=lambda row: (row.user.real_name, row.user.id, row.course.id))[:HELD_SHOWN]


def face_decisions(who: Who) -> list[FaceCapture]:
    """The year's decisions on face captures, newest first: who, when, accept or reject, the note."""
    return list(db.session.scalars(
        select(FaceCapture).options(joinedload(FaceCapture.user), joinedload(FaceCapture.reviewed_by))
        .where(who.capture, FaceCapture.reviewed_at >= who.start, FaceCapture.reviewed_at < who.end)
        .order_by(FaceCapture.reviewed_at.desc(), FaceCapture.id.desc()).limit(DECISIONS_SHOWN)))


def clearances(who: Who) -> list[CheckClearance]:
    """The year's clearances of held courses (a reviewer's or the trainee's 补录), newest first."""
    return list(db.session.scalars(
        select(CheckClearance).join(User, User.id == CheckClearance.user_id)
        .options(joinedload(CheckClearance.user), joinedload(CheckClearance.cleared_by),
                 joinedload(CheckClearance.course))
        .where(who.trainee, CheckClearance.at >= who.start, CheckClearance.at < who.end)
        .order_by(CheckClearance.at.desc(), CheckClearance.id.desc()).limit(DECISIONS_SHOWN)))


def per_unit(who: Who, held_rows: list[Held]) -> list[UnitFigures]:
    """One row per unit with any figure, by unit name; trainees without a unit last."""
    rows: dict[int | None, UnitFigures] = {}
    for unit_id, (asked, failed, missed) in check_counts(who).items():
        figures = rows.setdefault(unit_id, UnitFigures(None))
        figures.asked, figures.failed, figures.missed = asked, failed, missed
    for unit_id, (pending, accepted, rejected) in capture_counts(who).items():
        figures = rows.setdefault(unit_id, UnitFigures(None))
        figures.pending, figures.accepted, figures.rejected = pending, accepted, rejected
    for unit_id in rows.keys() | {row.unit_id for row in held_rows}:
        rows.setdefault(unit_id, UnitFigures(None)).over = len({row.user.id for row in held_rows
                                                                if row.unit_id == unit_id})
    named = {unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(
        [unit_id for unit_id in rows if unit_id is not None])))}
    for unit_id, figures in rows.items():
        figures.unit = named.get(unit_id)
    return sorted(rows.values(), key=lambda row: (row.unit is None, row.unit.name if row.unit else "",
                                                  row.unit.id if row.unit else 0))


def year_who(trainee: ColumnElement[bool], capture: ColumnElement[bool], year: int) -> Who:
    """:class:`Who` for a China calendar year."""
    start = datetime(year, 1, 1, tzinfo=CHINA)
    return Who(trainee, capture, start, datetime(year + 1, 1, 1, tzinfo=CHINA))
