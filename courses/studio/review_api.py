"""v1 review calls: reviewers (and admins) take submitted courses and decide.

Approving publishes the course in its catalogue year (for a revision: applies it onto
the published course, which keeps its id); rejecting needs a reason the producer reads.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from courses.models import Course
from courses.studio import publishing
from courses.studio.authoring import LISTED, REVIEWERS, course_json, queue_query, refused, reviewable_course
from courses.studio.bank import bank_json
from courses.studio.publishing import PublishingError

bp = Blueprint("review_api", __name__, url_prefix="/api/v1/review")
bp.register_error_handler(PublishingError, refused)


def _course(course_id: int) -> Course:
    found = reviewable_course(course_id, lock=request.method == "POST")
    if found is None:
        raise ApiError(404, "not_found", _("课程不存在。"))
    return found


def _decision_body() -> tuple[bool, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("approve"), bool):
        raise ApiError(422, "invalid_decision",
                       _('请求体应为 {"approve": true} 或 {"approve": false, "reason": "…"}。'))
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise ApiError(422, "invalid_reason", _("退回理由应为文字。"))
    return body["approve"], reason


@bp.get("/courses")
@role_required(*REVIEWERS)
def queue():
    status = request.args.get("status", "submitted")
    if status not in LISTED:
        raise ApiError(422, "invalid_status", _("status 应为 submitted、published、rejected 或 withdrawn。"))
    courses = db.session.scalars(queue_query(status)).all()
    return {"items": [course_json(course) for course in courses]}


@bp.get("/courses/<int:course_id>")
@role_required(*REVIEWERS)
def get_course(course_id: int):
    """The course with its test: settings and question bank, answers included (for review)."""
    course = _course(course_id)
    return {**course_json(course), **bank_json(course)}


@bp.post("/courses/<int:course_id>/decision")
@role_required(*REVIEWERS)
def decision(course_id: int):
    approve, reason = _decision_body()
    course = _course(course_id)
    result = publishing.decide(course, current_user, approve, reason, utcnow())
    db.session.commit()
    db.session.refresh(result)
    return course_json(result)


@bp.post("/courses/<int:course_id>/withdraw")
@role_required(*REVIEWERS)
def withdraw(course_id: int):
    course = _course(course_id)
    publishing.withdraw_course(course, utcnow())
    db.session.commit()
    db.session.refresh(course)
    return course_json(course)
