"""Queries over the published catalogue, shared by the pages and the v1 API."""
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.extensions import db
from courses.models import Category, Course, Lesson


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def published_courses(category: Category | None = None, year: int | None = None,
                      q: str | None = None, subject_type: str | None = None) -> Select:
    """Published courses, newest first, with what a course card shows loaded up front;
    ``subject_type`` keeps one of ``core.policy.SUBJECT_TYPES``."""
    stmt = (
        select(Course)
        .where(Course.status == "published")
        .options(joinedload(Course.category), selectinload(Course.lessons).joinedload(Lesson.video))
        .order_by(Course.published_at.desc().nulls_last(), Course.id.desc())
    )
    if category is not None:
        stmt = stmt.where(Course.category_id == category.id)
    if year is not None:
        stmt = stmt.where(Course.catalogue_year == year)
    if subject_type is not None:
        stmt = stmt.where(Course.subject_type == subject_type)
    if q:
        pattern = f"%{_escape_like(q.strip())}%"
        stmt = stmt.where(or_(*(column.ilike(pattern, escape="\\") for column in
                                (Course.title, Course.summary, Course.instructor))))
    return stmt


def published_course(course_id: int) -> Course | None:
    return db.session.scalar(
        select(Course).where(Course.id == course_id, Course.status == "published").options(
            joinedload(Course.category), selectinload(Course.lessons).joinedload(Lesson.video))
    )


def category_by_code(code: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.code == code))


def categories_with_counts() -> list[tuple[Category, int]]:
    """Every category in catalogue order with its number of published courses."""
    counts = (
        select(Course.category_id, func.count().label("n"))
        .where(Course.status == "published").group_by(Course.category_id).subquery()
    )
    rows = db.session.execute(
        select(Category, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.category_id == Category.id)
        .order_by(Category.position)
    )
    return [(category, count) for category, count in rows]


def catalogue_years() -> list[int]:
    return list(db.session.scalars(
        select(Course.catalogue_year).where(Course.status == "published")
        .distinct().order_by(Course.catalogue_year.desc())
    ))


def total_seconds(course: Course) -> float:
    return sum(lesson.video.duration_seconds for lesson in course.lessons)
