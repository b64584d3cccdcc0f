"""GET /api/v1/me/progress: the trainee's credited hours for a year, per course."""
from flask import Blueprint, current_app
from flask_login import current_user

from accounts.access import login_required
from learning import progress
from learning.record import chosen_year

bp = Blueprint("record_api", __name__, url_prefix="/api/v1")


@bp.get("/me/progress")
@login_required
def me_progress():
    year = chosen_year()
    credits = progress.year_credits(current_user.id, year)
    total = sum(entry.tenths for entry in credits) / 10
    required = current_app.config["ANNUAL_REQUIRED_HOURS"]
    return {
        "year": year,
        "credited_hours": total,
        "required_hours": required,
        "requirement_met": total >= required,
        "courses": [
            {"course_id": entry.course.id, "title": entry.course.title, "category": entry.course.category.code,
             "hours": entry.hours, "completed_at": entry.completed_at.isoformat(),
             "corrections": [{"hours": row.hours, "reason": row.reason} for row in entry.corrections]}
            for entry in credits
        ],
        "in_progress": [
            {"course_id": state.course.id, "title": state.course.title,
             "covered_ratio": round(state.ratio, 4), "lessons_done": state.lessons_done,
             "lessons": len(state.course.lessons)}
            for state in progress.in_progress(current_user.id)
        ],
    }
