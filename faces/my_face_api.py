"""bp "my_face_api": the trainee's face-check consent and reference photo as v1 calls (Bearer
token, or the session cookie with X-CSRFToken), the same rules as /me/face (faces.profiles).

- GET /api/v1/me/face: the status (never the embedding or the photo).
- PUT /api/v1/me/face/consent ``{"agree": true|false}``: consent, or the human route.
- PUT /api/v1/me/face/reference: the body is the photo (image/jpeg or image/png); exactly one
  clear face is kept as the reference.
- DELETE /api/v1/me/face: withdraw consent; the photo, the embedding and the captures go.

Errors are ``{"error": {"code", "message", "field"?}}``: 403 not a trainee; 409 ``no_consent``;
413 ``image_too_large``; 429 ``too_many_attempts`` (more reference photos than
``FACE_ENROL_RATE_LIMIT`` allows, faces.enrol_limit; with Retry-After); 422 ``invalid_agree``,
``not_an_image``, ``no_face``, ``several_faces``, ``face_too_small``, ``face_blurred`` (a drawing
or cartoon finds no face). Nothing changes on an error.
"""
from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import enrol_limit, profiles

bp = Blueprint("my_face_api", __name__, url_prefix="/api/v1/me/face")


def as_json(user_id: int) -> dict:
    found = profiles.profile(user_id)
    return {
        "status": profiles.status(user_id),
        "consent": found.consent if found else None,
        "consent_at": found.consent_at.isoformat() if found else None,
        "enrolled_at": found.enrolled_at.isoformat() if found and found.enrolled_at else None,
        "source": found.source or None if found else None,
    }


def _me():
    return current_user._get_current_object()


@bp.get("")
@role_required("trainee")
def status():
    return as_json(_me().id)


@bp.put("/consent")
@role_required("trainee")
def consent():
    body = request.get_json(silent=True)
    agree = body.get("agree") if isinstance(body, dict) else None
    if not isinstance(agree, bool):
        raise Refused(422, "invalid_agree", _("agree 应为 true 或 false。"), "agree")
    (profiles.give_consent if agree else profiles.decline)(_me(), utcnow())
    db.session.commit()
    return as_json(_me().id)


@bp.put("/reference")
@role_required("trainee")
def reference():
    enrol_limit.take_try(_me().id)
    limit = int(current_app.config["FACE_MAX_IMAGE_BYTES"])
    if (request.content_length or 0) > limit:
        raise Refused(413, "image_too_large", _("照片太大。"))
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise Refused(413, "image_too_large", _("照片太大。"))
    profiles.enrol(_me(), data, utcnow(), by=_me(), source="upload")
    db.session.commit()
    return as_json(_me().id)


@bp.delete("")
@role_required("trainee")
def withdraw():
    profiles.withdraw(_me(), utcnow())
    db.session.commit()
    return as_json(_me().id)
