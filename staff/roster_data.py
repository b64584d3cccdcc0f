"""A unit's roster: its confirmed staff and each person's progress in a credit year.

Each person is judged by the rules of their own region (core.policy: per subject type and
in total, docs/rules.md rules 8 and 14), as 我的学习 and the bureau judge them. The query
count does not grow with the staff: one query gives every confirmed person with their
credit per type summed (an outer join on a grouped subquery), the rule sets come from the
book core.policy reads once per request; filtering (达标 / 未达标, name or phone) and
paging then happen on those rows. A unit holds hundreds or a few thousand people, so the
rows fit in memory; a page shows PER_PAGE of them.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from accounts.models import User
from core import policy
from core.extensions import db
from core.http import Refused
from core.paging import Page
from core.policy import SUBJECT_TYPES, Standing
from learning.models import CreditRecord
from units.models import UnitLink

PER_PAGE = 50
STATUSES = ("", "short", "finished")
QUERY_MAX = 64


@dataclass(frozen=True)
class StaffRow:
    """One confirmed person of the unit and their credit year."""

    user: User
    standing: Standing

    @property
    def met(self) -> bool:
        return self.standing.met

    def credited(self, kind: str) -> float:
        return self.standing.credited.get(kind, 0) / 10

    def required(self, kind: str) -> float:
        return self.standing.required.get(kind, 0) / 10

    @property
    def total(self) -> float:
        return self.standing.total / 10

    @property
    def total_required(self) -> float:
        return self.standing.total_required / 10

    def as_json(self) -> dict:
        """The API's row: the ID number masked, as on the page."""
        user = self.user
        return {"user_id": user.id, "name": user.real_name, "id_number": user.masked_id_number,
                "phone": user.phone, "title": user.title, "region_code": user.region_code,
                "types": {kind: {"credited_hours": self.credited(kind), "required_hours": self.required(kind),
                                 "met": self.standing.credited.get(kind, 0) >= self.standing.required.get(kind, 0)}
                          for kind in SUBJECT_TYPES},
                "total": {"credited_hours": self.total, "required_hours": self.total_required},
                "met": self.met, "short_types": self.standing.short_types}


def clean_status(status: str | None) -> str:
    """``short`` (未达标), ``finished`` (已达标) or "" (everyone); ``all`` means everyone too."""
    status = (status or "").strip()
    status = "" if status == "all" else status
    if status not in STATUSES:
        raise Refused(422, "invalid_status", _("筛选条件只能是全部、未达标或已达标。"), "status")
    return status


def clean_query(text: str | None) -> str:
    """The search box's text: printable characters only (a NUL is refused by PostgreSQL), trimmed."""
    return "".join(char for char in (text or "") if char.isprintable()).strip()[:QUERY_MAX]


def staff_rows(unit_id: int, year: int) -> list[StaffRow]:
    """Every confirmed person of the unit, by name, judged for ``year``: one query."""
    kinds = [func.sum(case((CreditRecord.subject_type == kind, CreditRecord.hours_tenths), else_=0)).label(kind)
             for kind in SUBJECT_TYPES]
    sums = (select(CreditRecord.user_id, *kinds).where(CreditRecord.year == year)
            .group_by(CreditRecord.user_id).subquery())
    query = (select(User, *(sums.c[kind] for kind in SUBJECT_TYPES))
             .join(UnitLink, UnitLink.user_id == User.id)
             .outerjoin(sums, sums.c.user_id == User.id)
             .where(UnitLink.unit_id == unit_id, UnitLink.status == "confirmed")
             .order_by(User.real_name, User.id))
    rows = []
    for user, *tenths in db.session.execute(query):
        credited = {kind: int(value or 0) for kind, value in zip(SUBJECT_TYPES, tenths, strict=True)}
        rows.append(StaffRow(user, policy.standing(user.region_code, year, credited)))
    return rows


def only(rows: list[StaffRow], status: str = "", text: str = "") -> list[StaffRow]:
    """The rows of ``status`` (clean_status) whose name or phone holds ``text`` (clean_query)."""
    if text:
        rows = [row for row in rows if text in row.user.real_name or text in row.user.phone]
    if status == "short":
        return [row for row in rows if not row.met]
    if status == "finished":
        return [row for row in rows if row.met]
    return rows


def roster_page(rows: list[StaffRow], status: str = "", text: str = "", page: int = 1) -> Page:
    """Page ``page`` of the roster ``rows`` (staff_rows), filtered by ``status`` and ``text``."""
    rows = only(rows, status, text)
    start = (page - 1) * PER_PAGE
    return Page.of(rows[start:start + PER_PAGE], page, PER_PAGE, len(rows))


def shown_types(rows: list[StaffRow]) -> list[str]:
    """The subject types worth a column: required of someone or credited to someone."""
    return [kind for kind in SUBJECT_TYPES
            if any(row.standing.required.get(kind) or row.standing.credited.get(kind) for row in rows)]
