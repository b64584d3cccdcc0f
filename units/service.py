"""Search, create and edit units. Flushes only; the caller commits.

A bureau officer works within their region (accounts.regions.region_within), an admin
everywhere. Anyone signed in may search active units (a trainee chooses one); inactive
ones are found only by those who may edit them. Each change writes one audit row with
the fields before and after. A refused request raises :class:`core.http.Refused` (403 out of region, 404 no such unit,
unit, 409 duplicate code, 422 invalid input).
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from accounts import audit
from accounts.models import User
from accounts.regions import area_prefix, is_region_code, region_within
from core.extensions import db
from core.http import Refused
from units.creditcode import CreditCodeError, clean_credit_code
from units.models import Unit

EDITORS = ("bureau", "admin")
FIELDS = ("name", "credit_code", "region_code", "address", "active")
PAGE = 50


@dataclass(frozen=True)
class UnitInput:
    """What a form, the API or the CLI sends; None leaves a field as it is (on edit)."""

    name: str | None = None
    credit_code: str | None = None
    region_code: str | None = None
    address: str | None = None
    active: bool | None = None


def may_edit(user: User, region_code: str, within: str | None = None) -> bool:
    """Whether ``user`` may create or edit units of ``region_code``; ``within`` narrows it further
    (the region of the API token used, which may be narrower than the officer's)."""
    if within and not region_within(region_code, within):
        return False
    if user.role == "admin":
        return True
    return user.role == "bureau" and region_within(region_code, user.region_code or "")


def search(user: User, text: str = "", region: str = "", limit: int = PAGE) -> list[Unit]:
    """Units matching ``text`` (part of the name, or the start of the code) in area ``region``.

    Inactive units only for editors, and only those they may edit.
    """
    query = select(Unit).order_by(Unit.name, Unit.id).limit(limit)
    # Typed text, as the search box's: control characters (a NUL, which PostgreSQL refuses) go.
    text = "".join(char for char in text if char.isprintable()).strip()
    if text:
        query = query.where(or_(Unit.name.contains(text, autoescape=True),
                                Unit.credit_code.startswith("".join(text.split()).upper(), autoescape=True)))
    if region:
        if not is_region_code(region):
            raise Refused(422, "invalid_region", _("地区代码应为6位行政区划代码。"), "region")
        query = query.where(Unit.region_code.startswith(area_prefix(region), autoescape=True))
    if user.role == "admin":
        return list(db.session.scalars(query))
    if user.role == "bureau" and is_region_code(user.region_code or ""):
        mine = Unit.region_code.startswith(area_prefix(user.region_code), autoescape=True)
        return list(db.session.scalars(query.where(or_(Unit.active.is_(True), mine))))
    return list(db.session.scalars(query.where(Unit.active.is_(True))))


def get(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise Refused(404, "not_found", _("没有这个工作单位。"))
    return unit


def create(user: User | None, data: UnitInput, via: str = "web", within: str | None = None) -> Unit:
    """A new active unit; ``user`` None is the CLI (no scope); ``within`` as for :func:`may_edit`."""
    unit = Unit(name="", credit_code="", region_code="", address="", active=True)
    _apply(unit, data, user, creating=True, within=within)
    db.session.add(unit)
    db.session.flush()
    audit.record("unit_created", target=f"unit:{unit.id}", actor=user, after=_fields(unit), via=via)
    return unit


def edit(user: User, unit: Unit, data: UnitInput, via: str = "web", within: str | None = None) -> bool:
    """Apply the fields of ``data`` that are given; False when nothing changed (not audited)."""
    if not may_edit(user, unit.region_code, within):
        raise Refused(403, "out_of_region", _("这个工作单位不在您的管辖范围内。"))
    before = _fields(unit)
    _apply(unit, data, user, creating=False, within=within)
    after = _fields(unit)
    if after == before:
        return False
    db.session.flush()
    audit.record("unit_updated", target=f"unit:{unit.id}", actor=user, before=before, after=after, via=via)
    return True


def _apply(unit: Unit, data: UnitInput, user: User | None, creating: bool, within: str | None = None) -> None:
    if creating or data.name is not None:
        unit.name = _clean_name(data.name)
    if creating or data.credit_code is not None:
        unit.credit_code = _clean_code(data.credit_code, unit.id)
    if creating or data.region_code is not None:
        unit.region_code = _clean_region(data.region_code, user, within)
    if data.address is not None:
        unit.address = _clean_address(data.address)
    if data.active is not None:
        unit.active = bool(data.active)


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Refused(422, "invalid_name", _("请填写单位名称。"), "name")
    if len(name) > 128:
        raise Refused(422, "invalid_name", _("单位名称不能超过128个字。"), "name")
    return name


def _clean_code(raw: str | None, unit_id: int | None) -> str:
    try:
        code = clean_credit_code(raw, _)
    except CreditCodeError as e:
        raise Refused(422, "invalid_credit_code", e.message, "credit_code") from None
    other = db.session.scalar(select(Unit).where(Unit.credit_code == code))
    if other is not None and other.id != unit_id:
        raise Refused(409, "duplicate_credit_code",
                      _("统一社会信用代码 %(code)s 已登记为“%(name)s”。", code=code, name=other.name), "credit_code")
    return code


def _clean_region(code: str | None, user: User | None, within: str | None = None) -> str:
    code = (code or "").strip()
    if not is_region_code(code):
        raise Refused(422, "invalid_region", _("地区代码应为6位行政区划代码。"), "region_code")
    if user is not None and not may_edit(user, code, within):
        raise Refused(403, "out_of_region", _("地区 %(code)s 不在您的管辖范围内。", code=code), "region_code")
    return code


def _clean_address(address: str) -> str:
    address = " ".join(address.split())
    if len(address) > 255:
        raise Refused(422, "invalid_address", _("地址不能超过255个字。"), "address")
    return address


def _fields(unit: Unit) -> dict:
    return {name: getattr(unit, name) for name in FIELDS}
