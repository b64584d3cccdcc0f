"""本单位: the unit administrator's page. The unit's figures, the links waiting for a decision
(confirm, or reject with a reason), the roster of confirmed staff with each person's credit
year per subject type (filters, search, paging), 催学 for the selected staff who are short,
and the exports. Only unit administrators, each for their own unit; another unit's link or
person is 404. Decisions and reminders are audited by their services, a search of the
roster here (``unit_roster_lookup``); ID numbers are masked.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from core.paging import page_number
from learning.progress import chosen_year
from staff import membership, reminders
from staff.roster_data import clean_query, clean_status, only, roster_page, shown_types, staff_rows
from units.models import Unit

bp = Blueprint("staff_views", __name__, url_prefix="/unit")


def _unit() -> Unit:
    unit = db.session.get(Unit, current_user.unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.get("/")
@role_required("unit_admin")
def index():
    unit, year, text = _unit(), chosen_year(), clean_query(request.args.get("q"))
    try:
        status, problem = clean_status(request.args.get("status")), None
    except Refused as e:
        status, problem = "", e.message
    rows = staff_rows(unit.id, year)
    page = roster_page(rows, status, text, page_number())
    if text:
        audit.record("unit_roster_lookup", target=f"unit:{unit.id}", q=text, year=year, rows=page.total)
        db.session.commit()
    args = {name: value for name, value in (("year", year), ("status", status), ("q", text)) if value}
    return render_template(
        "staff_views/index.html", unit=unit, year=year, status=status, q=text, problem=problem, page=page,
        pending=membership.pending_links(unit.id), confirmed=len(rows), short=len(only(rows, "short")),
        types=shown_types(rows), args=args, subject_name=policy.subject_name,
        years=range(policy.this_year(), policy.this_year() - 6, -1))


@bp.post("/links/<int:link_id>/confirm")
@role_required("unit_admin")
def confirm(link_id: int):
    return _decide(link_id, True)


@bp.post("/links/<int:link_id>/reject")
@role_required("unit_admin")
def reject(link_id: int):
    return _decide(link_id, False)


def _decide(link_id: int, confirm_it: bool):
    try:
        link = membership.decide(current_user._get_current_object(), link_id, confirm_it,
                                 request.form.get("reason", ""), utcnow())
    except Refused as e:
        db.session.rollback()
        if e.status == 404:
            abort(404)
        flash(e.message, "error")
        return redirect(url_for("staff_views.index"))
    name = link.user.real_name
    db.session.commit()
    flash(_("已确认%(name)s为本单位人员。", name=name) if confirm_it else _("已拒绝%(name)s的申请。", name=name),
          "success")
    return redirect(url_for("staff_views.index"))


@bp.post("/remind")
@role_required("unit_admin")
def remind():
    year = request.form.get("year", type=int)
    year = year if year and 2000 <= year <= 2100 else policy.this_year()
    back = redirect(url_for("staff_views.index", year=year))
    try:
        ids = reminders.clean_ids(request.form.getlist("user_ids", type=int))
        done = reminders.remind(current_user._get_current_object(), ids, year, utcnow())
    except Refused as e:
        db.session.rollback()
        if e.status == 404:
            abort(404)
        flash(e.message, "error")
        return back
    db.session.commit()
    message = _("已向%(sent)s人发送催学提醒。", sent=done.sent)
    if done.skipped:
        message += " " + _("%(skipped)s人已达标，未提醒。", skipped=done.skipped)
    flash(message, "success")
    return back
