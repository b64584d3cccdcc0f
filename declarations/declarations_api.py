"""v1 calls of offline 学时登记: the trainee's declarations (list, declare with files,
one, withdraw), the unit's 初审 queue and decisions, the bureau's 复审 queue and decisions
(Bearer token, or the session cookie with X-CSRFToken).

Errors are ``{"error": {"code", "message", "field"?}}``: 403 the role may not, or outside the
officer's region; 404 not one the caller may see (another unit's too); 409 the declaration is
not in the state the call needs, or the year is locked, or no confirmed unit; 422 a field
(``field`` names it). Nothing is changed by an error.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import current_api_token, role_required
from core.db import utcnow
from core.extensions import db
from declarations import evidence, review, service
from declarations.models import Declaration
from declarations.service import DeclarationInput, Refused

bp = Blueprint("declarations_api", __name__, url_prefix="/api/v1")
TEXT = ("title", "organiser", "place", "start_date", "end_date", "subject_type", "hours", "hours_reason")


bp.record_once(evidence.install)  # requests with evidence files may be larger than the app's limit


def as_json(declaration: Declaration, reviewer: bool = False) -> dict:
    """The declaration with its files and steps; reviewers also see whose it is (ID masked)."""
    body = {
        "id": declaration.id, "status": declaration.status, "year": declaration.year, "title": declaration.title,
        "organiser": declaration.organiser, "place": declaration.place,
        "start_date": declaration.start_date.isoformat(), "end_date": declaration.end_date.isoformat(),
        "subject_type": declaration.subject_type, "hours": declaration.hours_tenths / 10,
        "default_hours": declaration.default_hours_tenths / 10, "hours_reason": declaration.hours_reason,
        "reason": declaration.reason, "unit": {"id": declaration.unit.id, "name": declaration.unit.name},
        "region_code": declaration.region_code, "created_at": declaration.created_at.isoformat(),
        "updated_at": declaration.updated_at.isoformat(),
        "files": [{"id": row.id, "name": row.name, "content_type": row.content_type, "size": row.size,
                   "sha256": row.sha256, "url": f"/declarations/files/{row.id}"} for row in declaration.files],
        "steps": [{"by": row.by, "action": row.action, "reason": row.reason, "at": row.at.isoformat()}
                  for row in declaration.steps],
    }
    if reviewer:
        body["trainee"] = {"id": declaration.user.id, "real_name": declaration.user.real_name,
                           "id_number": declaration.user.masked_id_number}
    return body


def _me():
    return current_user._get_current_object()


def _token_region() -> str | None:
    token = current_api_token()
    return token.region_code if token is not None and token.region_code else None


@bp.get("/me/declarations")
@role_required("trainee")
def my_declarations():
    return {"declarations": [as_json(row) for row in service.mine(_me())]}


@bp.post("/me/declarations")
@role_required("trainee")
def declare():
    form = request.form
    data = DeclarationInput(**{name: form.get(name, "") for name in TEXT},
                            pledged=form.get("pledge", "").lower() in ("1", "true", "y", "yes", "on"))
    declaration = service.declare(_me(), data, request.files.getlist("files"), utcnow())
    db.session.commit()
    return as_json(declaration), 201


@bp.get("/me/declarations/<int:declaration_id>")
@role_required("trainee")
def my_declaration(declaration_id: int):
    return as_json(service.own(_me(), declaration_id))


@bp.post("/me/declarations/<int:declaration_id>/withdraw")
@role_required("trainee")
def withdraw(declaration_id: int):
    declaration = service.withdraw(_me(), service.own(_me(), declaration_id), utcnow())
    db.session.commit()
    return as_json(declaration)


@bp.get("/unit/declarations")
@role_required("unit_admin")
def unit_queue():
    return {"declarations": [as_json(row, reviewer=True) for row in review.unit_queue(_me())]}


@bp.post("/unit/declarations/<int:declaration_id>/decision")
@role_required("unit_admin")
def unit_decision(declaration_id: int):
    declaration = review.for_unit(_me(), declaration_id)
    approve, reason = _decision()
    review.unit_decide(_me(), declaration, approve, reason, utcnow())
    db.session.commit()
    return as_json(declaration, reviewer=True)


@bp.get("/bureau/declarations")
@role_required("bureau")
def bureau_queue():
    return {"declarations": [as_json(row, reviewer=True) for row in review.bureau_queue(_me(), _token_region())]}


@bp.post("/bureau/declarations/<int:declaration_id>/decision")
@role_required("bureau")
def bureau_decision(declaration_id: int):
    declaration = review.for_bureau(_me(), declaration_id, _token_region())
    approve, reason = _decision()
    review.bureau_decide(_me(), declaration, approve, reason, utcnow())
    db.session.commit()
    return as_json(declaration, reviewer=True)


def _decision() -> tuple[bool, str]:
    """``{"approve": true}`` or ``{"approve": false, "reason": "…"}``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    approve, reason = body.get("approve"), body.get("reason", "")
    if not isinstance(approve, bool):
        raise Refused(422, "invalid_approve", _("approve 应为 true 或 false。"), "approve")
    if not isinstance(reason, str):
        raise Refused(422, "invalid_reason", _("reason 应为文字。"), "reason")
    return approve, reason

