"""A unit administrator's decisions on trainees' links to the unit. Flushes only; the caller commits.

A trainee who chooses a unit waits (``pending``) until the unit's administrator confirms or
rejects the link, a rejection with a reason. An administrator decides only links of their
own unit: another unit's link answers exactly as a link that does not exist (404), so that
nothing about other units can be learned. Each decision tells the trainee (a notice) and
is audited (``unit_link_confirmed`` / ``unit_link_rejected``).
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from accounts import audit
from accounts.models import User
from core.extensions import db
from core.http import Refused
from notices.service import notify
from units.models import Unit, UnitLink

REASON_MAX = 200


def pending_links(unit_id: int) -> list[UnitLink]:
    """The unit's links waiting for a decision, oldest request first, each with its trainee."""
    return list(db.session.scalars(
        select(UnitLink).where(UnitLink.unit_id == unit_id, UnitLink.status == "pending")
        .options(joinedload(UnitLink.user)).order_by(UnitLink.requested_at, UnitLink.id)))


def count_links(unit_id: int, status: str) -> int:
    """How many of the unit's links are in ``status``."""
    return db.session.scalar(select(func.count()).select_from(UnitLink)
                             .where(UnitLink.unit_id == unit_id, UnitLink.status == status)) or 0


def own_link(admin: User, link_id: int) -> UnitLink:
    """The link ``link_id`` of the administrator's unit; another unit's, or none, is 404."""
    link = db.session.get(UnitLink, link_id) if 0 < link_id < 2**31 else None
    if link is None or admin.unit_id is None or link.unit_id != admin.unit_id:
        raise Refused(404, "not_found", _("没有这条待确认的申请。"))
    return link


def clean_reason(reason: str | None) -> str:
    """A rejection's reason, spaces collapsed: required, at most REASON_MAX characters."""
    reason = " ".join("".join(c for c in (reason or "") if c.isprintable()).split())
    if not reason:
        raise Refused(422, "reason_required", _("拒绝时请填写原因。"), "reason")
    if len(reason) > REASON_MAX:
        raise Refused(422, "reason_too_long", _("原因不能超过%(max)s个字。", max=REASON_MAX), "reason")
    return reason


def decide(admin: User, link_id: int, confirm: bool, reason: str, now: datetime) -> UnitLink:
    """Confirm or reject (with ``reason``) a pending link of the administrator's unit.

    Refused: 404 ``not_found`` (no such link, or another unit's), 409 ``already_decided``
    (the link is no longer pending), 422 ``reason_required`` / ``reason_too_long``.
    """
    link = own_link(admin, link_id)
    reason = "" if confirm else clean_reason(reason)
    # Conditional: of two decisions racing (two administrators, a double click), one applies.
    decided = db.session.execute(
        update(UnitLink).where(UnitLink.id == link.id, UnitLink.status == "pending")
        .values(status="confirmed" if confirm else "rejected", reason=reason, decided_at=now,
                decided_by_id=admin.id).execution_options(synchronize_session=False))
    if decided.rowcount != 1:
        raise Refused(409, "already_decided", _("这条申请已处理过了。"))
    db.session.refresh(link)
    unit = db.session.get(Unit, link.unit_id)
    if confirm:
        notify(link.user_id, "unit_link_confirmed", _("“%(unit)s”已确认您是本单位人员", unit=unit.name),
               _("您的工作单位已确认。"), link="/me/unit")
    else:
        notify(link.user_id, "unit_link_rejected", _("“%(unit)s”未确认您是本单位人员", unit=unit.name),
               _("原因：%(reason)s", reason=reason), link="/me/unit")
    audit.record(f"unit_link_{link.status}", target=f"user:{link.user_id}", actor=admin,
                 unit=unit.id, link=link.id, **({"reason": reason} if reason else {}))
    return link


def staff_member(admin: User, user_id: int) -> User:
    """A confirmed member of ``admin``'s unit (an active trainee whose current link the unit
    confirmed); 404 ``not_found`` for anyone else, another unit's people included."""
    person = db.session.scalar(
        select(User).join(UnitLink, UnitLink.user_id == User.id)
        .where(User.id == user_id, User.role == "trainee", UnitLink.unit_id == admin.unit_id,
               UnitLink.status == "confirmed"))
    if person is None:
        raise Refused(404, "not_found", _("本单位没有这位人员。"))
    return person
