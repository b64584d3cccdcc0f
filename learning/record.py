"""我的学习: the trainee's own record — the year per subject type against their region's rules,
courses in progress (with their tests), courses held for failed and missed checks over the
allowance (why, and what to do: learning.check_review), credited courses (with their test scores), the year's total."""
from flask import Blueprint, render_template
from flask_login import current_user

from accounts.access import login_required
from core import policy
from core.db import utcnow
from learning import check_review, progress
from learning.check_forms import RewatchForm

bp = Blueprint("record", __name__)


@bp.get("/me/learning")
@login_required
def index():
    year, now = progress.chosen_year(), utcnow()
    summary = progress.year_summary(current_user.id, year, policy.required_hours(current_user.region_code, year))
    standing = progress.year_standing(current_user.id, current_user.region_code, year, now)
    totals = progress.year_totals(current_user.id)
    watching = progress.in_progress(current_user.id, policy.rules_for(current_user.region_code).test_required)
    tests = progress.exam_states(current_user.id, [entry.course.id for entry in summary.credits if entry.course]
                                 + [state.course.id for state in watching], now)
    return render_template(
        "record/index.html", summary=summary, standing=standing, in_progress=watching, tests=tests,
        years=sorted(set(totals) | {policy.this_year(now)}, reverse=True), totals=totals,
        subject_name=policy.subject_name, rewatch_form=RewatchForm(),
        held=check_review.held_courses(current_user.id, policy.rules_for(current_user.region_code), now),
    )
