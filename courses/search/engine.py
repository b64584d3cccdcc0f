"""Course search: what the search page and ``GET /api/v1/courses?q=`` call.

``find(SearchQuery)`` → ``SearchResult``. What the user typed is read by
``text.parse_query`` (nothing in it is syntax: operators, field names, quotes and
wildcards are separators); every word must occur in a course; titles weigh most; only
published courses are found (``courses.search.query`` has the details).

The index lives in ``SEARCH_INDEX_DIR`` (``courses.search.index``) and is written only by
the worker (``courses.search.tasks``). When a web process finds it missing, of an older
schema or unreadable, it asks the worker for a rebuild (once: a marker file) and
meanwhile answers from the database with the catalogue's LIKE search
(``courses.search.fallback``), so the site keeps working; ``SearchResult.engine`` says
which answered. With ``QUEUE_IMMEDIATE`` (tests, development) the rebuild runs inline, so
the index is there on the first search.
"""
from flask import current_app

from core.extensions import db
from courses import listing
from courses.models import Course
from courses.search import fallback, index, tasks
from courses.search.index import index_root, prepare
from courses.search.query import FACETS, SORTS, Hit, SearchQuery, SearchResult, run
from courses.search.text import parse_query

__all__ = ("FACETS", "SORTS", "Hit", "SearchQuery", "SearchResult", "courses_for", "find", "index_root", "prepare",
           "run")


def find(query: SearchQuery) -> SearchResult:
    """Search the published catalogue; never raises for anything a user can type."""
    prepare()
    parsed = parse_query(query.text, current_app.config["SEARCH_QUERY_MAX_CHARS"])
    if parsed.empty:
        return SearchResult(query=query, parsed=parsed)
    root = index_root()
    searcher = index.searcher(root)
    if searcher is None:
        tasks.request_rebuild()
        searcher = index.searcher(root)
    if searcher is None:
        return fallback.find(query, parsed)
    return run(searcher, query, parsed)


def courses_for(hits: list[Hit]) -> list[tuple[Hit, Course]]:
    """Each hit with its course, in the hits' order; a course no longer published is left out."""
    if not hits:
        return []
    stmt = listing.published_courses().where(Course.id.in_([hit.course_id for hit in hits]))
    by_id = {course.id: course for course in db.session.scalars(stmt).unique()}
    return [(hit, by_id[hit.course_id]) for hit in hits if hit.course_id in by_id]
