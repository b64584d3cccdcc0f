"""我的学习: the trainee's own record — courses in progress, credited courses, the year's total."""
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from accounts.access import login_required
from core.db import utcnow
from learning import progress
from learning.rules import credit_year

bp = Blueprint("record", __name__)


def chosen_year() -> int:
    """``?year=`` when it is a sensible year, else this year in China Standard Time."""
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else credit_year(utcnow())


@bp.get("/me/learning")
@login_required
def index():
    summary = progress.year_summary(current_user.id, chosen_year(), current_app.config["ANNUAL_REQUIRED_HOURS"])
    totals = progress.year_totals(current_user.id)
    return render_template(
        "record/index.html", summary=summary, in_progress=progress.in_progress(current_user.id),
        years=sorted(set(totals) | {credit_year(utcnow())}, reverse=True), totals=totals,
    )
