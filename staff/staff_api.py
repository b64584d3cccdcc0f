"""v1 calls of a unit administrator for their own unit's people: the roster with each person's
credit year, the links waiting for a decision, confirm and reject, 催学, a password reset.

Only unit administrators (others 403); another unit's link or person answers 404, as one
that does not exist. Errors are ``{"error": {"code", "message", "field"?}}``: 400 the body is
no JSON object, 404 ``not_found``, 409 ``already_decided``, 422 ``invalid_year``,
``invalid_status``, ``reason_required``, ``reason_too_long``, ``no_staff_selected`` or
``invalid_user_ids``. Decisions and reminders are audited by their services, a search of
the roster (``q``) here; ID numbers are masked.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.access import role_required
from accounts.passwords import reset_to_one_time
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from core.paging import page_links, page_number
from staff import membership, reminders
from staff.roster_data import clean_query, clean_status, roster_page, staff_rows
from units.models import UnitLink

bp = Blueprint("staff_api", __name__, url_prefix="/api/v1/unit/staff")


def _year(raw) -> int:
    """``year`` of a query or body: a credit year from 2000 to 2100; absent means this year."""
    if raw is None or raw == "":
        return policy.this_year()
    if isinstance(raw, str) and raw.strip().isdecimal():
        raw = int(raw.strip())
    if not isinstance(raw, int) or isinstance(raw, bool) or not 2000 <= raw <= 2100:
        raise Refused(422, "invalid_year", _("年度应为 2000 至 2100 之间的整数。"), "year")
    return raw


@bp.get("")
@role_required("unit_admin")
def roster():
    """The unit's confirmed staff for ``?year=``, filtered by ``?status=`` and ``?q=``, a page at a time."""
    year, status = _year(request.args.get("year")), clean_status(request.args.get("status"))
    text, number = clean_query(request.args.get("q")), page_number()
    page = roster_page(staff_rows(current_user.unit_id, year), status, text, number)
    if text:
        audit.record("unit_roster_lookup", target=f"unit:{current_user.unit_id}", q=text, year=year,
                     rows=page.total, via="api")
        db.session.commit()
    return {"year": year, "staff": [row.as_json() for row in page.items], "total": page.total,
            "page": page.page, "pages": page.pages, **page_links(page.page, page.pages)}


def _link_json(link: UnitLink) -> dict:
    user = link.user
    return {"id": link.id, "status": link.status, "reason": link.reason,
            "requested_at": link.requested_at.isoformat(),
            "decided_at": link.decided_at.isoformat() if link.decided_at else None,
            "user": {"id": user.id, "name": user.real_name, "id_number": user.masked_id_number,
                     "phone": user.phone, "title": user.title}}


@bp.get("/pending")
@role_required("unit_admin")
def pending():
    """The unit's links waiting for a decision, oldest first."""
    return {"links": [_link_json(link) for link in membership.pending_links(current_user.unit_id)]}


@bp.post("/links/<int:link_id>/confirm")
@role_required("unit_admin")
def confirm(link_id: int):
    link = membership.decide(current_user._get_current_object(), link_id, True, "", utcnow())
    db.session.commit()
    return _link_json(link)


@bp.post("/links/<int:link_id>/reject")
@role_required("unit_admin")
def reject(link_id: int):
    reason = _body().get("reason")
    if reason is not None and not isinstance(reason, str):
        raise Refused(422, "reason_required", _("拒绝原因应为文字。"), "reason")
    link = membership.decide(current_user._get_current_object(), link_id, False, reason or "", utcnow())
    db.session.commit()
    return _link_json(link)


@bp.post("/remind")
@role_required("unit_admin")
def remind():
    """催学: a notice to each named person who is short of ``year``; those already 达标 are skipped."""
    body = _body()
    ids, year = reminders.clean_ids(body.get("user_ids")), _year(body.get("year"))
    done = reminders.remind(current_user._get_current_object(), ids, year, utcnow())
    db.session.commit()
    return {"year": year, "sent": done.sent, "skipped": done.skipped}


@bp.post("/<int:user_id>/password-reset")
@role_required("unit_admin")
def password_reset(user_id: int):
    """A confirmed staff member's password reset to a one-time password, returned this once
    (no-store); they must change it at the next sign-in and are signed out everywhere."""
    admin = current_user._get_current_object()
    person = membership.staff_member(admin, user_id)
    password = reset_to_one_time(person, admin, utcnow(), by="unit", unit=admin.unit_id, via="api")
    db.session.commit()
    return {"user_id": person.id, "name": person.real_name, "one_time_password": password,
            "must_change_password": True}, 200, {"Cache-Control": "no-store"}


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    return body
