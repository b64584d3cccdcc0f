"""统计: the dashboard of a bureau officer's scope — trainees, 学时 by category and month,
the share meeting the annual requirement, the most-completed courses.

Charts are drawn by ECharts (``static/js/dashboard.js``) from numbers the page carries in a
``<script type="application/json">`` block; every chart's numbers are also in a table.
"""
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from accounts.regions import region_name
from bureau import stats
from bureau.scope import Scope, ScopeError, scope_for
from core.db import utcnow
from core.i18n import localized
from learning.rules import credit_year

bp = Blueprint("dashboard", __name__)


def officer_scope() -> Scope:
    """The signed-in officer's scope, narrowed to ``?region=`` when given; 403 outside it."""
    try:
        return scope_for(current_user).narrowed(request.args.get("region", "").strip() or None)
    except ScopeError as error:
        abort(403, error.message)


def chosen_year() -> int:
    """``?year=`` when it is a sensible year, else this year in China Standard Time."""
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else credit_year(utcnow())


def required_tenths() -> int:
    return round(float(current_app.config["ANNUAL_REQUIRED_HOURS"]) * 10)


def filter_context(scope: Scope, year: int) -> dict:
    """What ``integrity/_filters.html`` (year and region selector) needs."""
    years = sorted(set(stats.selectable_years(scope, utcnow())) | {year}, reverse=True)
    return {"scope": scope, "year": year, "years": years, "region": request.args.get("region", "").strip(),
            "home_code": current_user.region_code}


@bp.context_processor
def _helpers():
    return {"region_name": region_name}


def chart_data(overview: stats.Overview) -> dict:
    """What ``dashboard.js`` draws: labels and numbers only, already localised."""
    people = overview.people
    return {
        "category": {"labels": [localized(c.name, c.name_en) for c in overview.by_category],
                     "hours": [c.hours for c in overview.by_category]},
        "month": {"labels": [_("%(month)s月", month=m) for m in range(1, 13)],
                  "hours": [tenths / 10 for tenths in overview.by_month]},
        "share": {"labels": [_("已达标"), _("未达标")],
                  "values": [people.met, max(people.registered - people.met, 0)]},
        "courses": {"labels": [c.title for c in overview.top_courses],
                    "completions": [c.completions for c in overview.top_courses]},
        "names": {"hours": _("学时"), "trainees": _("人数"), "completions": _("完成人次")},
    }


@bp.get("/bureau/")
@role_required("bureau")
def index():
    scope = officer_scope()
    year = chosen_year()
    overview = stats.overview(scope, year, required_tenths())
    return render_template("dashboard/index.html", overview=overview, chart=chart_data(overview),
                           **filter_context(scope, year))
