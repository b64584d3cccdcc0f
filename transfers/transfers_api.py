"""v1 calls of moving province (外省学时转入): the trainee's requests (list, ask with evidence,
one, withdraw) and the bureau's queue and decisions (Bearer token, or the session cookie with
X-CSRFToken).

Errors are ``{"error": {"code", "message", "field"?}}``: 403 the role may not, or outside the
officer's region; 404 not one the caller may see; 409 not in the state the call needs, or the
lines are claimed already; 422 a field (``field`` names it), or a certificate of this platform
that may not be transferred (audited). Nothing else is changed by an error.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import current_api_token, role_required
from core.db import utcnow
from core.extensions import db
from declarations import evidence
from transfers import own_certificates, review, service
from transfers.models import TransferRequest
from transfers.service import Refused, TransferInput

bp = Blueprint("transfers_api", __name__, url_prefix="/api/v1")
bp.record_once(evidence.install)  # requests with evidence files may be larger than the app's limit


def as_json(transfer: TransferRequest, reviewer: bool = False) -> dict:
    """The request with its lines and files; reviewers also see whose it is (ID masked)."""
    body = {
        "id": transfer.id, "status": transfer.status, "old_province": transfer.old_province,
        "reference": transfer.reference, "reason": transfer.reason,
        "created_at": transfer.created_at.isoformat(),
        "decided_at": transfer.decided_at.isoformat() if transfer.decided_at else None,
        "lines": [{"id": line.id, "year": line.year, "subject_type": line.subject_type,
                   "claimed_hours": line.claimed_tenths / 10,
                   "accepted_hours": None if line.accepted_tenths is None else line.accepted_tenths / 10}
                  for line in transfer.lines],
        "files": [{"id": row.id, "name": row.name, "content_type": row.content_type, "size": row.size,
                   "sha256": row.sha256, "url": f"/transfers/files/{row.id}"} for row in transfer.files],
    }
    if reviewer:
        body["trainee"] = {"id": transfer.user.id, "real_name": transfer.user.real_name,
                           "id_number": transfer.user.masked_id_number, "region_code": transfer.user.region_code}
    return body


def _me():
    return current_user._get_current_object()


def _token_region() -> str | None:
    token = current_api_token()
    return token.region_code if token is not None and token.region_code else None


@bp.get("/me/transfers")
@role_required("trainee")
def my_transfers():
    return {"transfers": [as_json(row) for row in service.mine(_me())]}


@bp.post("/me/transfers")
@role_required("trainee")
def ask():
    """Lines are the repeated fields ``year``, ``subject_type`` and ``hours``, taken in order."""
    form = request.form
    years, kinds, hours = form.getlist("year"), form.getlist("subject_type"), form.getlist("hours")
    if not len(years) == len(kinds) == len(hours):
        raise Refused(422, "invalid_lines", _("每行需要年度、科目类型和学时三项。"), "lines")
    data = TransferInput(old_province=form.get("old_province", ""), reference=form.get("reference", ""),
                         lines=list(zip(years, kinds, hours, strict=True)))
    try:
        outcome = service.submit(_me(), data, request.files.getlist("files"), own_certificates.site_hosts(), utcnow())
    except own_certificates.CertificateRefused as e:
        db.session.rollback()
        own_certificates.record(_me(), e)  # the refusal is kept, nothing else
        db.session.commit()
        raise
    if isinstance(outcome, own_certificates.Counted):
        cert = outcome.certificate
        body = {"status": "counted", "certificate": cert.number, "year": cert.year, "hours": cert.hours_tenths / 10}
        db.session.rollback()  # nothing to write
        return body
    db.session.commit()
    return as_json(outcome), 201


@bp.get("/me/transfers/<int:request_id>")
@role_required("trainee")
def my_transfer(request_id: int):
    return as_json(service.own(_me(), request_id))


@bp.post("/me/transfers/<int:request_id>/withdraw")
@role_required("trainee")
def withdraw(request_id: int):
    transfer = service.withdraw(_me(), service.own(_me(), request_id), utcnow())
    db.session.commit()
    return as_json(transfer)


@bp.get("/bureau/transfers")
@role_required("bureau")
def bureau_queue():
    return {"transfers": [as_json(row, reviewer=True) for row in review.queue(_me(), _token_region())]}


@bp.post("/bureau/transfers/<int:request_id>/decision")
@role_required("bureau")
def decision(request_id: int):
    """``{"accept": true, "hours": {"<line id>": 24}}`` or ``{"accept": false, "reason": "…"}``."""
    transfer = review.for_bureau(_me(), request_id, _token_region())
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    accept, hours, reason = body.get("accept"), body.get("hours", {}), body.get("reason", "")
    if not isinstance(accept, bool):
        raise Refused(422, "invalid_accept", _("accept 应为 true 或 false。"), "accept")
    if accept:
        if not isinstance(hours, dict) or not all(isinstance(v, int | float | str) for v in hours.values()):
            raise Refused(422, "invalid_hours", _("hours 应为以行 id 为键、学时为值的对象。"), "hours")
        typed = {line.id: str(hours.get(str(line.id), "")) for line in transfer.lines}
        review.accept(_me(), transfer, typed, utcnow())
    else:
        if not isinstance(reason, str):
            raise Refused(422, "invalid_reason", _("reason 应为文字。"), "reason")
        review.reject(_me(), transfer, reason, utcnow())
    db.session.commit()
    return as_json(transfer, reviewer=True)
