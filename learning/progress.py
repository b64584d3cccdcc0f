"""A trainee's record, read from the ledger, the lesson progress and the course tests: shared
by page and API (the trainee's own, and the bureau's view of it), with the credit year a
request asks for."""
from dataclasses import dataclass
from datetime import date, datetime

from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core import policy
from core.db import utcnow
from core.extensions import db
from core.policy import SUBJECT_TYPES, Standing
from core.policy.rulebook import china_date
from courses.models import Course, Lesson, Video
from learning import exams
from learning.exam_state import exam_satisfied
from learning.models import CreditRecord, LessonProgress
from learning.rules import credit_year


def chosen_year() -> int:
    """``?year=`` of the request when it is a sensible year, else this year in China Standard Time."""
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else credit_year(utcnow())


@dataclass
class CourseCredit:
    """One line of a year's ledger: a course (its completion and the corrections of it), a
    declared training (basis ``declared``) or a 补录 without a course (basis ``correction``),
    each with the corrections written against it."""

    course: Course | None
    tenths: int
    completed_at: datetime
    corrections: list[CreditRecord]
    subject_type: str = "gongxu"  # as credited (the record's, kept from the course at the time)
    basis: str = "completion"  # of the line's first row
    title: str = ""  # the course's, or the row's own when there is no course
    record_id: int | None = None  # the line's first row
    source_id: int | None = None  # the first row's: the declaration, or the row a correction corrects
    reason: str = ""  # a 补录's reason

    @property
    def hours(self) -> float:
        return self.tenths / 10


@dataclass
class CourseProgress:
    course: Course
    covered_seconds: float
    total_seconds: float
    lessons_done: int

    @property
    def ratio(self) -> float:
        return min(self.covered_seconds / self.total_seconds, 1.0) if self.total_seconds else 0.0


def line_key(row: CreditRecord, keys: dict[int, tuple]) -> tuple:
    """The line a ledger row belongs to: its course's; for a row without a course, the line
    of the row it corrects (``keys``: the lines of the rows seen so far, by id), else its own."""
    if row.course_id is not None:
        return "course", row.course_id
    if row.basis == "correction" and row.source_id in keys:
        return keys[row.source_id]
    return "row", row.id


def year_credits(user_id: int, year: int) -> list[CourseCredit]:
    """The year's ledger per line (a course, a declared training, a 补录): its first row and
    the corrections of it added up, oldest first."""
    rows = db.session.scalars(
        select(CreditRecord).where(CreditRecord.user_id == user_id, CreditRecord.year == year)
        .options(joinedload(CreditRecord.course).joinedload(Course.category))
        .order_by(CreditRecord.awarded_at, CreditRecord.id)
    ).all()
    lines: dict[tuple, CourseCredit] = {}
    keys: dict[int, tuple] = {}
    for row in rows:
        key = keys[row.id] = line_key(row, keys)
        entry = lines.get(key)
        if entry is None:
            entry = lines[key] = CourseCredit(
                row.course, 0, row.awarded_at, [], row.subject_type, row.basis,
                row.course.title if row.course is not None else row.title, row.id, row.source_id,
                row.reason if row.basis == "correction" else "")
        else:
            entry.corrections.append(row)
        entry.tenths += row.hours_tenths
    return list(lines.values())


@dataclass
class YearSummary:
    year: int
    credits: list[CourseCredit]
    required: float

    @property
    def total(self) -> float:
        return sum(entry.tenths for entry in self.credits) / 10

    @property
    def met(self) -> bool:
        return self.total >= self.required

    @property
    def remaining(self) -> float:
        return round(max(self.required - self.total, 0), 1)


def year_summary(user_id: int, year: int, required: float) -> YearSummary:
    """The year's credits against the annual requirement."""
    return YearSummary(year, year_credits(user_id, year), required)


@dataclass(frozen=True)
class TypeProgress:
    """One subject type of a credit year: tenths credited and required, and its window."""

    subject_type: str
    credited: int
    required: int
    start: date
    end: date
    days_left: int  # days of the window from today on, today included; 0 once it has ended

    @property
    def met(self) -> bool:
        return self.credited >= self.required

    @property
    def credited_hours(self) -> float:
        return self.credited / 10

    @property
    def required_hours(self) -> float:
        return self.required / 10

    @property
    def remaining_hours(self) -> float:
        return max(self.required - self.credited, 0) / 10

    def as_json(self) -> dict:
        return {"credited_hours": self.credited_hours, "required_hours": self.required_hours,
                "window": {"start": self.start.isoformat(), "end": self.end.isoformat()},
                "days_left": self.days_left, "met": self.met}


@dataclass(frozen=True)
class YearStanding:
    """A trainee's credit year against their region's rules, per subject type and in total
    (docs/rules.md rules 8 and 14): met (达标) only when every type and the total are."""

    year: int
    types: tuple[TypeProgress, ...]  # each type with a requirement or credit, in SUBJECT_TYPES order
    standing: Standing
    locked: bool
    rules_name: str

    @property
    def total(self) -> int:
        return self.standing.total

    @property
    def total_required(self) -> int:
        return self.standing.total_required

    @property
    def short_types(self) -> list[str]:
        return self.standing.short_types

    @property
    def met(self) -> bool:
        return self.standing.met

    def total_json(self) -> dict:
        return {"credited_hours": self.total / 10, "required_hours": self.total_required / 10, "met": self.met}


