"""A trainee's link to their unit (工作单位): choose one, leave it, see it. Flushes only.

Only trainees have a unit. Choosing opens a ``pending`` link, which the unit's administrator
confirms or rejects (those decisions are the staff room's); choosing another unit ends the
current link first (``ended``, with ``ended_at``), so at most one link is current — the
partial unique index of ``unit_links`` holds it too. Ended and rejected links are kept: they
are the history. Each change writes an audit row.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.models import User
from core.extensions import db
from units.models import CURRENT, Unit, UnitLink
from units.service import Refused


def current_link(user_id: int) -> UnitLink | None:
    """The user's pending or confirmed link, or None."""
    return db.session.scalar(select(UnitLink).where(UnitLink.user_id == user_id, UnitLink.status.in_(CURRENT)))


def history(user_id: int) -> list[UnitLink]:
    """Every link of the user, newest first."""
    return list(db.session.scalars(select(UnitLink).where(UnitLink.user_id == user_id)
                                   .order_by(UnitLink.requested_at.desc(), UnitLink.id.desc())))


def shown_link(user_id: int) -> UnitLink | None:
    """The link the trainee's status reads from: the current one, or else the latest link when
    the unit rejected it (its reason is shown until another unit is chosen); None otherwise."""
    latest = db.session.scalar(select(UnitLink).where(UnitLink.user_id == user_id)
                               .order_by(UnitLink.requested_at.desc(), UnitLink.id.desc()).limit(1))
    current = current_link(user_id)
    if current is not None:
        return current
    return latest if latest is not None and latest.status == "rejected" else None


def choose(user: User, unit_id: int, now: datetime, via: str = "web") -> UnitLink:
    """Ask to join active unit ``unit_id``: a new pending link, the current one ended.

    Choosing the unit already linked (pending or confirmed) changes nothing and returns that
    link. Refused: 403 ``not_trainee``, 404 ``not_found`` (no such unit), 422 ``inactive_unit``,
    409 ``conflict`` (another request changed the link at the same moment).
    """
    _trainee_only(user)
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) and 0 < unit_id < 2**31 else None
    if unit is None:
        raise Refused(404, "not_found", _("没有这个工作单位。"), "unit_id")
    if not unit.active:
        raise Refused(422, "inactive_unit", _("工作单位“%(name)s”已停用，不能选择。", name=unit.name), "unit_id")
    link = current_link(user.id)
    if link is not None and link.unit_id == unit.id:
        return link
    if link is not None:
        _end(link, now)
    # The ended row must reach the database before the new current one (partial unique index).
    db.session.flush()
    new = UnitLink(user_id=user.id, unit_id=unit.id, status="pending", reason="", requested_at=now)
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request of the same trainee (a double click) opened a link first; the caller rolls back.
        raise Refused(409, "conflict", _("您的工作单位刚刚已有变动，请刷新后再试。")) from None
    audit.record("unit_link_requested", target=f"unit:{unit.id}", actor=user, link=new.id,
                 previous=link.unit_id if link is not None else None, via=via)
    return new


def leave(user: User, now: datetime, via: str = "web") -> UnitLink | None:
    """End the user's current link; the ended link, or None when there was none (not audited)."""
    _trainee_only(user)
    link = current_link(user.id)
    if link is None:
        return None
    _end(link, now)
    db.session.flush()
    audit.record("unit_link_ended", target=f"unit:{link.unit_id}", actor=user, link=link.id, via=via)
    return link


@dataclass(frozen=True)
class EmployerMatch:
    """A trainee without a current link whose free-text employer names ``units`` (one: a match)."""

    user: User
    units: tuple[Unit, ...]


def employer_matches() -> list[EmployerMatch]:
    """Trainees with no current link whose ``employer`` equals an active unit's name (spaces
    normalised), among the units of the trainee's province (the region's first two digits);
    several such units make an ambiguous match, left for a person to resolve."""
    units: dict[tuple[str, str], list[Unit]] = {}
    for unit in db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)):
        units.setdefault((" ".join(unit.name.split()), unit.region_code[:2]), []).append(unit)
    linked = select(UnitLink.user_id).where(UnitLink.status.in_(CURRENT))
    trainees = db.session.scalars(select(User).where(User.role == "trainee", User.active.is_(True),
                                                     User.employer != "", User.id.not_in(linked))
                                  .order_by(User.id))
    found = []
    for user in trainees:
        candidates = units.get((" ".join(user.employer.split()), (user.region_code or "")[:2]))
        if candidates:
            found.append(EmployerMatch(user, tuple(candidates)))
    return found


def request_matched(match: EmployerMatch, now: datetime) -> UnitLink:
    """A pending link for an unambiguous match, made by an operator (the unit confirms it)."""
    [unit] = match.units
    link = UnitLink(user_id=match.user.id, unit_id=unit.id, status="pending", reason="", requested_at=now)
    db.session.add(link)
    db.session.flush()
    audit.record("unit_link_matched", target=f"unit:{unit.id}", user=f"user:{match.user.id}", link=link.id, via="cli")
    return link


def _end(link: UnitLink, now: datetime) -> None:
    link.status, link.ended_at = "ended", now


def _trainee_only(user: User) -> None:
    if user.role != "trainee":
        raise Refused(403, "not_trainee", _("只有学员可以选择工作单位。"))


def as_json(link: UnitLink | None) -> dict | None:
    """The link as the API shows it."""
    if link is None:
        return None
    unit = link.unit
    return {"unit": {"id": unit.id, "name": unit.name, "credit_code": unit.credit_code},
            "status": link.status, "reason": link.reason or "",
            "requested_at": link.requested_at.isoformat(),
            "decided_at": link.decided_at.isoformat() if link.decided_at else None}
