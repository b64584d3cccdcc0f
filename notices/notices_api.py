"""v1 calls of the caller's own notices (Bearer token, or the session cookie with X-CSRFToken):
the list with the unread count, one marked read, all marked read.

Errors are ``{"error": {"code", "message"}}``: 401 not signed in, 404 no such notice of the
caller's (another user's is not told apart from none), 422 ``invalid_unread``,
``invalid_page`` or ``invalid_per_page``.
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import login_required
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from core.paging import page_links
from notices import service

bp = Blueprint("notices_api", __name__, url_prefix="/api/v1/me/notices")
PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 20, 100, 100000
TRUTH = {"": None, "true": True, "1": True, "false": False, "0": False}


def _int_arg(name: str, default: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ApiError(422, f"invalid_{name}", _("参数 %(name)s 应为 %(low)s 到 %(high)s 之间的整数。",
                                                 name=name, low=1, high=high))
    return int(raw)


@bp.get("")
@login_required
def list_notices():
    """One page of the caller's notices, newest first; ``?unread=true`` only the unread ones."""
    unread = request.args.get("unread", "").lower()
    if unread not in TRUTH:
        raise ApiError(422, "invalid_unread", _("参数 unread 应为 true 或 false。"))
    page_number = _int_arg("page", 1, MAX_PAGE)
    per_page = _int_arg("per_page", PER_PAGE, MAX_PER_PAGE)
    page = service.box(current_user.id, page_number, per_page, unread_only=bool(TRUTH[unread]))
    return {
        "items": [service.as_json(notice) for notice in page.items],
        "unread": service.unread_count(current_user.id),
        "page": page.page, "per_page": per_page, "total": page.total, "pages": page.pages,
        **page_links(page.page, page.pages),
    }


@bp.post("/<int:notice_id>/read")
@login_required
def read_notice(notice_id: int):
    """Mark one of the caller's notices read (a second call changes nothing); the notice."""
    notice = service.own_notice(current_user.id, notice_id)
    if notice is None:
        raise ApiError(404, "not_found", _("没有这条通知。"))
    service.mark_read(notice, utcnow())
    db.session.commit()
    return service.as_json(notice)


@bp.post("/read-all")
@login_required
def read_all():
    """Mark all the caller's notices read; how many were unread."""
    marked = service.mark_all_read(current_user.id, utcnow())
    db.session.commit()
    return {"marked": marked, "unread": 0}
