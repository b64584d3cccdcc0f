"""Pages of a list that is not a Flask-SQLAlchemy ``db.paginate`` result (search hits,
drill-down rows), shaped as ``_macros.pagination`` reads them."""
from dataclasses import dataclass, field


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
        return cls(page=page, pages=max(1, -(-total // per_page)), items=items, total=total)
