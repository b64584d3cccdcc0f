"""v1 studio calls: a producer builds courses from the organisation's ready videos.

Producers see only their organisation's courses (``Course.organisation``, never empty);
another organisation's course answers 404 like one that does not exist. Field errors
are 422, illegal moves (editing a course under review, submitting without lessons) 409.
"""
from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from accounts.access import role_required
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from courses import captions, publishing
from courses.access import in_published_course
from courses.models import Course, Lesson, Video
from courses.publishing import FieldError, PublishingError

bp = Blueprint("studio_api", __name__, url_prefix="/api/v1/studio")

_CLEANERS = {
    "title": publishing.clean_title, "summary": publishing.clean_summary,
    "instructor": publishing.clean_instructor, "category": publishing.clean_category,
    "catalogue_year": publishing.clean_year,
}


# ---- shared with the studio pages ---------------------------------------------------------

def producer_course(course_id: int, user: User, lock: bool = False) -> Course | None:
    """``user``'s organisation's course ``course_id``, or None (also for no organisation)."""
    if not user.organisation:
        return None
    stmt = select(Course).where(Course.id == course_id, Course.organisation == user.organisation)
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def organisation_videos(user: User):
    """A query of the videos of ``user`` and of their organisation, newest first."""
    mine = Video.owner_id == user.id
    if user.organisation:
        mine = or_(mine, Video.owner.has(User.organisation == user.organisation))
    return select(Video).where(mine).order_by(Video.created_at.desc(), Video.id.desc())


def organisation_video(video_id, user: User) -> Video | None:
    if not isinstance(video_id, int) or isinstance(video_id, bool):
        return None
    return db.session.scalar(organisation_videos(user).where(Video.id == video_id))


def minutes_per_hour() -> int:
    return current_app.config["CREDIT_MINUTES_PER_HOUR"]


def default_lesson_title(course: Course, video: Video) -> str:
    stem = video.original_filename.rsplit(".", 1)[0].strip()
    return stem[:128] or _("第%(n)s讲", n=len(course.lessons) + 1)


def captions_problem(video: Video) -> str | None:
    """Captions belong to the video: once it plays in a published course they are locked,
    so that trainees keep seeing exactly what was reviewed."""
    if in_published_course(video):
        return _("该视频正在已发布的课程中播放，字幕随视频生效，不能再修改。")
    return None


def lesson_json(lesson: Lesson) -> dict:
    video = lesson.video
    return {
        "id": lesson.id, "position": lesson.position, "title": lesson.title, "video_id": video.id,
        "video_status": video.status, "duration_seconds": round(video.duration_seconds, 3),
        "poster": url_for("media.poster", video_id=video.id) if video.poster_path else None,
        "captions": url_for("media.captions", video_id=video.id) if video.captions_path else None,
    }


def course_json(course: Course) -> dict:
    revision = publishing.open_revision(course) if course.status == "published" else None
    stamps = ("submitted_at", "reviewed_at", "published_at", "withdrawn_at")
    return {
        "id": course.id, "title": course.title, "summary": course.summary, "instructor": course.instructor,
        "organisation": course.organisation, "category": course.category.code,
        "category_name": course.category.name, "catalogue_year": course.catalogue_year,
        "status": course.status, "credit_hours": course.credit_hours,
        "duration_seconds": round(sum(lesson.video.duration_seconds for lesson in course.lessons), 3),
        "review_note": course.review_note if course.status == "rejected" else "",
        "revision_of": course.revision_of_id, "revision": revision.id if revision else None,
        "submit_problem": publishing.submit_problem(course),
        **{name: getattr(course, name).isoformat() if getattr(course, name) else None for name in stamps},
        "lessons": [lesson_json(lesson) for lesson in course.lessons],
    }


# ---- helpers of this module ---------------------------------------------------------------

def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", _("请求体应为 JSON 对象。"))
    return body


def _clean_fields(body: dict, required: bool) -> dict:
    names = [name for name in _CLEANERS if name in body or required]
    if not names:
        raise ApiError(422, "no_fields", _("没有可修改的字段。"))
    try:
        return {name: _CLEANERS[name](body.get(name)) for name in names}
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
        raise ApiError(404, "not_found", _("课时不存在。"))
    return found


def _conflict(e: PublishingError) -> ApiError:
    return ApiError(409, e.code, e.message)


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
    values = _clean_fields(_json_body(), required=True)
    course = Course(**values, producer=current_user._get_current_object(), organisation=current_user.organisation, status="draft")
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
    values = _clean_fields(_json_body(), required=False)
    try:
        publishing.update_fields(course, values)
    except PublishingError as e:
        raise _conflict(e) from None
    return _done(course)


@bp.delete("/courses/<int:course_id>")
@role_required("producer")
def delete_course(course_id: int):
    course = _course(course_id, lock=True)
    try:
        publishing.delete_course(course)
    except PublishingError as e:
        raise _conflict(e) from None
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
        lesson = publishing.add_lesson(course, video, title, minutes_per_hour())
    except FieldError as e:
        raise ApiError(422, "invalid_title", str(e)) from None
    except PublishingError as e:
        raise (ApiError(422, e.code, e.message) if e.code == "video_not_ready" else _conflict(e)) from None
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
    except PublishingError as e:
        raise _conflict(e) from None
    lesson.title = title
    db.session.commit()
    return lesson_json(lesson)


@bp.delete("/courses/<int:course_id>/lessons/<int:lesson_id>")
@role_required("producer")
def remove_lesson(course_id: int, lesson_id: int):
    course = _course(course_id, lock=True)
    try:
        publishing.remove_lesson(course, _lesson(course, lesson_id), minutes_per_hour())
    except PublishingError as e:
        raise _conflict(e) from None
    return _done(course)


@bp.put("/courses/<int:course_id>/lessons/order")
@role_required("producer")
def reorder_lessons(course_id: int):
    course = _course(course_id, lock=True)
    ids = _json_body().get("lesson_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ApiError(422, "invalid_order", _("lesson_ids 应为课时编号的列表。"))
    try:
        publishing.reorder_lessons(course, ids)
    except PublishingError as e:
        raise (ApiError(422, e.code, e.message) if e.code == "invalid_order" else _conflict(e)) from None
    return _done(course)


def _captions_bytes() -> bytes:
    upload = request.files.get("file")
    stream = upload.stream if upload else request.stream
    return stream.read(captions.MAX_BYTES + 1)


def _captions_lesson(course_id: int, lesson_id: int) -> Lesson:
    """The lesson whose captions may change now: its course locked and editable, its video ready."""
    course = _course(course_id, lock=True)
    lesson = _lesson(course, lesson_id)
    try:
        publishing.check_editable(course)
    except PublishingError as e:
        raise _conflict(e) from None
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
    try:
        action(course, utcnow())
    except PublishingError as e:
        raise _conflict(e) from None
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
    try:
        revision = publishing.revise_course(course, utcnow())
    except PublishingError as e:
        raise _conflict(e) from None
    return _done(revision, 201)
