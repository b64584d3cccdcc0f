"""v1 calls of the units (工作单位): search for anyone signed in, create and edit for bureau
officers within their region and admins (Bearer token, or the session cookie with X-CSRFToken).

Errors are ``{"error": {"code", "message", "field"?}}``: 400 the body is no JSON object,
403 outside the caller's region or role, 404 no such unit, 409 ``duplicate_credit_code``,
422 ``invalid_credit_code``, ``invalid_name``, ``invalid_region``, ``invalid_address`` or
``invalid_active`` (``field`` names it).
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import current_api_token, login_required, role_required
from core.extensions import db
from core.http import Refused
from units import service
from units.service import EDITORS, UnitInput

bp = Blueprint("units_api", __name__, url_prefix="/api/v1")
TEXT_FIELDS = ("name", "credit_code", "region_code", "address")


@bp.get("/units")
@login_required
def search_units():
    """Units whose name holds ``?q=`` or whose code starts with it, in area ``?region=``."""
    found = service.search(current_user, request.args.get("q", "")[:128], request.args.get("region", ""))
    return {"units": [unit.as_json() for unit in found]}


@bp.post("/units")
@role_required(*EDITORS)
def create_unit():
    unit = service.create(current_user._get_current_object(), _input(), via="api", within=_token_region())
    db.session.commit()
    return unit.as_json(), 201


@bp.patch("/units/<int:unit_id>")
@role_required(*EDITORS)
def edit_unit(unit_id: int):
    unit = service.get(unit_id)
    service.edit(current_user._get_current_object(), unit, _input(), via="api", within=_token_region())
    db.session.commit()
    return unit.as_json()


def _token_region() -> str | None:
    """The region an API token was narrowed to: its holder acts only within it."""
    token = current_api_token()
    return token.region_code if token is not None and token.region_code else None


def _input() -> UnitInput:
    """The body's fields, each a string (``active`` a boolean) or absent."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    fields = {}
    for name in TEXT_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            code = "invalid_region" if name == "region_code" else f"invalid_{name}"
            raise Refused(422, code, _("%(field)s 应为字符串。", field=name), name)
        fields[name] = value
    active = body.get("active")
    if active is not None and not isinstance(active, bool):
        raise Refused(422, "invalid_active", _("active 应为 true 或 false。"), "active")
    return UnitInput(active=active, **fields)
