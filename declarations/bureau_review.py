"""The bureau's 复审 of offline 学时登记: the queue of the officer's region (with each unit's
name) and one declaration with its evidence, to approve (the 学时 are credited) or return
with a reason. Outside the officer's region → 403."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from accounts.regions import region_name
from core import policy
from core.db import utcnow
from core.extensions import db
from declarations import review, service
from declarations.forms import DecisionForm
from declarations.service import Refused

bp = Blueprint("bureau_review", __name__, url_prefix="/bureau/declarations")


@bp.context_processor
def _helpers():
    return {"status_names": service.status_names(), "subject_name": policy.subject_name,
            "step_names": service.step_names(), "region_name": region_name}


@bp.get("/")
@role_required("bureau")
def queue():
    try:
        found = review.bureau_queue(current_user._get_current_object())
    except Refused as e:
        abort(e.status, e.message)
    return render_template("bureau_review/queue.html", declarations=found)


@bp.route("/<int:declaration_id>", methods=["GET", "POST"])
@role_required("bureau")
def declaration(declaration_id: int):
    officer = current_user._get_current_object()
    try:
        found = review.for_bureau(officer, declaration_id)
    except Refused as e:
        abort(e.status, e.message)
    form = DecisionForm()
    if found.status == "bureau_review" and form.validate_on_submit():
        try:
            review.bureau_decide(officer, found, bool(form.approve.data), form.reason.data, utcnow())
        except Refused as e:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, e.message]
        else:
            db.session.commit()
            flash(_("已通过复审，学时已计入。") if form.approve.data else _("已退回学员。"), "success")
            return redirect(url_for("bureau_review.queue"))
    return render_template("bureau_review/declaration.html", declaration=found, form=form)
