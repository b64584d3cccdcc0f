"""/api/v1/bureau/corrections: a bureau officer's 核减 and 补录 (bureau.corrections), and the
corrections written in the officer's scope.

``POST`` ``{"user_id" or "id_number", "hours" (±, one decimal, not 0), "reason", "source_id"?,
"subject_type"?, "year"?, "title"?}`` → 201 the new record as the docking API gives it
(bureau.records.item); it reaches the sync like any row, once. Errors: 400 no JSON
object; 403 a trainee outside the caller's region (or token's); 404 no such trainee, or a
``source_id`` not of theirs; 409 ``year_locked``; 422 ``reason_required``, ``invalid_hours``,
``below_zero`` and the other fields' codes (``field`` names it). ``GET ?year=`` lists the
scope's corrections, newest first. Both are audited (``credit_corrected``, ``corrections_listed``).
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.access import role_required
from bureau import corrections
from bureau.corrections import CorrectionInput
from bureau.officer import officer_scope
from bureau.records import Filters, item, records_query
from bureau.scope import Scope, ScopeError
from core.db import utcnow
from core.extensions import db
from core.http import ApiError, Refused
from learning.models import CreditRecord

bp = Blueprint("corrections_api", __name__, url_prefix="/api/v1/bureau")

MAX_LISTED = 500
MAX_USER_ID = 2**31 - 1


def _scope() -> Scope:
    try:
        return officer_scope()
    except ScopeError as e:
        raise ApiError(403, "forbidden_region", e.message) from None


def record_item(scope: Scope, record_id: int) -> dict:
    """One record as the docking API gives it."""
    row = db.session.execute(records_query(scope, Filters()).where(CreditRecord.id == record_id)).one()
    return item(row)


def _trainee(scope: Scope, body: dict):
    user_id, id_number = body.get("user_id"), body.get("id_number")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        if not 0 < user_id <= MAX_USER_ID:
            raise Refused(404, "not_found", _("没有这名学员。"))
        return corrections.trainee_in_scope(scope, user_id=user_id)
    if isinstance(id_number, str) and id_number.strip():
        return corrections.trainee_in_scope(scope, id_number=id_number[:32])
    raise Refused(422, "trainee_required", _("请提供学员的 user_id 或身份证号 id_number。"), "user_id")


@bp.post("/corrections")
@role_required("bureau")
def create_correction():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    scope = _scope()
    person = _trainee(scope, body)
    correction = corrections.parse(CorrectionInput(
        hours=body.get("hours"), reason=body.get("reason"), source_id=body.get("source_id"),
        subject_type=body.get("subject_type"), year=body.get("year"), title=body.get("title")))
    record = corrections.correct(current_user._get_current_object(), person, correction, utcnow())
    answer = record_item(scope, record.id)
    db.session.commit()
    return answer, 201


@bp.get("/corrections")
@role_required("bureau")
def list_corrections():
    raw = request.args.get("year", "")
    if raw and not (raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100):
        raise ApiError(422, "invalid_year", _("参数 year 应为 2000 到 2100 之间的年份。"))
    scope = _scope()
    year = int(raw) if raw else None
    ids = db.session.scalars(
        corrections.corrections_query(scope, year).with_only_columns(CreditRecord.id).limit(MAX_LISTED)).all()
    rows = db.session.execute(records_query(scope, Filters()).where(CreditRecord.id.in_(ids))).all() if ids else []
    items = sorted((item(row) for row in rows), key=lambda entry: entry["id"], reverse=True)
    audit.record("corrections_listed", target="corrections", year=year, rows=len(items), scope=scope.code)
    db.session.commit()
    return {"items": items}, 200, {"Cache-Control": "no-store"}
