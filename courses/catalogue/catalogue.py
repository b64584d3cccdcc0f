"""The public catalogue: home, 全部课程, category pages, course pages, and the lesson player page."""
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.access import login_required
from accounts.landing import landing_url
from core import policy
from core.extensions import db
from core.paging import page_number
from core.tz import CHINA
from courses import listing
from courses.catalogue import browse
from courses.models import Course, Lesson
from courses.search.index import hour_labels

CAMERA_ALLOWED = "camera=(self), microphone=(), geolocation=()"  # the lesson page: face checks take frames

bp = Blueprint("catalogue", __name__)
# 公需科目 / 专业科目 / 选修科目 in any page (course cards are shown by other rooms too).
bp.add_app_template_global(policy.subject_name, "subject_name")


@bp.app_template_filter("duration")
def format_duration(seconds: float) -> str:
    """``75.4`` → ``1:15``; ``2710`` → ``45:10``; an hour or more → ``1:02:03``."""
    total = int(round(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _year_filter() -> int | None:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else None


def _type_filter() -> str | None:
    """The subject type asked for (``?type=``); an unknown one is ignored, as a bad year is."""
    value = request.args.get("type")
    return value if value in policy.SUBJECT_TYPES else None


@bp.get("/")
def index():
    """The front door: a signed-in user is sent to their role's landing (the catalogue is
    one click away, 课程 in the header); anyone else sees the catalogue's home."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    return home()


@bp.get("/catalogue")
def home():
    """The catalogue's home, for everyone: categories and the newest courses."""
    categories = listing.categories_with_counts()
    latest = db.session.scalars(listing.published_courses().limit(6)).unique().all()
    return render_template(
        "catalogue/home.html",
        areas=[(c, n) for c, n in categories if c.kind == "area"],
        themes=[(c, n) for c, n in categories if c.kind == "theme"],
        latest=latest,
    )


@bp.get("/courses")
def courses():
    """全部课程: every published course of a catalogue year (``courses.catalogue.browse`` says
    what the filters and the default year mean), paged; page links keep the filters."""
    years = listing.catalogue_years()
    categories = listing.categories_with_counts()
    chosen = browse.from_args(request.args, years, datetime.now(UTC).astimezone(CHINA).year,
                              {category.code for category, _count in categories})
    page = db.paginate(browse.courses(chosen), page=page_number(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "catalogue/courses.html", page=page, chosen=chosen, params=chosen.params(), years=years,
        areas=[c for c, _n in categories if c.kind == "area"], themes=[c for c, _n in categories if c.kind == "theme"],
        subject_types=policy.SUBJECT_TYPES, hour_labels=hour_labels(), sort_labels=browse.sort_labels())


@bp.get("/categories/<code>")
def category(code: str):
    found = listing.category_by_code(code)
    if found is None:
        abort(404)
    year, subject_type = _year_filter(), _type_filter()
    page = db.paginate(listing.published_courses(category=found, year=year, subject_type=subject_type),
                       page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("catalogue/category.html", category=found, page=page, year=year,
                           years=listing.catalogue_years(), subject_type=subject_type,
                           subject_types=policy.SUBJECT_TYPES)


@bp.get("/courses/<int:course_id>")
def course(course_id: int):
    found = listing.published_course(course_id)
    if found is None:
        abort(404)
    return render_template("catalogue/course.html", course=found,
                           total_seconds=listing.total_seconds(found))


@bp.get("/lessons/<int:lesson_id>")
@login_required
def lesson(lesson_id: int):
    found = db.session.scalar(
        select(Lesson).join(Lesson.course)
        .where(Lesson.id == lesson_id, Course.status == "published")
        .options(joinedload(Lesson.video), joinedload(Lesson.course))
    )
    if found is None:
        abort(404)
    # The browser plays the first source it can: 720p or the best below it, then the rest.
    sources = sorted(found.video.renditions, key=lambda r: (r["height"] > 720, -r["height"]))
    response = current_app.make_response(render_template("catalogue/lesson.html", lesson=found,
                                                         course=found.course, sources=sources))
    # The player takes a camera frame when the server makes a face check due (issue 19).
    response.headers["Permissions-Policy"] = CAMERA_ALLOWED
    return response
