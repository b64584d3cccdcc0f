"""v1 calls of the trainee's own unit: GET, PUT (choose) and DELETE (leave) /api/v1/me/unit
(Bearer token, or the session cookie with X-CSRFToken). units.links does the work.

Errors are ``{"error": {"code", "message", "field"?}}``: 400 ``invalid_json``, 403
``not_trainee`` (only trainees have a unit), 404 ``not_found`` (no such unit), 409 ``conflict``
(a simultaneous change), 422 ``invalid_unit_id`` or ``inactive_unit``.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import login_required
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from units import links

bp = Blueprint("my_unit_api", __name__, url_prefix="/api/v1")


@bp.get("/me/unit")
@login_required
def get_unit():
    """The current link, or the latest one when it was rejected; null when there is none."""
    return {"link": links.as_json(links.shown_link(current_user.id))}


@bp.put("/me/unit")
@login_required
def choose_unit():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    unit_id = body.get("unit_id")
    if isinstance(unit_id, bool) or not isinstance(unit_id, int):
        raise Refused(422, "invalid_unit_id", _("unit_id 应为整数。"), "unit_id")
    link = links.choose(current_user._get_current_object(), unit_id, utcnow(), via="api")
    db.session.commit()
    return {"link": links.as_json(link)}


@bp.delete("/me/unit")
@login_required
def leave_unit():
    links.leave(current_user._get_current_object(), utcnow(), via="api")
    db.session.commit()
    return {"link": links.as_json(links.shown_link(current_user.id))}
