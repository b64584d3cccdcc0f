"""bp "check_rewatch": 补录 by the trainee of a course held for failed and missed checks over the
allowance (learning.check_review.rewatch): POST /me/learning/courses/<id>/rewatch, from the
record page (我的学习), which says why the course is not credited and what to do."""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from learning import check_review, ledger
from learning.check_forms import RewatchForm

bp = Blueprint("check_rewatch", __name__)


@bp.post("/me/learning/courses/<int:course_id>/rewatch")
@role_required("trainee")
def rewatch(course_id: int):
    if not RewatchForm().validate_on_submit():
        flash(_("表单已过期，请重新提交。"), "error")
        return redirect(url_for("record.index"))
    user_id = current_user.id
    db.session.commit()  # end the read that loaded the user: the trainee's lock opens the transaction
    # No heartbeat of the trainee runs meanwhile, and one that read the progress before starts again.
    ledger.lock_budget(user_id)
    try:
        row = check_review.rewatch(user_id, course_id, utcnow())
    except Refused as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for("record.index"))
    audit.record("checks_rewatch", target=f"course:{course_id}", course_id=course_id, misses=row.misses)
    db.session.commit()
    flash(_("已开始补录：请重新观看有未通过随堂检查的讲次，完成后即可认定学时。"), "success")
    return redirect(url_for("record.index"))
