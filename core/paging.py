"""Paging: the page a request asks for, and pages of a list that is not a Flask-SQLAlchemy
``db.paginate`` result (search hits, drill-down rows), shaped as ``_macros.pagination`` reads them."""
from dataclasses import dataclass, field

from flask import request, url_for


def page_number() -> int:
    """The page the request asks for (``?page=``); 1 when it is missing or makes no sense."""
    page = request.args.get("page", 1, type=int)
    return page if page and page > 0 else 1


def page_links(page: int, pages: int) -> dict:
    """``next`` and ``prev``: this request's URL (path and query, every argument kept) at the
    neighbouring pages, or None at either end — the links an API list answer carries."""
    def at(number: int) -> str | None:
        if not 1 <= number <= pages:
            return None
        return url_for(request.endpoint, **(request.view_args or {}), **{**request.args.to_dict(), "page": number})
    return {"next": at(page + 1), "prev": at(page - 1)}


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill, ``per_page`` to a page: at least one."""
    return max(1, -(-total // per_page))


@dataclass
class Pager:
    """Page ``page`` (from 1) of ``pages`` (at least 1)."""

    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class Page(Pager):
    """One page of rows: ``items`` of ``total`` in all."""

    items: list = field(default_factory=list)
    total: int = 0

    @classmethod
    def of(cls, items: list, page: int, per_page: int, total: int) -> "Page":
        return cls(page=page, pages=page_count(total, per_page), items=items, total=total)
