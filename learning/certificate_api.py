"""v1 certificate calls: the trainee's certificates, public verification, the public key.

``GET /api/v1/certificates/<number>`` answers ``status`` ``valid``, ``superseded`` (with
``superseded_by``, the number that now stands for it), ``invalid`` (the stored certificate
fails its signature check: nothing of it is shown) or ``not_found`` (status 404). It is
public and rate limited with the verification page; look-ups are not audited.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.access import login_required
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from learning import certificates, certifying, signing, verification
from learning.certifying import lookup_limited, summary, verify_url
from learning.models import Certificate

bp = Blueprint("certificate_api", __name__, url_prefix="/api/v1")


@bp.get("/me/certificates")
@login_required
def my_certificates():
    """The trainee's valid certificates, newest first."""
    rows = db.session.scalars(select(Certificate).where(
        Certificate.user_id == current_user.id, Certificate.status == "valid").order_by(Certificate.id.desc()))
    return {"items": [summary(cert) for cert in rows]}


@bp.post("/me/certificates")
@login_required
def issue_certificate():
    """``{"kind": "course"|"year", "year": 2026, "course_id": 7}`` → 201 issued, 200 reused."""
    body = request.get_json(silent=True)
    key = _issue_key(body if isinstance(body, dict) else {})
    cert, created = certifying.issue_requested(current_user, key, utcnow())
    if cert is None:
        db.session.rollback()
        raise ApiError(404, "nothing_to_certify", _("没有可开具的学时证明：该课程或年度尚无学时。"))
    db.session.commit()
    return summary(cert), 201 if created else 200


def _issue_key(body: dict) -> tuple[str, int, int | None]:
    kind, year, course_id = body.get("kind"), body.get("year"), body.get("course_id")
    if kind not in certificates.KINDS or type(year) is not int:
        raise ApiError(422, "invalid_request", _("请提供证明类型 kind（course 或 year）和年度 year。"))
    if kind == "course" and type(course_id) is not int:
        raise ApiError(422, "invalid_request", _("课程学时证明需要提供 course_id。"))
    return kind, year, course_id if kind == "course" else None


@bp.get("/certificates/public-key")
def public_key():
    key = signing.public_key()
    return {
        "algorithm": signing.ALGORITHM,
        "key_id": signing.key_id(key),
        "public_key_pem": signing.public_pem(key),
        "public_key": signing.public_raw_b64(key),
        "canonicalization": "JSON, keys sorted, no whitespace (separators ',' ':'), UTF-8 without escaping",
        "signature_encoding": "base64",
    }


@bp.get("/certificates/<number>")
@lookup_limited
def verify_certificate(number: str):
    verdict = verification.look_up(number, signing.public_key())
    if verdict.status == "not_found":
        body = {"number": number, "status": "not_found",
                "error": {"code": "not_found", "message": _("没有这个编号的学时证明。")}}
        return body, 404
    if verdict.status == "invalid":
        return {"number": number, "status": "invalid", "problems": list(verdict.problems)}
    body = {**verification.public_facts(verdict.certificate.payload), "status": verdict.status,
            "verify_url": verify_url(number)}
    if verdict.status == "superseded":
        body["superseded_by"] = verdict.successor.number if verdict.successor else None
    return body
