"""全部课程 (``GET /courses``): what its filters and sorts mean, as plain functions.

The page is a plain GET form, so it works without JavaScript and every page link carries
the filters. Its parameters are read leniently, as the search page's are: a value that
makes no sense (an unknown category, ``year=abc``) is dropped, never refused, because the
page is reached by links people edit.

- ``year``: a catalogue year that has published courses, or ``all``; by default this
  year's catalogue (China time), or the newest catalogue when this year's has none yet
  (the first days of January), so the page a trainee opens is never empty for a date.
- ``category``: a category code, or ``area`` / ``theme`` for all 重点领域 / all 专题.
- ``hours``: a 学时 range of the search's facet (``courses.search.index.HOUR_BUCKETS``).
- ``type``: a subject type (``core.policy.SUBJECT_TYPES``).
- ``sort``: ``newest`` (the default), ``popular`` (most trainees studying it),
  ``hours_desc``, ``hours_asc``.
"""
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

from flask_babel import gettext as _
from sqlalchemy import Select, distinct, func, select

from core import policy
from core.extensions import db
from courses import listing
from courses.models import Category, Course
from courses.search.index import HOUR_BUCKETS

ALL_YEARS = "all"
GROUPS = ("area", "theme")
SORTS = ("newest", "popular", "hours_desc", "hours_asc")
HOURS = {key: (low, below) for key, low, below in HOUR_BUCKETS}


@dataclass(frozen=True)
class Browse:
    """The list a request asks for: ``year`` None means every year."""

    year: int | None
    category: str | None = None
    hours: str | None = None
    type: str | None = None
    sort: str = "newest"

    def params(self) -> dict:
        """The query parameters that ask for this list again (page links, the form's state)."""
        values = {**asdict(self), "year": ALL_YEARS if self.year is None else self.year,
                  "sort": None if self.sort == "newest" else self.sort}
        return {name: value for name, value in values.items() if value is not None}

    def cleared(self) -> dict:
        """The parameters of this list without its filters (its year and order kept)."""
        return replace(self, category=None, hours=None, type=None).params()

    def every_year(self) -> dict:
        """The parameters of this list over every catalogue year."""
        return replace(self, year=None).params()

    @property
    def narrowed(self) -> bool:
        """Whether anything but the year narrows the list."""
        return bool(self.category or self.hours or self.type)


def default_year(years: list[int], this_year: int) -> int:
    """This year when its catalogue has courses (or no year has any), else the newest catalogue's."""
    return this_year if this_year in years or not years else years[0]


def _choice(args: Mapping[str, str], name: str, allowed) -> str | None:
    value = args.get(name, "")
    return value if value in allowed else None


def from_args(args: Mapping[str, str], years: list[int], this_year: int, categories: set[str]) -> Browse:
    """The list ``args`` ask for; ``years`` are the catalogue years with published courses
    (newest first), ``categories`` the category codes."""
    raw = args.get("year", "")
    if raw == ALL_YEARS:
        year = None
    elif raw.isdigit() and int(raw) in years:
        year = int(raw)
    else:
        year = default_year(years, this_year)
    return Browse(year=year, category=_choice(args, "category", categories | set(GROUPS)),
                  hours=_choice(args, "hours", HOURS), type=_choice(args, "type", policy.SUBJECT_TYPES),
                  sort=_choice(args, "sort", SORTS) or "newest")


def learners():
    """Per course, how many trainees have studied it (opened one of its lessons): ``course_id, n``.

    ``lesson_progress`` is learning's table; courses sits below learning
    (tests/core/test_import_direction.py), so it is read by name from the shared metadata,
    its model being loaded with the app as every model is."""
    progress = db.metadata.tables["lesson_progress"]
    return (select(progress.c.course_id, func.count(distinct(progress.c.user_id)).label("n"))
            .group_by(progress.c.course_id).subquery())


def courses(chosen: Browse) -> Select:
    """The published courses ``chosen`` asks for, in its order (ties: newest first)."""
    stmt = listing.published_courses(year=chosen.year, subject_type=chosen.type)
    if chosen.category in GROUPS:
        stmt = stmt.where(Course.category.has(Category.kind == chosen.category))
    elif chosen.category:
        stmt = stmt.where(Course.category.has(Category.code == chosen.category))
    if chosen.hours:
        low, below = HOURS[chosen.hours]
        stmt = stmt.where(Course.credit_tenths >= low)
        if below is not None:
            stmt = stmt.where(Course.credit_tenths < below)
    newest = (Course.published_at.desc().nulls_last(), Course.id.desc())
    if chosen.sort == "popular":
        counts = learners()
        stmt = stmt.outerjoin(counts, counts.c.course_id == Course.id).order_by(None).order_by(
            func.coalesce(counts.c.n, 0).desc(), *newest)
    elif chosen.sort in ("hours_desc", "hours_asc"):
        hours = Course.credit_tenths.desc() if chosen.sort == "hours_desc" else Course.credit_tenths.asc()
        stmt = stmt.order_by(None).order_by(hours, *newest)
    return stmt


def sort_labels() -> dict[str, str]:
    return {"newest": _("最新发布"), "popular": _("学习人数最多"),
            "hours_desc": _("学时从多到少"), "hours_asc": _("学时从少到多")}
