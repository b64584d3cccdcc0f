"""The bureau's review of 外省学时转入: the queue of trainees now in the officer's region and
one request with its evidence, to accept the hours confirmed per line or reject with a reason.
Outside the officer's region → 403."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from accounts.regions import region_name
from core import policy
from core.db import utcnow
from core.extensions import db
from transfers import review, service
from transfers.forms import DecisionForm
from transfers.service import Refused

bp = Blueprint("transfer_review", __name__, url_prefix="/bureau/transfers")


@bp.context_processor
def _helpers():
    return {"status_names": service.status_names(), "subject_name": policy.subject_name,
            "province_name": lambda code: region_name(code + "0000"), "region_name": region_name}


@bp.get("/")
@role_required("bureau")
def queue():
    try:
        found = review.queue(current_user._get_current_object())
    except Refused as e:
        abort(e.status, e.message)
    return render_template("transfer_review/queue.html", requests=found)


@bp.route("/<int:request_id>", methods=["GET", "POST"])
@role_required("bureau")
def transfer(request_id: int):
    officer = current_user._get_current_object()
    try:
        found = review.for_bureau(officer, request_id)
    except Refused as e:
        abort(e.status, e.message)
    form, error = DecisionForm(), None
    if found.status == "pending" and form.validate_on_submit():
        hours = {line.id: request.form.get(f"line-{line.id}", "") for line in found.lines}
        try:
            if form.accept.data:
                review.accept(officer, found, hours, utcnow())
            else:
                review.reject(officer, found, form.reason.data, utcnow())
        except Refused as e:
            db.session.rollback()
            error = e
        else:
            db.session.commit()
            flash(_("已转入，学时已计入。") if form.accept.data else _("已通知学员不予转入。"), "success")
            return redirect(url_for("transfer_review.queue"))
    return render_template("transfer_review/transfer.html", transfer=found, form=form, error=error,
                           typed=request.form if request.method == "POST" else {})
