"""The partner platforms' v1 calls (Bearer partner token only): report a completion with an
``Idempotency-Key``, read one or the list of the partner's own reports, correct or withdraw one.

Errors are ``{"error": {"code", "message", "field"?}}``: 401 no live token of an active partner;
404 an unknown trainee or a report of another partner; 409 the key reused with another body, a
completion already reported (the message names the report), a locked year; 422 a field (the
``field`` names it) or a limit of the accreditation. Nothing is written by an error.
"""
from flask import Blueprint, g, request
from flask_babel import gettext as _

from core.db import utcnow
from core.extensions import db
from core.http import ApiError, Refused
from partners import accreditation, reports
from partners.models import PartnerReport

bp = Blueprint("partner_api", __name__, url_prefix="/api/v1/partner")
PAGE = 50


@bp.before_request
def _partner():
    header = request.headers.get("Authorization", "")
    partner = accreditation.partner_for(header[len("Bearer "):].strip(), utcnow()) if header.startswith("Bearer ") \
        else None
    if partner is None:
        raise ApiError(401, "unauthorized", _("请提供有效的合作平台令牌（Authorization: Bearer …）。"))
    db.session.commit()  # the token's last use, if this call recorded it
    g.partner = partner


def as_json(row: PartnerReport) -> dict:
    """The report as accepted, the trainee's ID number masked, with its corrections and the
    hours it now gives."""
    corrections = reports.corrections_of(row)
    return {
        "id": row.id, "status": "accepted", "idempotency_key": row.idempotency_key,
        "trainee": {"name": row.user.real_name, "id_number": row.user.masked_id_number},
        "course_title": row.course_title, "subject_type": row.subject_type,
        "start_date": row.start_date.isoformat(), "end_date": row.end_date.isoformat(),
        "hours": row.hours_tenths / 10, "certificate_number": row.certificate_number, "year": row.year,
        "record_id": row.record_id, "created_at": row.created_at.isoformat(),
        "current_hours": (row.hours_tenths + sum(entry.hours_tenths for entry in corrections)) / 10,
        "corrections": [{"id": entry.id, "hours": entry.hours_tenths / 10, "reason": entry.reason,
                         "at": entry.awarded_at.isoformat()} for entry in corrections],
    }


@bp.post("/completions")
def report():
    row, created = reports.report(g.partner, request.headers.get("Idempotency-Key"),
                                  request.get_json(silent=True), utcnow())
    db.session.commit()
    return as_json(row), 201, {"Idempotent-Replayed": "false" if created else "true"}


@bp.get("/completions")
def completions():
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before < 2**62:
        raise Refused(422, "invalid_before", _("before 应为正整数。"), "before")
    rows = reports.mine(g.partner, PAGE + 1, before)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return {"items": [as_json(row) for row in rows], "next_before": rows[-1].id if more else None}


@bp.get("/completions/<int:report_id>")
def completion(report_id: int):
    return as_json(reports.own(g.partner, report_id))


@bp.post("/completions/<int:report_id>/corrections")
def correct(report_id: int):
    reports.correct(g.partner, report_id, request.get_json(silent=True), utcnow())
    db.session.commit()
    return as_json(reports.own(g.partner, report_id)), 201
