"""bp "unit_checks": the unit administrator's view of checks during video study at /unit/checks
(issue 19) — the same figures as the bureau's integrity page (faces.check_figures) for their own
unit's confirmed trainees and the captures their unit reviews; the courses held for misses over
the allowance, each cleared with a note (audited); the decisions. Another unit's trainee is
refused as if absent. Opening the page is audited."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from accounts import audit
from accounts.access import role_required
from accounts.models import User
from core import policy
from core.db import utcnow
from core.extensions import db
from faces import check_clearing, check_figures
from faces.check_forms import ClearChecksForm
from faces.models import FaceCapture
from faces.review import code_name
from learning.progress import chosen_year
from units.models import Unit, UnitLink

bp = Blueprint("unit_checks", __name__, url_prefix="/unit/checks")

YEARS_SHOWN = 3


@bp.context_processor
def _helpers():
    return {"clearance_names": check_figures.CLEARANCE_NAMES, "capture_code_name": code_name}


def _staff(unit_id: int):
    return select(UnitLink.user_id).where(UnitLink.unit_id == unit_id, UnitLink.status == "confirmed")


def _trainee(unit_id: int, user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id, User.id.in_(_staff(unit_id))))


@bp.get("/")
@role_required("unit_admin")
def index():
    admin, year = current_user._get_current_object(), chosen_year()
    who = check_figures.year_who(User.id.in_(_staff(admin.unit_id)), FaceCapture.unit_id == admin.unit_id, year)
    held = check_figures.held(who, utcnow())
    units = check_figures.per_unit(who, held)
    decisions, clearances = check_figures.face_decisions(who), check_figures.clearances(who)
    audit.record("unit_checks_viewed", target=f"unit:{admin.unit_id}", unit_id=admin.unit_id, year=year,
                 held=len(held), decisions=len(decisions))
    this = policy.this_year(utcnow())  # the China calendar year
    # Rendered before the commit, which would expire every row shown and load each again.
    page = render_template("unit_checks/index.html", units=units, held=held, decisions=decisions,
                           clearances=clearances, form=ClearChecksForm(), year=year,
                           years=sorted({*range(this - YEARS_SHOWN + 1, this + 1), year}, reverse=True),
                           unit=db.session.get(Unit, admin.unit_id))
    db.session.commit()
    return page


@bp.post("/clear")
@role_required("unit_admin")
def clear():
    admin, year = current_user._get_current_object(), chosen_year()
    check_clearing.clear_from_form(lambda user_id: _trainee(admin.unit_id, user_id), unit_id=admin.unit_id)
    return redirect(url_for("unit_checks.index", year=year))
