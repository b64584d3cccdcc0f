"""v1 catalogue calls: the public course list and a published course with its lessons.

With ``q``, the list comes from the course search (``courses.search.engine``: the same engine
as the ``/search`` page, ranked by relevance unless ``sort`` says otherwise); the
response has the same shape either way.
"""
from datetime import UTC, datetime
from math import ceil

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import policy
from core.extensions import db
from core.http import ApiError
from core.paging import page_links
from courses import listing
from courses.media import links
from courses.models import Course, Lesson
from courses.search import engine as search

bp = Blueprint("catalogue_api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(422, f"invalid_{name}", _("参数 %(name)s 应为 %(low)s 到 %(high)s 之间的整数。",
                                                 name=name, low=low, high=high))
    return int(raw)


def _type_arg() -> str | None:
    value = request.args.get("type", "")
    if value == "":
        return None
    if value not in policy.SUBJECT_TYPES:
        raise ApiError(422, "invalid_type",
                       _("参数 type 应为 %(choices)s 之一。", choices=", ".join(policy.SUBJECT_TYPES)))
    return value


def course_summary(course: Course) -> dict:
    first = course.lessons[0] if course.lessons else None
    return {
        "id": course.id,
        "title": course.title,
        "summary": course.summary,
        "instructor": course.instructor,
        "organisation": course.organisation,
        "category": course.category.code,
        "category_name": course.category.name,
        "catalogue_year": course.catalogue_year,
        "subject_type": course.subject_type,
        "subject_name": policy.subject_name(course.subject_type),
        "sector_public": course.sector_public,
        "credit_hours": course.credit_hours,
        "lesson_count": len(course.lessons),
        "duration_seconds": round(listing.total_seconds(course), 3),
        "poster": url_for("media.poster", video_id=first.video_id) if first and first.video.poster_path else None,
        "url": url_for("catalogue.course", course_id=course.id),
    }


def lesson_detail(lesson: Lesson, now: datetime) -> dict:
    """A published lesson; its media links are signed for a signed-in caller (``courses.media.links``)."""
    video = lesson.video
    media = links.video_links(video, current_user, now)
    widths = {r["height"]: r.get("width") for r in video.renditions}
    return {
        "id": lesson.id,
        "position": lesson.position,
        "title": lesson.title,
        "duration_seconds": round(video.duration_seconds, 3),
        "sources": [
            {"url": r["url"], "height": r["height"], "width": widths[r["height"]], "type": "video/mp4"}
            for r in media["renditions"]
        ],
        "poster": media["poster"],
        "captions": media["captions"],
    }


@bp.get("/courses")
def courses():
    code = request.args.get("category", "")
    category = listing.category_by_code(code) if code else None
    if code and category is None:
        raise ApiError(422, "invalid_category", _("没有这个课程类别：%(code)s", code=code))
    year = _int_arg("year", None, 2000, 2100)
    subject_type = _type_arg()
    page_number = _int_arg("page", 1, 1, 100000)
    per_page = _int_arg("per_page", current_app.config["PAGE_SIZE"], 1, MAX_PER_PAGE)
    q = request.args.get("q", "")
    if q.strip():
        return _search(q, code, year, subject_type, page_number, per_page)
    page = db.paginate(listing.published_courses(category=category, year=year, subject_type=subject_type),
                       page=page_number, per_page=per_page, error_out=False)
    return {
        "items": [course_summary(course) for course in page.items],
        "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages,
        **page_links(page.page, page.pages),
    }


def _search(q: str, category: str, year: int | None, subject_type: str | None, page: int, per_page: int) -> dict:
    sort = request.args.get("sort") or "relevance"
    if sort not in search.SORTS:
        raise ApiError(422, "invalid_sort", _("参数 sort 应为 %(choices)s 之一。", choices=", ".join(search.SORTS)))
    result = search.find(search.SearchQuery(text=q, category=category or None, year=year, type=subject_type,
                                            sort=sort, page=page, per_page=per_page))
    pages = ceil(result.total / per_page)
    return {
        "items": [course_summary(course) for _hit, course in search.courses_for(result.hits)],
        "page": page, "per_page": per_page, "total": result.total, "pages": pages, **page_links(page, pages),
    }


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    found = listing.published_course(course_id)
    if found is None:
        raise ApiError(404, "not_found", _("课程不存在或尚未发布。"))
    now = datetime.now(UTC)
    return {**course_summary(found), "lessons": [lesson_detail(lesson, now) for lesson in found.lessons]}
