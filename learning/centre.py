"""学习中心: the trainee's landing — the year's 学时 against their rule set per subject type,
courses to continue (to the exact lecture; the lesson page resumes the second), tests still to
pass, courses done this year, the year's deadlines and lock date, and the unread notices."""
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from accounts.access import login_required
from core import policy
from core.db import utcnow
from courses.models import Course, Lesson
from learning import check_review, progress
from learning.check_forms import RewatchForm
from learning.exams import ExamState
from learning.models import LessonProgress
from learning.rules import credit_year

bp = Blueprint("centre", __name__)


@bp.app_template_global("my_lessons")
def my_lessons(course_id: int) -> dict[int, LessonProgress]:
    """The signed-in user's progress rows of the course's lectures, by lesson id (none for a
    visitor): the catalogue's course and lesson pages tick the finished ones and the player
    starts from what is credited. A template global, because the catalogue may not import
    learning (docs/architecture.md)."""
    if not current_user.is_authenticated:
        return {}
    return progress.lesson_rows(current_user.id, course_id)


@dataclass(frozen=True)
class Continuing:
    """A course in progress: its coverage and the lecture to go on with."""

    state: progress.CourseProgress
    lesson: Lesson | None


@dataclass(frozen=True)
class PendingTest:
    """A course whose lectures are all watched and whose required test is not yet passed."""

    state: progress.CourseProgress
    test: ExamState


def resume_lesson(user_id: int, course: Course) -> Lesson | None:
    """The lecture to continue: the one watched last while it is unfinished, else the first
    unfinished one after it (wrapping round), else the first lecture."""
    rows = progress.lesson_rows(user_id, course.id)
    lessons = sorted(course.lessons, key=lambda lesson: lesson.position)
    if not lessons:
        return None
    latest = max(rows.values(), key=lambda row: row.updated_at, default=None)
    start = next((i for i, lesson in enumerate(lessons) if latest and lesson.id == latest.lesson_id), 0)
    for lesson in lessons[start:] + lessons[:start]:
        row = rows.get(lesson.id)
        if row is None or row.completed_at is None:
            return lesson
    return lessons[0]


def split_in_progress(user_id: int, watching: list[progress.CourseProgress],
                      tests: dict[int, ExamState]) -> tuple[list[Continuing], list[PendingTest]]:
    """Courses with lectures still to watch, and courses waiting only for their test."""
    continuing, pending = [], []
    for state in watching:
        if state.lessons_done < len(state.course.lessons):
            continuing.append(Continuing(state, resume_lesson(user_id, state.course)))
        else:
            test = tests[state.course.id]
            if test.required and not test.passed:
                pending.append(PendingTest(state, test))
    return continuing, pending


def lock_date(region: str | None, year: int) -> date | None:
    """The date after which the region's credit year is closed, when its rule set has one."""
    return policy.rules_for(region, year).lock_date(year)


@bp.get("/me/centre")
@login_required
def index():
    now, user = utcnow(), current_user
    year = credit_year(now)
    standing = progress.year_standing(user.id, user.region_code, year, now)
    watching = progress.in_progress(user.id, policy.rules_for(user.region_code, year).test_required)
    tests = progress.exam_states(user.id, [state.course.id for state in watching], now)
    continuing, pending = split_in_progress(user.id, watching, tests)
    done = [entry for entry in progress.year_credits(user.id, year)
            if entry.course is not None and entry.basis == "completion"]
    return render_template(
        "centre/index.html", year=year, standing=standing, continuing=continuing, pending=pending, done=done,
        lock=lock_date(user.region_code, year), locked=standing.locked, subject_name=policy.subject_name,
        held=check_review.held_courses(user.id, policy.rules_for(user.region_code), now), rewatch_form=RewatchForm(),
    )
