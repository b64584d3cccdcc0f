"""The search page ``GET /search?q=``: highlighted results, facets, sorting, paging.

Public, like the catalogue. Every parameter is read leniently: a value that makes no
sense (an unknown category, ``page=abc``) is ignored rather than refused, because the
page is reached by typing and by links people edit. An empty query or a query that
finds nothing gets a page that helps: the categories, tips, and a "did you mean".
"""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core import policy
from core.extensions import db
from core.paging import Pager
from courses import listing
from courses.categories import CATEGORIES
from courses.models import Category
from courses.search import engine as search
from courses.search.index import HOUR_BUCKETS, hour_labels

bp = Blueprint("search_views", __name__)

CATEGORY_CODES = frozenset(code for code, *_rest in CATEGORIES)
MAX_PAGE = 1000


@bp.app_template_filter("printable")
def printable(text: str, limit: int = 200) -> str:
    """What was typed, for showing back: cut to ``limit``, control characters dropped."""
    return "".join(ch for ch in (text or "")[:limit] if ch.isprintable())


def sort_labels() -> dict[str, str]:
    return {"relevance": _("相关度"), "newest": _("最新发布"),
            "hours_desc": _("学时从多到少"), "hours_asc": _("学时从少到多")}


def _int(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name, "")
    return value if value in allowed else None


def query_from_args() -> search.SearchQuery:
    """The query the page's parameters describe; nonsense values are dropped."""
    return search.SearchQuery(
        text=request.args.get("q", ""), category=_choice("category", CATEGORY_CODES),
        year=_int("year", 2000, 2100), hours=_choice("hours", {key for key, *_r in HOUR_BUCKETS}),
        type=_choice("type", policy.SUBJECT_TYPES), sort=_choice("sort", search.SORTS) or "relevance",
        page=_int("page", 1, MAX_PAGE) or 1,
        per_page=current_app.config["PAGE_SIZE"],
    )


def _params(query: search.SearchQuery) -> dict:
    params = {"q": query.text, "type": query.type, "category": query.category, "year": query.year,
              "hours": query.hours, "sort": None if query.sort == "relevance" else query.sort}
    return {key: value for key, value in params.items() if value}


@bp.get("/search")
def search_page():
    query = query_from_args()
    result = search.find(query) if query.text.strip() else None
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    params = _params(query)

    def link(**changes) -> str:
        return url_for("search_views.search_page", **{k: v for k, v in {**params, **changes}.items() if v})

    found = result is not None and result.total > 0
    return render_template(
        "search_views/search.html", query=query, result=result, params=params, link=link,
        rows=search.courses_for(result.hits) if found else [],
        pager=Pager(query.page, result.pages) if found else None,
        categories=categories, hour_labels=hour_labels(), sort_labels=sort_labels(),
        browse=None if found else listing.categories_with_counts(),
    )
