"""v1 studio calls: a producer builds courses from the organisation's ready videos.

Producers see only their organisation's courses (``Course.organisation``, never empty);
another organisation's course answers 404 like one that does not exist. Field errors
are 422, illegal moves (editing a course under review, submitting without lessons) 409.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from courses.media import captions
from courses.models import Course, Lesson
from courses.studio import publishing
from courses.studio.authoring import (
    captions_problem,
    course_json,
    default_lesson_title,
    lesson_json,
    organisation_video,
    producer_course,
    refused,
)
from courses.studio.publishing import FieldError, PublishingError

bp = Blueprint("studio_api", __name__, url_prefix="/api/v1/studio")
bp.register_error_handler(PublishingError, refused)

_CLEANERS = {
    "title": publishing.clean_title, "summary": publishing.clean_summary,
    "instructor": publishing.clean_instructor, "category": publishing.clean_category,
    "catalogue_year": publishing.clean_year, "subject_type": publishing.clean_subject_type,
    "sector_public": publishing.clean_sector_public,
}
# Fields a new course may leave out: it is then 公需 and not 行业公需 (the column defaults).
_OPTIONAL = ("subject_type", "sector_public")


# ---- helpers of this module ---------------------------------------------------------------

def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", _("请求体应为 JSON 对象。"))
    return body


def _clean_fields(body: dict, course: Course | None = None) -> dict:
    """The cleaned fields of ``body`` for ``course`` (None: a new one, every required field)."""
    names = [name for name in _CLEANERS if name in body or (course is None and name not in _OPTIONAL)]
    if not names:
        raise ApiError(422, "no_fields", _("没有可修改的字段。"))
    try:
        return publishing.check_subject({name: _CLEANERS[name](body.get(name)) for name in names}, course)
    except FieldError as e:
        raise ApiError(422, f"invalid_{e.field}", str(e)) from None


def _course(course_id: int, lock: bool = False) -> Course:
    found = producer_course(course_id, current_user, lock)
    if found is None:
        raise ApiError(404, "not_found", _("课程不存在。"))
    return found


def _lesson(course: Course, lesson_id: int) -> Lesson:
    found = next((lesson for lesson in course.lessons if lesson.id == lesson_id), None)
    if found is None:
        raise ApiError(404, "not_found", _("这一讲不存在。"))
    return found


def _done(course: Course, status: int = 200):
    db.session.commit()
    db.session.refresh(course)
    return course_json(course), status


# ---- the calls ----------------------------------------------------------------------------

@bp.get("/courses")
@role_required("producer")
def list_courses():
    if not current_user.organisation:
        return {"items": []}
    stmt = select(Course).where(Course.organisation == current_user.organisation)
    if status := request.args.get("status"):
        stmt = stmt.where(Course.status == status)
    courses = db.session.scalars(stmt.order_by(Course.updated_at.desc(), Course.id.desc())).all()
    return {"items": [course_json(course) for course in courses]}


@bp.post("/courses")
@role_required("producer")
def create_course():
    if not current_user.organisation:
        raise ApiError(403, "no_organisation", _("您的账号没有所属机构，请联系管理员设置后再创建课程。"))
    values = _clean_fields(_json_body())
    course = Course(**values, producer=current_user._get_current_object(), organisation=current_user.organisation,
                    status="draft")
    db.session.add(course)
    return _done(course, 201)


@bp.get("/courses/<int:course_id>")
@role_required("producer")
def get_course(course_id: int):
    return course_json(_course(course_id))


@bp.patch("/courses/<int:course_id>")
@role_required("producer")
def update_course(course_id: int):
    course = _course(course_id, lock=True)
    values = _clean_fields(_json_body(), course)
    publishing.update_fields(course, values)
    return _done(course)


@bp.delete("/courses/<int:course_id>")
@role_required("producer")
def delete_course(course_id: int):
    course = _course(course_id, lock=True)
    publishing.delete_course(course)
    db.session.commit()
    return "", 204


@bp.post("/courses/<int:course_id>/lessons")
@role_required("producer")
def add_lesson(course_id: int):
    course = _course(course_id, lock=True)
    body = _json_body()
    video = organisation_video(body.get("video_id"), current_user)
    if video is None:
        raise ApiError(422, "invalid_video", _("找不到该视频，或它不属于您的机构。"))
    title = body.get("title")
    try:
        title = publishing.clean_lesson_title(title) or default_lesson_title(course, video)
        lesson = publishing.add_lesson(course, video, title, policy.minutes_per_hour())
    except FieldError as e:
        raise ApiError(422, "invalid_title", str(e)) from None
    db.session.commit()
    return {**lesson_json(lesson), "course": course_json(course)}, 201


@bp.patch("/courses/<int:course_id>/lessons/<int:lesson_id>")
@role_required("producer")
def rename_lesson(course_id: int, lesson_id: int):
    course = _course(course_id, lock=True)
    lesson = _lesson(course, lesson_id)
    try:
        title = publishing.clean_lesson_title(_json_body().get("title"), required=True)
        publishing.check_editable(course)
    except FieldError as e:
        raise ApiError(422, "invalid_title", str(e)) from None
    lesson.title = title
    db.session.commit()
    return lesson_json(lesson)


@bp.delete("/courses/<int:course_id>/lessons/<int:lesson_id>")
@role_required("producer")
def remove_lesson(course_id: int, lesson_id: int):
    course = _course(course_id, lock=True)
    publishing.remove_lesson(course, _lesson(course, lesson_id), policy.minutes_per_hour())
    return _done(course)


@bp.put("/courses/<int:course_id>/lessons/order")
@role_required("producer")
def reorder_lessons(course_id: int):
    course = _course(course_id, lock=True)
    ids = _json_body().get("lesson_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ApiError(422, "invalid_order", _("lesson_ids 应为各讲编号的列表。"))
    publishing.reorder_lessons(course, ids)
    return _done(course)


def _captions_bytes() -> bytes:
    upload = request.files.get("file")
    stream = upload.stream if upload else request.stream
    return stream.read(captions.MAX_BYTES + 1)


def _captions_lesson(course_id: int, lesson_id: int) -> Lesson:
    """The lesson whose captions may change now: its course locked and editable, its video ready."""
    course = _course(course_id, lock=True)
    lesson = _lesson(course, lesson_id)
    publishing.check_editable(course)
    if problem := captions_problem(lesson.video):
        raise ApiError(409, "captions_locked", problem)
    return lesson


@bp.put("/courses/<int:course_id>/lessons/<int:lesson_id>/captions")
@role_required("producer")
def put_captions(course_id: int, lesson_id: int):
    """The body is the WebVTT file (``text/vtt``), or a multipart form with a ``file`` field."""
    lesson = _captions_lesson(course_id, lesson_id)
    try:
        text = captions.validate(_captions_bytes())
    except captions.CaptionsError as e:
        raise ApiError(422, "invalid_captions", str(e)) from None
    captions.store(lesson.video, text)
    db.session.commit()
    return lesson_json(lesson)


@bp.delete("/courses/<int:course_id>/lessons/<int:lesson_id>/captions")
@role_required("producer")
def delete_captions(course_id: int, lesson_id: int):
    lesson = _captions_lesson(course_id, lesson_id)
    captions.remove(lesson.video)
    db.session.commit()
    return lesson_json(lesson)


def _transition(course_id: int, action) -> tuple[dict, int]:
    course = _course(course_id, lock=True)
    action(course, utcnow())
    return _done(course)


@bp.post("/courses/<int:course_id>/submit")
@role_required("producer")
def submit(course_id: int):
    return _transition(course_id, publishing.submit_course)


@bp.post("/courses/<int:course_id>/withdraw")
@role_required("producer")
def withdraw(course_id: int):
    return _transition(course_id, publishing.withdraw_course)


@bp.post("/courses/<int:course_id>/revision")
@role_required("producer")
def start_revision(course_id: int):
    """A draft revision of a published course (201), to edit and submit like any course."""
    course = _course(course_id, lock=True)
    revision = publishing.revise_course(course, utcnow())
    return _done(revision, 201)
