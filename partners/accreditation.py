"""Partners and their tokens, as the pages and the CLI manage them: accredit (create), change,
switch on and off, issue and revoke a token, find the partner of a Bearer token. Flushes only;
the caller commits. Every change is in the audit log."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from accounts import audit
from accounts.models import User
from accounts.regions import is_region_code, region_within
from accounts.tokens import hash_token, mint
from core.extensions import db
from core.http import Refused
from core.policy.rulebook import SUBJECT_TYPES
from partners.models import Partner, PartnerToken

_TOUCH_EVERY = timedelta(minutes=1)
_LIVE = (select(PartnerToken).options(joinedload(PartnerToken.partner))
         .where(PartnerToken.token_hash == bindparam("digest"), PartnerToken.revoked_at.is_(None)))


@dataclass
class PartnerInput:
    """What the form or the CLI gives for a partner."""

    name: str
    region_code: str
    subject_types: list[str]
    hours_per_year_tenths: int
    accredited_from: date
    accredited_until: date
    active: bool = True


def may_manage(user: User, partner_region: str) -> bool:
    """Admins manage every partner; a bureau officer those accredited in their own area."""
    if user.role == "admin":
        return True
    return user.role == "bureau" and region_within(partner_region, user.region_code or "")


def checked(data: PartnerInput, actor: User | None, partner_id: int | None = None) -> dict:
    """The partner's columns from ``data``, or Refused naming the first field at fault."""
    name = " ".join(data.name.split())
    if not name or len(name) > 128:
        raise Refused(422, "invalid_name", _("请填写平台名称（最多128个字）。"), "name")
    clash = db.session.scalar(select(Partner.id).where(Partner.name == name))
    if clash is not None and clash != partner_id:
        raise Refused(409, "name_taken", _("已有同名的合作平台。"), "name")
    if not is_region_code(data.region_code):
        raise Refused(422, "invalid_region_code", _("请选择认可该平台的地区。"), "region_code")
    if actor is not None and not may_manage(actor, data.region_code):
        raise Refused(403, "out_of_scope", _("只能管理本地区认可的合作平台。"), "region_code")
    kinds = [kind for kind in SUBJECT_TYPES if kind in data.subject_types]
    if not kinds or len(kinds) != len(set(data.subject_types)):
        raise Refused(422, "invalid_subject_types", _("请至少选择一种认可的科目类型。"), "subject_types")
    if not 0 < data.hours_per_year_tenths <= 10000:
        raise Refused(422, "invalid_hours", _("每人每年学时上限应大于0。"), "hours_per_year")
    if data.accredited_until < data.accredited_from:
        raise Refused(422, "invalid_dates", _("认可截止日期不能早于起始日期。"), "accredited_until")
    return {"name": name, "region_code": data.region_code, "subject_types": ",".join(kinds),
            "hours_per_year_tenths": data.hours_per_year_tenths, "accredited_from": data.accredited_from,
            "accredited_until": data.accredited_until, "active": data.active}


def accredit(data: PartnerInput, actor: User | None, now: datetime) -> Partner:
    partner = Partner(created_at=now, **checked(data, actor))
    db.session.add(partner)
    db.session.flush()
    audit.record("partner.accredited", target=f"partner:{partner.id}", actor=actor, **_details(partner))
    return partner


def change(partner: Partner, data: PartnerInput, actor: User | None) -> Partner:
    if actor is not None and not may_manage(actor, partner.region_code):
        raise Refused(403, "out_of_scope", _("只能管理本地区认可的合作平台。"))
    for name, value in checked(data, actor, partner.id).items():
        setattr(partner, name, value)
    db.session.flush()
    audit.record("partner.changed", target=f"partner:{partner.id}", actor=actor, **_details(partner))
    return partner


def _details(partner: Partner) -> dict:
    return {"name": partner.name, "region_code": partner.region_code, "subject_types": partner.subject_types,
            "hours_per_year": partner.hours_per_year, "from": partner.accredited_from.isoformat(),
            "until": partner.accredited_until.isoformat(), "active": partner.active}


def issue_token(partner: Partner, name: str, actor: User | None, now: datetime) -> tuple[PartnerToken, str]:
    """A new token of ``partner``: the row and the plain token (shown once, never stored)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 64:
        raise Refused(422, "invalid_name", _("请填写令牌名称（最多64个字）。"), "name")
    plain, digest, prefix = mint()
    row = PartnerToken(partner_id=partner.id, name=name, token_hash=digest, prefix=prefix, created_at=now)
    db.session.add(row)
    db.session.flush()
    audit.record("partner.token_created", target=f"partner_token:{row.id}", actor=actor,
                 partner=partner.id, name=name)
    return row, plain


def revoke_token(row: PartnerToken, actor: User | None, now: datetime) -> bool:
    """Revoke ``row``; False when it already was."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = now
    db.session.flush()
    audit.record("partner.token_revoked", target=f"partner_token:{row.id}", actor=actor,
                 partner=row.partner_id, name=row.name)
    return True


def partner_for(plain: str, now: datetime) -> Partner | None:
    """The active partner of the live token ``plain``, recording the token's use at most once a minute."""
    row = db.session.scalar(_LIVE, {"digest": hash_token(plain)})
    if row is None or not row.partner.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        db.session.execute(update(PartnerToken).where(PartnerToken.id == row.id).values(last_used_at=now))
    return row.partner
