"""更正: a bureau officer's 核减 or 补录 of a trainee's 学时 — a new ledger row with basis
``correction`` (learning.entries.add_entry), never an edit of an old one.

A correction of a row (``source``) takes that row's course, year and subject type, and may
not take its line (the course, the declared training, the 补录 it belongs to) below zero; a
补录 without a row to correct names its own year, subject type and title, and adds hours. A
year the trainee's region has locked (core.policy.locked) takes no correction. Only trainees
of the officer's scope can be corrected. Flushes only; the caller commits. Every correction
is audited (``credit_corrected``).
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from bureau.scope import Scope
from core import policy
from core.extensions import db
from core.http import Refused
from learning import entries, progress
from learning.models import CreditRecord

MAX_TENTHS = 9999  # 999.9 学时 either way: more is a typing slip, not a correction
MAX_REASON = 500
MAX_TITLE = 200


@dataclass(frozen=True)
class CorrectionInput:
    """What a form or the API sends, as typed (checked by :func:`parse`)."""

    hours: object
    reason: object
    source_id: object = None
    subject_type: object = None
    year: object = None
    title: object = None


@dataclass(frozen=True)
class Correction:
    """A checked correction: tenths (±, not 0), the reason, and either a source row or a
    补录's own year, type and title."""

    tenths: int
    reason: str
    source_id: int | None
    subject_type: str | None
    year: int | None
    title: str


def parse_tenths(value: object) -> int:
    """学时 with at most one decimal, not 0, within ±999.9, as tenths; Refused (422) otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str) or len(str(value)) > 32:
        raise _bad_hours()
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _bad_hours() from None
    if not number.is_finite():  # NaN, sNaN and Infinity parse as Decimals too
        raise _bad_hours()
    tenths = number * 10
    if tenths != tenths.to_integral_value() or not 0 < abs(tenths) <= MAX_TENTHS:
        raise _bad_hours()
    return int(tenths)


def _bad_hours() -> Refused:
    return Refused(422, "invalid_hours", _("学时应为不为 0 的数，最多一位小数（核减为负数），绝对值不超过 999.9。"),
                   "hours")


def _text(value: object, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def parse(data: CorrectionInput) -> Correction:
    """The checked correction, or Refused (422) naming the first bad field."""
    reason = _text(data.reason, MAX_REASON)
    if not reason:
        raise Refused(422, "reason_required", _("请填写更正原因。"), "reason")
    tenths = parse_tenths(data.hours)
    if data.source_id not in (None, ""):
        source_id = _whole(data.source_id)
        if source_id is None or source_id > 2**62:
            raise Refused(422, "invalid_source", _("所更正的记录编号无效。"), "source_id")
        return Correction(tenths, reason, source_id, None, None, "")
    subject_type, year, title = data.subject_type, _whole(data.year), _text(data.title, MAX_TITLE)
    if tenths < 0:
        raise Refused(422, "source_required", _("核减须指明所更正的学时记录。"), "source_id")
    if subject_type not in policy.SUBJECT_TYPES:
        raise Refused(422, "invalid_type", _("请选择科目类型。"), "subject_type")
    if year is None or not 2000 <= year <= 2100:
        raise Refused(422, "invalid_year", _("年度应为 2000 到 2100 之间的年份。"), "year")
    if not title:
        raise Refused(422, "title_required", _("补录须填写培训或课程名称。"), "title")
    return Correction(tenths, reason, None, subject_type, year, title)


def trainee_in_scope(scope: Scope, user_id: int | None = None, id_number: str | None = None) -> User:
    """The trainee named by id or ID number: 404 when there is none, 403 outside ``scope``."""
    if user_id is not None:
        person = db.session.get(User, user_id)
    else:
        person = db.session.scalar(select(User).where(User.id_number == (id_number or "").strip().upper()))
    if person is None or person.role != "trainee":
        raise Refused(404, "not_found", _("没有这名学员。"))
    if not scope.covers(person.region_code):
        raise Refused(403, "forbidden_region", _("这名学员不在您的管辖范围内。"))
    return person


def line_tenths(source: CreditRecord) -> int:
    """The 学时 of the ledger line ``source`` belongs to (its course, declared training or 补录)."""
    for line in progress.year_credits(source.user_id, source.year):
        if source.id == line.record_id or any(row.id == source.id for row in line.corrections):
            return line.tenths
    return source.hours_tenths


def correct(officer: User, person: User, correction: Correction, now: datetime) -> CreditRecord:
    """Write the correction for ``person`` (in the officer's scope, checked by the caller)."""
    if correction.source_id is not None:
        source = db.session.get(CreditRecord, correction.source_id)
        if source is None or source.user_id != person.id:
            raise Refused(404, "source_not_found", _("这名学员没有该学时记录。"), "source_id")
        year, subject_type, course_id = source.year, source.subject_type, source.course_id
        title = source.title
        if line_tenths(source) + correction.tenths < 0:
            raise Refused(422, "below_zero", _("核减后该项学时将小于 0，最多可核减 %(hours)s 学时。",
                                               hours=line_tenths(source) / 10), "hours")
    else:
        year, subject_type, course_id, title = correction.year, correction.subject_type, None, correction.title
    if policy.locked(person.region_code, year, now):
        raise Refused(409, "year_locked", _("%(year)s 年度学时已锁定，不能再更正。", year=year))
    record = entries.add_entry(person, basis="correction", year=year, hours_tenths=correction.tenths,
                               subject_type=subject_type, now=now, title=title, course_id=course_id,
                               source_id=correction.source_id, reason=correction.reason, recorded_by=officer)
    audit.record("credit_corrected", target=f"user:{person.id}", record_id=record.id, user_id=person.id,
                 source_id=correction.source_id, hours=correction.tenths / 10, year=year, subject_type=subject_type,
                 reason=correction.reason)
    return record


def corrections_query(scope: Scope, year: int | None = None):
    """The corrections of the scope's trainees (of ``year``), newest first: (record, trainee) rows."""
    stmt = (select(CreditRecord, User).join(User, User.id == CreditRecord.user_id)
            .where(CreditRecord.basis == "correction", scope.condition(User.region_code))
            .order_by(CreditRecord.awarded_at.desc(), CreditRecord.id.desc()))
    return stmt.where(CreditRecord.year == year) if year is not None else stmt
