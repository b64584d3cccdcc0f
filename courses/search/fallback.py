"""Search from the database while the index is being built: the catalogue's LIKE search.

Each word of the query must occur (``LIKE``, case-insensitive) in the title, summary,
instructor or organisation, as ``courses.listing`` matches its ``q``. No pinyin, no
ranking beyond the sort chosen (relevance falls back to newest); facets are counted in
SQL. ``courses.search.engine.find`` uses this only while no usable index exists.
"""
from sqlalchemy import Select, case, func, or_, select

from core.extensions import db
from courses import listing
from courses.models import Category, Course
from courses.search.index import HOUR_BUCKETS
from courses.search.query import FACETS, Hit, SearchQuery, SearchResult, facet_pairs
from courses.search.text import ParsedQuery, highlight, preview, snippet

COLUMNS = (Course.title, Course.summary, Course.instructor, Course.organisation)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _bucket():
    return case(*[((Course.credit_tenths >= low) & (Course.credit_tenths < below), key)
                  for key, low, below in HOUR_BUCKETS if below is not None],
                else_=HOUR_BUCKETS[-1][0])


def matching_ids(query: SearchQuery, parsed: ParsedQuery) -> Select:
    """The ids of the published courses the query and its filters match."""
    stmt = select(Course.id).join(Category, Category.id == Course.category_id).where(Course.status == "published")
    for word in parsed.words:
        stmt = stmt.where(or_(*(column.ilike(_like(word), escape="\\") for column in COLUMNS)))
    if query.category:
        stmt = stmt.where(Category.code == query.category)
    if query.year:
        stmt = stmt.where(Course.catalogue_year == query.year)
    if query.hours:
        stmt = stmt.where(_bucket() == query.hours)
    if query.type:
        stmt = stmt.where(Course.subject_type == query.type)
    return stmt


def _facets(ids: Select) -> dict[str, list[tuple[str, int]]]:
    keys = {"category": Category.code, "year": Course.catalogue_year, "hours": _bucket(),
            "type": Course.subject_type}
    facets = {}
    for name in FACETS:
        rows = db.session.execute(
            select(keys[name], func.count()).select_from(Course).join(Category, Category.id == Course.category_id)
            .where(Course.id.in_(ids)).group_by(keys[name]))
        facets[name] = facet_pairs(name, {str(key): count for key, count in rows})
    return facets


def _ordered(ids: Select, sort: str) -> Select:
    stmt = listing.published_courses().where(Course.id.in_(ids))
    if sort in ("hours_desc", "hours_asc"):
        credit = Course.credit_tenths.desc() if sort == "hours_desc" else Course.credit_tenths.asc()
        stmt = stmt.order_by(None).order_by(credit, Course.id.desc())
    return stmt


def find(query: SearchQuery, parsed: ParsedQuery) -> SearchResult:
    ids = matching_ids(query, parsed)
    total = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    offset = (query.page - 1) * query.per_page
    courses = db.session.scalars(_ordered(ids, query.sort).offset(offset).limit(query.per_page)).unique().all()
    words = parsed.words
    hits = [Hit(course_id=c.id, title=highlight(c.title, words),
                snippet=snippet(c.summary, words) or preview(c.summary)) for c in courses]
    result = SearchResult(query=query, parsed=parsed, hits=hits, total=total, engine="database")
    result.facets = _facets(ids) if total else {name: [] for name in FACETS}
    return result
