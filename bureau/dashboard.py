"""统计: the dashboard of a bureau officer's scope — trainees, 学时 by category, month and
subject type, the share meeting the annual requirement (in total and per type, each trainee
judged by the rules of their own region), the most-completed courses.

Charts are drawn by ECharts (``static/js/dashboard.js``) from numbers the page carries in a
``<script type="application/json">`` block; every chart's numbers are also in a table.
"""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from accounts.access import role_required
from accounts.regions import region_name
from bureau import stats
from bureau.officer import asked_scope, filter_context
from core import policy
from core.language import localized
from learning.progress import chosen_year

bp = Blueprint("dashboard", __name__)


@bp.context_processor
def _helpers():
    return {"region_name": region_name, "subject_name": policy.subject_name, "subject_types": policy.SUBJECT_TYPES}


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
    scope = asked_scope()
    year = chosen_year()
    overview = stats.overview(scope, year, policy.book())
    return render_template("dashboard/index.html", overview=overview, chart=chart_data(overview),
                           **filter_context(scope, year))
