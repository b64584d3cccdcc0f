"""Building and reviewing courses, shared by the studio and review pages and their v1 calls:
the producer's and the reviewer's queries, the JSON shapes of a course and a lesson, the
names of a course's status, and the one answer to a refused transition.

The rules themselves are in ``courses.studio.publishing``; this module only finds, shows and
answers. Producers see their organisation's courses only (``Course.organisation``, never
empty); reviewers and admins see every course past its draft.
"""
from datetime import UTC, datetime

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from accounts.models import User
from core import policy
from core.extensions import db
from core.http import error_response, wants_json
from core.inputs import is_id
from courses.access import in_published_course
from courses.media import links
from courses.media.backstage import VIDEO_STATUS_NAMES, rendition_sources
from courses.models import Course, Lesson, Video
from courses.studio import bank, publishing
from courses.studio.bank_rules import MAX_OPTIONS
from courses.studio.publishing import PublishingError

REVIEWERS = ("reviewer", "admin")
LISTED = ("submitted", "published", "rejected", "withdrawn")
STATUS_NAMES = {
    "draft": _l("草稿"), "submitted": _l("审核中"), "published": _l("已发布"),
    "rejected": _l("已退回"), "withdrawn": _l("已下架"),
}
STATUS_ORDER = ("rejected", "draft", "submitted", "published", "withdrawn")
# Refusals caused by what the request asked for rather than by the course's state.
UNPROCESSABLE = ("video_not_ready", "invalid_order", "reason_required")


# ---- the producer's ------------------------------------------------------------------------

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
    """The video ``video_id`` (any JSON value; its decimal digits as a string too, as the tus
    Location ends) of ``user``'s organisation, or None."""
    if isinstance(video_id, str) and video_id.isascii() and video_id.isdigit() and len(video_id) < 20:
        video_id = int(video_id)
    if not is_id(video_id):
        return None
    return db.session.scalar(organisation_videos(user).where(Video.id == video_id))



def default_lesson_title(course: Course, video: Video) -> str:
    stem = video.original_filename.rsplit(".", 1)[0].strip()
    return stem[:128] or _("第%(n)s讲", n=len(course.lessons) + 1)


def captions_problem(video: Video) -> str | None:
    """Captions belong to the video: once it plays in a published course they are locked,
    so that trainees keep seeing exactly what was reviewed."""
    if in_published_course(video):
        return _("该视频正在已发布的课程中播放，字幕随视频生效，不能再修改。")
    return None


# ---- the reviewer's ------------------------------------------------------------------------

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


# ---- shown -----------------------------------------------------------------------------------

def lesson_json(lesson: Lesson) -> dict:
    """A lesson as the studio shows it; media links are the caller's (``courses.media.links``)."""
    video = lesson.video
    media = links.video_links(video, current_user, datetime.now(UTC))
    return {
        "id": lesson.id, "position": lesson.position, "title": lesson.title, "video_id": video.id,
        "video_status": video.status, "duration_seconds": round(video.duration_seconds, 3),
        "poster": media["poster"], "captions": media["captions"],
    }


def course_json(course: Course) -> dict:
    revision = publishing.open_revision(course) if course.status == "published" else None
    stamps = ("submitted_at", "reviewed_at", "published_at", "withdrawn_at")
    return {
        "id": course.id, "title": course.title, "summary": course.summary, "instructor": course.instructor,
        "organisation": course.organisation, "category": course.category.code,
        "category_name": course.category.name, "catalogue_year": course.catalogue_year,
        "subject_type": course.subject_type, "subject_name": policy.subject_name(course.subject_type),
        "sector_public": course.sector_public, "status": course.status, "credit_hours": course.credit_hours,
        "duration_seconds": round(sum(lesson.video.duration_seconds for lesson in course.lessons), 3),
        "review_note": course.review_note if course.status == "rejected" else "",
        "revision_of": course.revision_of_id, "revision": revision.id if revision else None,
        "submit_problem": publishing.submit_problem(course),
        **{name: getattr(course, name).isoformat() if getattr(course, name) else None for name in stamps},
        "lessons": [lesson_json(lesson) for lesson in course.lessons],
    }


def page_helpers() -> dict:
    """What the studio and review templates use (a context processor of both)."""
    return {"status_names": STATUS_NAMES, "video_status_names": VIDEO_STATUS_NAMES,
            "rendition_sources": rendition_sources, "is_editable": publishing.is_editable,
            "exam_view": bank.exam_json, "kind_name": bank.kind_name, "option_letters": "ABCDEFGH"[:MAX_OPTIONS]}


def refused(e: PublishingError):
    """The one answer to a refused transition or edit, registered on the studio and review
    blueprints and their v1 calls. Nothing of the request is kept. A call gets
    ``{"error"}``: 422 when what it asked for was at fault, else 409. A page gets the
    message flashed and goes back to the course's page of its own blueprint
    (``studio.course`` or ``review.course``)."""
    db.session.rollback()
    if wants_json():
        return error_response(422 if e.code in UNPROCESSABLE else 409, e.code, e.message)
    flash(e.message, "error")
    return redirect(url_for(f"{request.blueprint}.course", course_id=request.view_args["course_id"]))
