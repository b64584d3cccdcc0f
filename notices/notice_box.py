"""The notice box (站内通知, /me/notices): a user's notices newest first, each opened through
its own address (which marks it read), and the unread count every page's header shows."""
import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from accounts.access import login_required
from core.db import utcnow
from core.extensions import db
from core.paging import page_number
from notices import service

bp = Blueprint("notice_box", __name__, url_prefix="/me/notices")
log = logging.getLogger(__name__)
PER_PAGE = 20


@bp.app_context_processor
def _header_count() -> dict:
    return {"unread_notice_count": unread_for_header}


def unread_for_header() -> int | None:
    """The signed-in user's unread notices, counted once per request (None when signed out,
    or when the database cannot answer: an error page still renders its header)."""
    if not current_user.is_authenticated:
        return None
    if "unread_notices" not in g:
        try:
            g.unread_notices = service.unread_count(current_user.id)
        except SQLAlchemyError:
            log.exception("notices: could not count the unread notices")
            g.unread_notices = None
    return g.unread_notices


def _unread_only() -> bool:
    return request.args.get("unread") == "1"


@bp.get("")
@login_required
def index():
    unread_only = _unread_only()
    page = service.box(current_user.id, page_number(), PER_PAGE, unread_only)
    return render_template("notice_box/index.html", page=page, unread_only=unread_only,
                           unread=unread_for_header(), local_link=service.local_link)


def _own(notice_id: int):
    notice = service.own_notice(current_user.id, notice_id)
    if notice is None:
        abort(404)
    return notice


@bp.get("/<int:notice_id>/open")
@login_required
def open_notice(notice_id: int):
    """Mark the notice read and go where it points: a path on this site, else back to the box."""
    notice = _own(notice_id)
    service.mark_read(notice, utcnow())
    db.session.commit()
    return redirect(service.local_link(notice.link) or url_for("notice_box.index"))


@bp.post("/<int:notice_id>/read")
@login_required
def read(notice_id: int):
    service.mark_read(_own(notice_id), utcnow())
    db.session.commit()
    return redirect(_back())


@bp.post("/read-all")
@login_required
def read_all():
    marked = service.mark_all_read(current_user.id, utcnow())
    db.session.commit()
    flash(_("已将 %(count)s 条通知标为已读。", count=marked), "success")
    return redirect(_back())


def _back() -> str:
    """The box at the page the form was sent from."""
    page = request.form.get("page", type=int)
    return url_for("notice_box.index", page=page if page and page > 1 else None,
                   unread="1" if request.form.get("unread") == "1" else None)
