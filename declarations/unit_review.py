"""The unit's 初审 of offline 学时登记: the queue of the unit_admin's unit and one declaration
with its evidence, to approve (on to the bureau) or return with a reason. Another unit's → 404."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from declarations import review, service
from declarations.forms import DecisionForm
from declarations.service import Refused
from units.models import Unit

bp = Blueprint("unit_review", __name__, url_prefix="/unit/declarations")


@bp.context_processor
def _helpers():
    return {"status_names": service.status_names(), "subject_name": policy.subject_name,
            "step_names": service.step_names()}


@bp.get("/")
@role_required("unit_admin")
def queue():
    admin = current_user._get_current_object()
    return render_template("unit_review/queue.html", declarations=review.unit_queue(admin),
                           unit=db.session.get(Unit, admin.unit_id))


@bp.route("/<int:declaration_id>", methods=["GET", "POST"])
@role_required("unit_admin")
def declaration(declaration_id: int):
    admin = current_user._get_current_object()
    try:
        found = review.for_unit(admin, declaration_id)
    except Refused:
        abort(404)
    form = DecisionForm()
    if found.status == "unit_review" and form.validate_on_submit():
        try:
            review.unit_decide(admin, found, bool(form.approve.data), form.reason.data, utcnow())
        except Refused as e:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, e.message]
        else:
            db.session.commit()
            flash(_("已通过初审，转人社部门复审。") if form.approve.data else _("已退回学员。"), "success")
            return redirect(url_for("unit_review.queue"))
    return render_template("unit_review/declaration.html", declaration=found, form=form)
