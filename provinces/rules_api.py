"""v1 calls of the rule sets: the effective rules of a region and year for anyone, and the
stored versions of a prefix for admins (Bearer token, or the session cookie with X-CSRFToken).

``<prefix>`` is two, four or six digits of a GB/T 2260 area, or ``national``. Errors are
``{"error": {"code", "message", "field"?}}``: 400 what was sent is invalid (``field`` names
it), 403 not an admin, 404 nothing stored under that prefix (or date), 409 the change would
alter a locked year (``locked_year``) or remove the last national version (``last_national``).
"""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.policy import ruledata
from core.policy.rulebook import RuleError
from provinces import lookup, store
from provinces.store import Refused

bp = Blueprint("rules_api", __name__, url_prefix="/api/v1")


@bp.errorhandler(RuleError)
def _invalid(e: RuleError):
    db.session.rollback()
    return _error(400, "invalid_rules" if e.field not in ("region", "year") else f"invalid_{e.field}",
                  e.message, e.field)


@bp.errorhandler(Refused)
def _refused(e: Refused):
    db.session.rollback()
    return _error(e.status, e.code, e.message)


def _error(status: int, code: str, message: str, field: str | None = None):
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    response = jsonify(error=body)
    response.status_code = status
    return response


@bp.get("/rules")
def effective_rules():
    """The rules in force for ``?region=`` (six digits; national without) in ``?year=`` (this year)."""
    found = lookup.effective(lookup.clean_region(request.args.get("region")),
                             lookup.clean_year(request.args.get("year")))
    return lookup.as_json(found)


@bp.get("/admin/rules/<prefix>")
@role_required("admin")
def get_versions(prefix: str):
    prefix = ruledata.clean_prefix(prefix)
    found = store.versions(prefix)
    if not found:
        raise Refused(404, "not_found", _("这个地区前缀还没有保存的规则。"))
    return _versions_json(prefix, found)


@bp.put("/admin/rules/<prefix>")
@role_required("admin")
def put_version(prefix: str):
    """Create or replace the version of ``prefix`` taking effect on the body's ``effective_from``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "invalid_json", _("请求体应为 JSON 对象。"))
    saved = store.save(store.check(body, prefix), utcnow(), current_user._get_current_object(), via="api")
    db.session.commit()
    return ruledata.dump(saved.rules), 201 if saved.change == "created" else 200


@bp.delete("/admin/rules/<prefix>")
@role_required("admin")
def delete_versions(prefix: str):
    """Delete the version of ``?effective_from=`` or, without it, every version of ``prefix``."""
    prefix = ruledata.clean_prefix(prefix)
    day = request.args.get("effective_from")
    effective_from = store.clean_date(day) if day is not None else None
    deleted = store.delete(prefix, effective_from, utcnow(), current_user._get_current_object(), via="api")
    db.session.commit()
    return _versions_json(prefix, deleted)


def _versions_json(prefix: str, found) -> dict:
    return {"prefix": prefix, "versions": [ruledata.dump(rules) for rules in found]}
