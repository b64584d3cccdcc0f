"""A partner's completions: report one (idempotently, never twice), correct or withdraw one of
its own, read them. Flushes only; the API view commits, and a :class:`Refused` rolls back.

Every post locks the partner's row first (sqlite_writers on SQLite, a row lock on PostgreSQL),
so two posts of one partner never decide at the same time: the second of two racing posts of
the same completion finds the first one's report, and the yearly limit counts every earlier row.
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from accounts import audit
from accounts.idnumber import IdNumberError, normalize_id_number
from accounts.models import User
from accounts.regions import region_within
from core import policy, sqlite_writers
from core.extensions import db
from core.http import Refused
from core.policy.rulebook import china_date
from learning import entries
from learning.models import CreditRecord
from partners import rules
from partners.models import Partner, PartnerReport


def accreditation(partner: Partner) -> rules.Accreditation:
    return rules.Accreditation(tuple(partner.types), partner.hours_per_year_tenths, partner.accredited_from,
                               partner.accredited_until)


def lock_partner(partner_id: int) -> Partner:
    """The partner's row, locked until the transaction ends (the first write of it)."""
    sqlite_writers.queue_for_writing(db.session)
    return db.session.scalar(select(Partner).where(Partner.id == partner_id).with_for_update()
                             .execution_options(populate_existing=True))


def existing(partner_id: int, key: str, digest: str) -> PartnerReport | None:
    """The report already made under ``key`` with the same body (a replay), or None when the
    key is new; the key with another body → 409."""
    found = db.session.scalar(select(PartnerReport).where(PartnerReport.partner_id == partner_id,
                                                          PartnerReport.idempotency_key == key))
    if found is not None and found.body_sha256 != digest:
        raise Refused(409, "idempotency_key_reused",
                      _("该幂等键已用于内容不同的另一次报送（记录 %(id)s）。", id=found.id), "Idempotency-Key")
    return found


def report(partner: Partner, key: str, body: dict, now: datetime) -> tuple[PartnerReport, bool]:
    """The report for ``body`` posted under ``key``: ``(report, True)`` when written now (with
    its ledger row), ``(report, False)`` for a replay of the same key and body."""
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    key, digest = rules.idempotency_key(key), rules.body_digest(body)
    partner = lock_partner(partner.id)
    if (found := existing(partner.id, key, digest)) is not None:
        return found, False
    fields = checked(partner, body, now)
    user = fields.pop("user")
    number = fields["certificate_number"]
    twin = db.session.scalar(select(PartnerReport).where(PartnerReport.partner_id == partner.id,
                                                         PartnerReport.certificate_number == number))
    if twin is not None:
        raise Refused(409, "duplicate_completion",
                      _("证书编号 %(number)s 的学时已报送过（记录 %(id)s），不会重复记入。",
                        number=twin.certificate_number, id=twin.id), "certificate_number")
    rules.check_hours(accreditation(partner), used_tenths(partner.id, user.id, fields["year"]), fields["hours_tenths"])
    row = PartnerReport(partner_id=partner.id, user_id=user.id, idempotency_key=key, body_sha256=digest,
                        created_at=now, **fields)
    db.session.add(row)
    db.session.flush()
    record = entries.add_entry(user, basis="partner", year=row.year, hours_tenths=row.hours_tenths,
                               subject_type=row.subject_type, now=now, title=row.course_title, source_id=row.id)
    row.record_id = record.id
    audit.record("partner.reported", target=f"partner_report:{row.id}", actor=None, partner=partner.id,
                 trainee=f"user:{user.id}", hours=row.hours_tenths / 10, year=row.year)
    return row, True


