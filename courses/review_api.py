"""v1 review calls: reviewers (and admins) take submitted courses and decide.

Approving publishes the course in its catalogue year (for a revision: applies it onto
the published course, which keeps its id); rejecting needs a reason the producer reads.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from courses import publishing
from courses.models import Course
from courses.publishing import PublishingError
from courses.studio_api import course_json

bp = Blueprint("review_api", __name__, url_prefix="/api/v1/review")

REVIEWERS = ("reviewer", "admin")
LISTED = ("submitted", "published", "rejected", "withdrawn")


def reviewable_course(course_id: int, lock: bool = False) -> Course | None:
    """Any course past its draft (a draft is its producer's business alone)."""
    stmt = select(Course).where(Course.id == course_id, Course.status != "draft")
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def queue_query(status: str = "submitted"):
    """Courses in ``status``: the submitted queue oldest first, other lists newest first."""
    stmt = select(Course).where(Course.status == status)
    if status == "submitted":
        return stmt.order_by(Course.submitted_at.asc().nulls_last(), Course.id.asc())
    return stmt.order_by(Course.updated_at.desc(), Course.id.desc())


def _course(course_id: int) -> Course:
    found = reviewable_course(course_id, lock=request.method == "POST")
    if found is None:
        raise ApiError(404, "not_found", _("课程不存在。"))
    return found


def _decision_body() -> tuple[bool, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("approve"), bool):
        raise ApiError(422, "invalid_decision", _("请求体应为 {\"approve\": true} 或 {\"approve\": false, \"reason\": \"…\"}。"))
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
    return course_json(_course(course_id))


@bp.post("/courses/<int:course_id>/decision")
@role_required(*REVIEWERS)
def decision(course_id: int):
    approve, reason = _decision_body()
    course = _course(course_id)
    try:
        result = publishing.decide(course, current_user, approve, reason, utcnow())
    except PublishingError as e:
        raise ApiError(422 if e.code == "reason_required" else 409, e.code, e.message) from None
    db.session.commit()
    db.session.refresh(result)
    return course_json(result)


@bp.post("/courses/<int:course_id>/withdraw")
@role_required(*REVIEWERS)
def withdraw(course_id: int):
    course = _course(course_id)
    try:
        publishing.withdraw_course(course, utcnow())
    except PublishingError as e:
        raise ApiError(409, e.code, e.message) from None
    db.session.commit()
    db.session.refresh(course)
    return course_json(course)