def credited_by_year_and_type(user_id: int, year: int | None = None) -> dict[int, dict[str, int]]:
    """The trainee's credited tenths per credit year (or only ``year``) and subject type,
    completions and corrections: one query."""
    query = (select(CreditRecord.year, CreditRecord.subject_type, func.sum(CreditRecord.hours_tenths))
             .where(CreditRecord.user_id == user_id).group_by(CreditRecord.year, CreditRecord.subject_type))
    if year is not None:
        query = query.where(CreditRecord.year == year)
    credited: dict[int, dict[str, int]] = {}
    for row_year, kind, tenths in db.session.execute(query):
        credited.setdefault(row_year, {})[kind] = int(tenths or 0)
    return credited


def credited_by_type(user_id: int, year: int) -> dict[str, int]:
    """The year's credited tenths per subject type."""
    return credited_by_year_and_type(user_id, year).get(year, {})


def days_left(start: date, end: date, today: date) -> int:
    """Days of a window from ``today`` (or its start, when it has not begun) to its end, both
    counted; 0 once it has ended."""
    return max((end - max(today, start)).days + 1, 0)


def year_standing(user_id: int, region: str | None, year: int, now: datetime) -> YearStanding:
    """The trainee's ``year`` under the rules of ``region``: per type, the total, the lock."""
    rules = policy.rules_for(region, year)
    standing = policy.standing(region, year, credited_by_type(user_id, year))
    today = china_date(now)
    types = []
    for kind in SUBJECT_TYPES:
        if standing.required.get(kind) or standing.credited.get(kind):
            start, end = rules.window(kind, year)
            types.append(TypeProgress(kind, standing.credited.get(kind, 0), standing.required.get(kind, 0),
                                      start, end, days_left(start, end, today)))
    return YearStanding(year, tuple(types), standing, policy.locked(region, year, now), rules.name)


def year_totals(user_id: int) -> dict[int, float]:
    """Every year with credit, newest first, and its total 学时."""
    rows = db.session.execute(
        select(CreditRecord.year, func.sum(CreditRecord.hours_tenths)).where(CreditRecord.user_id == user_id)
        .group_by(CreditRecord.year).order_by(CreditRecord.year.desc())
    )
    return {year: (tenths or 0) / 10 for year, tenths in rows}


def in_progress(user_id: int, test_required: bool = True) -> list[CourseProgress]:
    """Courses the trainee has started and not yet completed, most recently watched first: a
    lesson still to watch, or a test still to pass (docs/rules.md rule 7) where the trainee's
    rules require tests (``test_required``, core.policy's ``RuleSet.test_required``)."""
    started = (
        select(LessonProgress.course_id, func.max(LessonProgress.updated_at).label("last"))
        .where(LessonProgress.user_id == user_id).group_by(LessonProgress.course_id).subquery()
    )
    courses = db.session.scalars(
        select(Course).join(started, started.c.course_id == Course.id).order_by(started.c.last.desc())
        .options(joinedload(Course.category))
    ).all()
    credited = set(db.session.scalars(select(CreditRecord.course_id).where(
        CreditRecord.user_id == user_id, CreditRecord.basis == "completion")))
    result = []
    for course in courses:
        state = course_progress(user_id, course)
        if state.lessons_done < len(course.lessons) or (
                course.id not in credited and not exam_satisfied(user_id, course.id, test_required)):
            result.append(state)
    return result


def exam_states(user_id: int, course_ids, now: datetime) -> dict[int, exams.ExamState]:
    """Each course's test for the trainee: required, passed, best score, attempts left."""
    return {course_id: exams.exam_state(user_id, course_id, now) for course_id in set(course_ids)}


def course_progress(user_id: int, course: Course) -> CourseProgress:
    rows = db.session.execute(
        select(Video.duration_seconds, LessonProgress.covered_seconds, LessonProgress.completed_at)
        .select_from(Lesson).join(Video, Video.id == Lesson.video_id)
        .outerjoin(LessonProgress, (LessonProgress.lesson_id == Lesson.id) & (LessonProgress.user_id == user_id))
        .where(Lesson.course_id == course.id)
    ).all()
    return CourseProgress(
        course=course,
        covered_seconds=sum(min(covered or 0.0, duration) for duration, covered, _ in rows),
        total_seconds=sum(duration for duration, _, _ in rows),
        lessons_done=sum(1 for *_, done in rows if done is not None),
    )


def lesson_rows(user_id: int, course_id: int) -> dict[int, LessonProgress]:
    """The trainee's progress rows of the course's lectures, by lesson id (a lecture never
    started has none)."""
    return {row.lesson_id: row for row in db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id == course_id))}
