"""The trainee's own unit (工作单位) page, /me/unit: the current link and its status, the
history, a search for units (by name or credit code) with a choose button per result, and
leaving the unit. New trainees land here after registering. units.links does the work."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from units import links, service
from units.service import Refused

bp = Blueprint("my_unit", __name__, url_prefix="/me")

STATUS_NAMES = {"pending": _l("待单位确认"), "confirmed": _l("已确认"), "rejected": _l("被拒绝"),
                "ended": _l("已退出")}


@bp.context_processor
def _names():
    return {"status_names": STATUS_NAMES}


@bp.get("/unit")
@role_required("trainee")
def index():
    """The page; ``?q=`` searches active units to choose from."""
    user = current_user._get_current_object()
    welcome = request.args.get("welcome") == "1"
    # Just registered: look for the employer typed at registration, which is likely the unit.
    text = request.args.get("q", user.employer if welcome else "")[:128]
    found = service.search(user, text, limit=20) if text.strip() else []
    return render_template("my_unit/index.html", shown=links.shown_link(user.id), history=links.history(user.id),
                           q=text, found=found, welcome=welcome)


@bp.post("/unit")
@role_required("trainee")
def choose():
    """Choose the unit of the form's ``unit_id``: a pending link until the unit confirms it."""
    user = current_user._get_current_object()
    unit_id = request.form.get("unit_id", "")
    try:
        before = links.current_link(user.id)
        link = links.choose(user, int(unit_id) if unit_id.isdigit() else 0, utcnow())
    except Refused as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for("my_unit.index"))
    db.session.commit()
    if before is not None and before.id == link.id:
        flash(_("您已选择“%(name)s”，无需重复选择。", name=link.unit.name))
    elif before is not None:
        flash(_("已申请调换到“%(name)s”，与“%(old)s”的关联已结束，等待新单位确认。", name=link.unit.name,
                old=before.unit.name), "success")
    else:
        flash(_("已选择“%(name)s”，等待单位确认。", name=link.unit.name), "success")
    return redirect(url_for("my_unit.index"))


@bp.post("/unit/leave")
@role_required("trainee")
def leave():
    """End the current link (the history keeps it)."""
    link = links.leave(current_user._get_current_object(), utcnow())
    db.session.commit()
    if link is None:
        flash(_("您当前没有工作单位。"))
    else:
        flash(_("已退出“%(name)s”。", name=link.unit.name), "success")
    return redirect(url_for("my_unit.index"))
