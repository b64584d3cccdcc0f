"""Review pages: the queue of submitted courses, a full preview, and the decision.

For reviewers and admins. Approving publishes the course in its catalogue year (a
revision is applied onto its published course); rejecting needs a reason, which the
producer sees in the studio. Reviewers may also withdraw a published course.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.paging import page_number
from courses.studio import publishing
from courses.studio.authoring import LISTED, REVIEWERS, page_helpers, queue_query, refused, reviewable_course
from courses.studio.publishing import PublishingError

bp = Blueprint("review", __name__, url_prefix="/review")
bp.context_processor(page_helpers)
bp.register_error_handler(PublishingError, refused)

PER_PAGE = 20


@bp.get("/")
@role_required(*REVIEWERS)
def queue():
    status = request.args.get("status", "submitted")
    if status not in LISTED:
        status = "submitted"
    page = db.paginate(queue_query(status), page=page_number(),
                       per_page=PER_PAGE, error_out=False)
    return render_template("review/queue.html", page=page, status=status, statuses=LISTED)


@bp.get("/courses/<int:course_id>")
@role_required(*REVIEWERS)
def course(course_id: int):
    found = reviewable_course(course_id)
    if found is None:
        abort(404)
    return render_template("review/course.html", course=found, submit_problem=publishing.submit_problem(found))


def _decide(course_id: int, approve: bool):
    course = reviewable_course(course_id, lock=True)
    if course is None:
        abort(404)
    result = publishing.decide(course, current_user, approve, request.form.get("reason", ""), utcnow())
    db.session.commit()
    if approve:
        flash(_("已通过：《%(title)s》已发布到 %(year)s 年度目录。", title=result.title,
                year=result.catalogue_year), "success")
    else:
        flash(_("已退回《%(title)s》，制作方会看到退回理由。", title=result.title), "success")
    return redirect(url_for("review.queue"))


@bp.post("/courses/<int:course_id>/approve")
@role_required(*REVIEWERS)
def approve(course_id: int):
    return _decide(course_id, True)


@bp.post("/courses/<int:course_id>/reject")
@role_required(*REVIEWERS)
def reject(course_id: int):
    return _decide(course_id, False)


@bp.post("/courses/<int:course_id>/withdraw")
@role_required(*REVIEWERS)
def withdraw(course_id: int):
    course = reviewable_course(course_id, lock=True)
    if course is None:
        abort(404)
    publishing.withdraw_course(course, utcnow())
    db.session.commit()
    flash(_("《%(title)s》已下架，学员已获得的学时不受影响。", title=course.title), "success")
    return redirect(url_for("review.course", course_id=course_id))