def checked(partner: Partner, body: dict, now: datetime) -> dict:
    """The report's fields from ``body`` and its trainee, or Refused naming the first field at fault."""
    try:
        id_number = normalize_id_number(body.get("id_number") if isinstance(body.get("id_number"), str) else "",
                                        china_date(now))
    except IdNumberError as e:
        raise Refused(422, "invalid_id_number", str(e), "id_number") from None
    name = rules.text(body, "name")
    user = db.session.scalar(select(User).where(User.id_number == id_number))
    if user is None or user.role != "trainee" or not region_within(user.region_code or "", partner.region_code):
        raise Refused(404, "trainee_not_found", _("本平台认可地区内没有该身份证号的学员，请核对。"), "id_number")
    if name != user.real_name:
        raise Refused(422, "name_mismatch", _("姓名与该身份证号登记的姓名不一致，请核对。"), "name")
    subject_type = body.get("subject_type") if isinstance(body.get("subject_type"), str) else ""
    start, end = rules.day(body, "start_date"), rules.day(body, "end_date")
    rules.check_completion(accreditation(partner), subject_type, start, end, china_date(now))
    year, why = policy.declared_year(subject_type, user.region_code, end, now)
    if year is None:
        message = (_("%(year)s 年度学时已锁定，不能再报送。", year=end.year) if why == "year_locked"
                   else _("该日期不在%(type)s的学时年度内。", type=policy.subject_name(subject_type)))
        raise Refused(409, why, message, "end_date")
    return {"user": user, "course_title": rules.text(body, "course_title"), "subject_type": subject_type,
            "start_date": start, "end_date": end, "hours_tenths": rules.tenths(body.get("hours")), "year": year,
            "certificate_number": rules.text(body, "certificate_number")}


def _row_ids(partner_id: int, user_id: int, year: int):
    return select(PartnerReport.record_id).where(PartnerReport.partner_id == partner_id,
                                                 PartnerReport.user_id == user_id, PartnerReport.year == year)


def used_tenths(partner_id: int, user_id: int, year: int) -> int:
    """Tenths this partner's rows give the trainee in ``year``, their corrections included."""
    ids = _row_ids(partner_id, user_id, year)
    total = db.session.scalar(select(func.coalesce(func.sum(CreditRecord.hours_tenths), 0)).where(
        or_(CreditRecord.id.in_(ids), (CreditRecord.basis == "correction") & CreditRecord.source_id.in_(ids))))
    return int(total)


def corrections_of(row: PartnerReport) -> list[CreditRecord]:
    return list(db.session.scalars(select(CreditRecord).where(
        CreditRecord.basis == "correction", CreditRecord.source_id == row.record_id).order_by(CreditRecord.id)))


def current_tenths(row: PartnerReport) -> int:
    return row.hours_tenths + sum(entry.hours_tenths for entry in corrections_of(row))


def own(partner: Partner, report_id: int) -> PartnerReport:
    """The partner's report; another partner's, or none, is not found (404)."""
    row = db.session.get(PartnerReport, report_id) if 0 < report_id < 2**53 else None
    if row is None or row.partner_id != partner.id:
        raise Refused(404, "not_found", _("本平台没有这条报送记录。"))
    return row


def correct(partner: Partner, report_id: int, body: dict, now: datetime) -> CreditRecord:
    """A correction row of one of the partner's own reports: the corrected total, or withdrawn."""
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    partner = lock_partner(partner.id)
    row = own(partner, report_id)
    reason = rules.text(body, "reason")
    if policy.locked(row.user.region_code, row.year, now):
        raise Refused(409, "year_locked", _("%(year)s 年度学时已锁定，不能再更正。", year=row.year))
    delta = rules.correction_tenths(body, current_tenths(row))
    if delta > 0:
        rules.check_hours(accreditation(partner), used_tenths(partner.id, row.user_id, row.year), delta)
    record = entries.add_entry(row.user, basis="correction", year=row.year, hours_tenths=delta,
                               subject_type=row.subject_type, now=now, title=row.course_title,
                               source_id=row.record_id, reason=reason)
    audit.record("partner.corrected", target=f"partner_report:{row.id}", actor=None, partner=partner.id,
                 hours=delta / 10, reason=reason)
    return record


def mine(partner: Partner, limit: int, before: int | None = None) -> list[PartnerReport]:
    """The partner's reports, newest first, ``limit`` of them with ids below ``before``."""
    query = select(PartnerReport).where(PartnerReport.partner_id == partner.id)
    if before:
        query = query.where(PartnerReport.id < before)
    return list(db.session.scalars(query.order_by(PartnerReport.id.desc()).limit(limit)))
