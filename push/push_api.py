"""Daily reconciliation of a push endpoint, for the receiving system (docs/sync.md, 推送).

Authenticated as the pull API is: a bureau officer's Bearer token (or session), whose scope
(narrowed to the token's region) must cover the endpoint's region; else 403
``forbidden_region``. ``day`` is a China calendar day (YYYY-MM-DD): events count for the day
they were written.

- ``GET …/days/<day>/digest``: ``count`` and ``sha256`` of the day's event ids, sorted and
  joined by "\\n" (push.rules.digest): the receiver computes the same over what it holds.
  Audited (``push_digest``).
- ``POST …/days/<day>/reconcile`` with ``{"ids": [...]}`` (the receiver's ids of the day):
  ``missing`` (ours it lacks; made due now and sent again, in order per trainee), ``unknown``
  (its ids we never wrote for that day) and the day's digest. Audited (``push_reconciled``).
"""
import re
from datetime import date

from flask import Blueprint, request
from flask_babel import gettext as _

from accounts import audit
from accounts.access import role_required
from bureau.officer import officer_scope
from bureau.scope import ScopeError
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from push import endpoints, rules
from push.models import PushEndpoint

bp = Blueprint("push_api", __name__, url_prefix="/api/v1/push")

MAX_IDS = 100_000


def _endpoint(endpoint_id: int) -> PushEndpoint:
    endpoint = db.session.get(PushEndpoint, endpoint_id)
    if endpoint is None:
        raise ApiError(404, "not_found", _("没有这个推送接口。"))
    try:
        scope = officer_scope()
    except ScopeError as e:
        raise ApiError(403, "forbidden_region", e.message) from None
    if not scope.covers(endpoint.region_code):
        raise ApiError(403, "forbidden_region", _("该推送接口的地区不在您的管辖范围内。"))
    return endpoint


def _day(text: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, "invalid_day", _("日期应为 YYYY-MM-DD 格式的北京时间日期。")) from None


def _ids() -> set[str]:
    body = request.get_json(silent=True)
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids):
        raise ApiError(422, "invalid_ids", _("请求体应为 {\"ids\": [事件编号, …]}，编号为字符串。"))
    if len(ids) > MAX_IDS:
        raise ApiError(422, "invalid_ids", _("一次最多核对 %(max)s 个事件编号。", max=MAX_IDS))
    return set(ids)


@bp.get("/endpoints/<int:endpoint_id>/days/<day>/digest")
@role_required("bureau")
def digest(endpoint_id: int, day: str):
    endpoint, when = _endpoint(endpoint_id), _day(day)
    body = {"endpoint_id": endpoint.id, "day": when.isoformat(),
            **rules.digest(endpoints.day_event_ids(endpoint.id, when))}
    audit.record("push_digest", target=f"push_endpoint:{endpoint.id}", day=body["day"], rows=body["count"])
    db.session.commit()
    return body, 200, {"Cache-Control": "no-store"}


@bp.post("/endpoints/<int:endpoint_id>/days/<day>/reconcile")
@role_required("bureau")
def reconcile(endpoint_id: int, day: str):
    endpoint, when = _endpoint(endpoint_id), _day(day)
    theirs = _ids()
    missing, unknown = endpoints.reconcile(endpoint.id, when, theirs, utcnow())
    audit.record("push_reconciled", target=f"push_endpoint:{endpoint.id}", day=when.isoformat(),
                 received=len(theirs), missing=len(missing), unknown=len(unknown))
    body = {"endpoint_id": endpoint.id, "day": when.isoformat(), "missing": missing, "unknown": unknown,
            **rules.digest(endpoints.day_event_ids(endpoint.id, when))}
    db.session.commit()
    if missing and endpoint.active:
        from push.tasks import deliver  # after the commit: the worker reads what was committed
        deliver(endpoint.id)
    return body, 200, {"Cache-Control": "no-store"}
