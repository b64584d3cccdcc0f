"""随堂检查 on the integrity pages (issue 19): per unit of the officer's scope, the year's
scheduled checks asked, failed and missed, face captures waiting for review, accepted and
rejected, trainees whose courses are held for misses over the allowance (with a form to clear
each, audited), and the reviewers' decisions with links to the review pages. Opening the page
is audited (it names trainees), as the trainee record is. The figures: faces.check_figures. In faces/, above
bureau, because the captures are this room's.
"""
from flask import Blueprint, redirect, render_template, url_for

from accounts import audit
from accounts.access import role_required
from accounts.models import User
from accounts.regions import region_name
from bureau import signals
from bureau.officer import asked_region, asked_scope, filter_context
from core.db import utcnow
from core.extensions import db
from faces import check_clearing, check_figures
from faces.check_forms import ClearChecksForm
from faces.models import FaceCapture
from faces.review import code_name
from learning.progress import chosen_year

bp = Blueprint("integrity_checks", __name__)



@bp.context_processor
def _helpers():
    return {"region_name": region_name, "clearance_names": check_figures.CLEARANCE_NAMES,
            "capture_code_name": code_name}


@bp.get("/bureau/integrity/checks")
@role_required("bureau")
def index():
    scope, year = asked_scope(), chosen_year()
    who = check_figures.year_who(scope.condition(User.region_code), scope.condition(FaceCapture.region_code), year)
    held = check_figures.held(who, utcnow())
    units = check_figures.per_unit(who, held)
    decisions, clearances = check_figures.face_decisions(who), check_figures.clearances(who)
    audit.record("integrity_checks_viewed", target=f"region:{scope.code}", scope=scope.code, year=year,
                 units=len(units), held=len(held), decisions=len(decisions))
    # Rendered before the commit, which would expire every row shown and load each again.
    page = render_template("integrity_checks/index.html", units=units, held=held, decisions=decisions,
                           clearances=clearances, form=ClearChecksForm(), **filter_context(scope, year))
    db.session.commit()
    return page


@bp.post("/bureau/integrity/checks/clear")
@role_required("bureau")
def clear():
    scope, year = asked_scope(), chosen_year()
    check_clearing.clear_from_form(lambda user_id: signals.trainee(scope, user_id), scope=scope.code)
    return redirect(url_for("integrity_checks.index", year=year, region=asked_region() or None))
