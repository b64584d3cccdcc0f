"""bp "face_review": failed face captures for people to settle, at /faces/review — the unit
administrator sees their unit's, a bureau officer their region's (faces.review decides who sees
what). The reference and the capture side by side; accept or reject with a note. The two images
are served only here, to those reviewers, each view audited."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import check_kind, profiles, review, storage
from faces.forms import DecisionForm

bp = Blueprint("face_review", __name__, url_prefix="/faces/review")
REVIEWERS = ("unit_admin", "bureau")


@bp.context_processor
def _helpers():
    return {"code_name": review.code_name}


@bp.get("/")
@role_required(*REVIEWERS)
def queue():
    try:
        captures = review.queue_for(current_user._get_current_object())
    except Refused as e:
        abort(e.status, e.message)
    return render_template("face_review/queue.html", captures=captures)


def _capture(capture_id: int):
    try:
        return review.capture_for(current_user._get_current_object(), capture_id)
    except Refused as e:
        abort(e.status, e.message)


@bp.route("/<int:capture_id>", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def capture(capture_id: int):
    found = _capture(capture_id)
    form = DecisionForm()
    if found.status == "failed" and form.validate_on_submit():
        trainee_id = found.user_id
        db.session.commit()  # end the reads: the trainee's lock must open the transaction
        try:
            check_kind.decide(current_user._get_current_object(), capture_id, trainee_id, bool(form.accept.data),
                              form.note.data, utcnow())
        except Refused as e:
            db.session.rollback()
            form.note.errors = [*form.note.errors, e.message]
        else:
            db.session.commit()
            flash(_("已确认是本人，该段学时可以计入。") if form.accept.data else _("已记录为不是本人。"), "success")
            return redirect(url_for("face_review.queue"))
    reference = profiles.profile(found.user_id)
    return render_template("face_review/capture.html", capture=found, form=form,
                           has_reference=reference is not None and reference.reference_path is not None)


@bp.get("/<int:capture_id>/<any(capture, reference):which>.jpg")
@role_required(*REVIEWERS)
def image(capture_id: int, which: str):
    found = _capture(capture_id)
    try:
        path = review.image_path(current_user._get_current_object(), found, which)
    except Refused as e:
        abort(e.status, e.message)
    db.session.commit()  # the audit row of this view
    return storage.send(path, request.environ)
