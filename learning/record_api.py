"""GET /api/v1/me/progress: the trainee's credited hours for a year, per course, with each
course's test (``exam``: required, passed, best_score, attempts_left)."""
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
    year = progress.chosen_year()
    summary = progress.year_summary(current_user.id, year, policy.required_hours(current_user.region_code, year))
    watching = progress.in_progress(current_user.id)
    tests = progress.exam_states(current_user.id, [entry.course.id for entry in summary.credits]
                                 + [state.course.id for state in watching], utcnow())
    return {
        "year": summary.year,
        "credited_hours": summary.total,
        "required_hours": summary.required,
        "requirement_met": summary.met,
        "courses": [
            {"course_id": entry.course.id, "title": entry.course.title, "category": entry.course.category.code,
             "hours": entry.hours, "completed_at": entry.completed_at.isoformat(),
             "corrections": [{"hours": row.hours, "reason": row.reason} for row in entry.corrections],
             "exam": tests[entry.course.id].as_json()}
            for entry in summary.credits
        ],
        "in_progress": [
            {"course_id": state.course.id, "title": state.course.title,
             "covered_ratio": round(state.ratio, 4), "lessons_done": state.lessons_done,
             "lessons": len(state.course.lessons), "exam": tests[state.course.id].as_json()}
            for state in watching
        ],
    }
