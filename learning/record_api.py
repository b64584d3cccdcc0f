"""GET /api/v1/me/progress: the trainee's credited hours for a year, per subject type against
their region's requirement (``by_type``, ``total``), per course, with each course's test
(``exam``: required, passed, best_score, attempts_left), and the lines without a course
(``items``: a declared training, ``basis`` declared and ``source_id`` its declaration; a 补录,
``basis`` correction with its ``reason``), each with the corrections written against it."""
from flask import Blueprint
from flask_login import current_user

from accounts.access import login_required
from core import policy
from core.db import utcnow
from learning import progress

bp = Blueprint("record_api", __name__, url_prefix="/api/v1")


@bp.get("/me/progress")
@login_required
def me_progress():
    year, now = progress.chosen_year(), utcnow()
    summary = progress.year_summary(current_user.id, year, policy.required_hours(current_user.region_code, year))
    standing = progress.year_standing(current_user.id, current_user.region_code, year, now)
    watching = progress.in_progress(current_user.id, policy.rules_for(current_user.region_code).test_required)
    tests = progress.exam_states(current_user.id, [entry.course.id for entry in summary.credits if entry.course]
                                 + [state.course.id for state in watching], now)
    return {
        "year": summary.year,
        "credited_hours": summary.total,
        "required_hours": summary.required,
        "requirement_met": standing.met,
        "by_type": {entry.subject_type: entry.as_json() for entry in standing.types},
        "total": standing.total_json(),
        "short_types": standing.short_types,
        "locked": standing.locked,
        "courses": [_course_item(entry, tests) for entry in summary.credits if entry.course is not None],
        "items": [_item(entry) for entry in summary.credits if entry.course is None],
        "in_progress": [
            {"course_id": state.course.id, "title": state.course.title,
             "covered_ratio": round(state.ratio, 4), "lessons_done": state.lessons_done,
             "lessons": len(state.course.lessons), "exam": tests[state.course.id].as_json()}
            for state in watching
        ],
    }


def _corrections(entry: progress.CourseCredit) -> list[dict]:
    return [{"hours": row.hours, "reason": row.reason}
            for row in entry.corrections]


def _course_item(entry: progress.CourseCredit, tests: dict) -> dict:
    return {"course_id": entry.course.id, "title": entry.course.title, "category": entry.course.category.code,
            "subject_type": entry.subject_type, "hours": entry.hours, "basis": entry.basis,
            "record_id": entry.record_id, "completed_at": entry.completed_at.isoformat(),
            "corrections": _corrections(entry), "exam": tests[entry.course.id].as_json()}


def _item(entry: progress.CourseCredit) -> dict:
    """A ledger line without a course: a declared training or a 补录, with the corrections of it."""
    return {"record_id": entry.record_id, "basis": entry.basis, "title": entry.title, "reason": entry.reason,
            "source_id": entry.source_id, "subject_type": entry.subject_type, "hours": entry.hours,
            "recorded_at": entry.completed_at.isoformat(), "corrections": _corrections(entry)}
