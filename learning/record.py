"""我的学习: the trainee's own record — courses in progress (with their tests), credited courses
(with their test scores), the year's total."""
from flask import Blueprint, render_template
from flask_login import current_user

from accounts.access import login_required
from core import policy
from core.db import utcnow
from learning import progress
from learning.rules import credit_year

bp = Blueprint("record", __name__)


@bp.get("/me/learning")
@login_required
def index():
    year = progress.chosen_year()
    summary = progress.year_summary(current_user.id, year, policy.required_hours(current_user.region_code, year))
    totals = progress.year_totals(current_user.id)
    watching = progress.in_progress(current_user.id)
    tests = progress.exam_states(current_user.id, [entry.course.id for entry in summary.credits]
                                 + [state.course.id for state in watching], utcnow())
    return render_template(
        "record/index.html", summary=summary, in_progress=watching, tests=tests,
        years=sorted(set(totals) | {credit_year(utcnow())}, reverse=True), totals=totals,
    )
