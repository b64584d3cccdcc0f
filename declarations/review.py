"""The reviews of offline 学时登记: the unit's 初审 (the unit_admin of the declaration's unit)
and the bureau's 复审 (a bureau officer whose region covers the declaration's). Either may
return it with a reason; the bureau's approval writes the credit row (learning.entries,
basis ``declared``). Flushes only; the caller commits.

Another unit's declaration is not found (404); one outside an officer's region is refused (403).
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import User
from bureau.scope import Scope, ScopeError, scope_for
from core import policy
from core.extensions import db
from declarations import service
from declarations.models import Declaration, DeclarationFile
from declarations.service import Refused, clean, step
from learning.entries import add_entry
from notices.service import notify


def link(declaration: Declaration) -> str:
    return f"/me/declarations/{declaration.id}"


def for_unit(admin: User, declaration_id: int) -> Declaration:
    """A declaration of the admin's unit; another unit's is not found."""
    declaration = service.get(declaration_id)
    if admin.role != "unit_admin" or declaration is None or declaration.unit_id != admin.unit_id:
        raise Refused(404, "not_found", _("没有这条学时登记。"))
    return declaration


def officer_scope(officer: User, token_region: str | None = None) -> Scope:
    try:
        return scope_for(officer, token_region)
    except ScopeError as e:
        raise Refused(403, "out_of_region", e.message) from None


def for_bureau(officer: User, declaration_id: int, token_region: str | None = None) -> Declaration:
    """A declaration of the officer's region: 404 when there is none, 403 outside the region."""
    scope = officer_scope(officer, token_region)
    declaration = service.get(declaration_id)
    if declaration is None:
        raise Refused(404, "not_found", _("没有这条学时登记。"))
    if not scope.covers(declaration.region_code):
        raise Refused(403, "out_of_region", _("这条学时登记不在您的管辖范围内。"))
    return declaration


def unit_queue(admin: User) -> list[Declaration]:
    """The admin's unit's declarations waiting for the 初审, oldest first."""
    return list(db.session.scalars(select(Declaration).where(
        Declaration.unit_id == admin.unit_id, Declaration.status == "unit_review").order_by(Declaration.updated_at)))


def bureau_queue(officer: User, token_region: str | None = None) -> list[Declaration]:
    """The region's declarations waiting for the 复审, oldest first."""
    scope = officer_scope(officer, token_region)
    return list(db.session.scalars(select(Declaration).where(
        Declaration.status == "bureau_review", scope.condition(Declaration.region_code))
        .order_by(Declaration.updated_at)))


def _open_year(declaration: Declaration, now: datetime) -> None:
    if policy.locked(declaration.region_code, declaration.year, now):
        raise Refused(409, "year_locked", _("%(year)s 年度学时已锁定，不能再通过登记。", year=declaration.year))


def _returned(declaration: Declaration, actor: User, by: str, reason, now: datetime) -> Declaration:
    reason = clean(reason if reason is not None else "", 1000, "reason", multiline=True)
    if not reason:
        raise Refused(422, "invalid_reason", _("退回时请写明原因，学员将据此修改。"), "reason")
    declaration.status, declaration.reason = "returned", reason
    step(declaration, actor, by, "returned", now, reason)
    notify(declaration.user_id, "declaration_returned", _("学时登记“%(title)s”被退回", title=declaration.title),
           reason, link=link(declaration))
    return declaration


def unit_decide(admin: User, declaration: Declaration, approve: bool, reason, now: datetime) -> Declaration:
    """The unit's 初审: on to the bureau, or back to the trainee with a reason."""
    if declaration.status != "unit_review":
        raise Refused(409, "not_pending", _("这条学时登记已不在单位初审中。"))
    if not approve:
        return _returned(declaration, admin, "unit", reason, now)
    _open_year(declaration, now)
    declaration.status = "bureau_review"
    step(declaration, admin, "unit", "unit_approved", now)
    return declaration


def bureau_decide(officer: User, declaration: Declaration, approve: bool, reason, now: datetime) -> Declaration:
    """The bureau's 复审: approved (the credit row is written), or back to the trainee."""
    if declaration.status != "bureau_review":
        raise Refused(409, "not_pending", _("这条学时登记已不在人社部门复审中。"))
    if not approve:
        return _returned(declaration, officer, "bureau", reason, now)
    _open_year(declaration, now)
    declaration.status, declaration.reason = "approved", ""
    add_entry(declaration.user, basis="declared", source_id=declaration.id, title=declaration.title,
              year=declaration.year, hours_tenths=declaration.hours_tenths, subject_type=declaration.subject_type,
              recorded_by=officer, now=now)
    step(declaration, officer, "bureau", "approved", now)
    notify(declaration.user_id, "declaration_approved", _("学时登记“%(title)s”已通过", title=declaration.title),
           _("%(hours)s 学时已计入 %(year)s 年度。", hours=declaration.hours_tenths / 10, year=declaration.year),
           link=link(declaration))
    return declaration


def may_see(user: User, declaration: Declaration) -> bool:
    """The declarant, the admin of its unit and bureau officers of its region see it and its files."""
    if user.id == declaration.user_id:
        return True
    if user.role == "unit_admin":
        return user.unit_id == declaration.unit_id
    if user.role == "bureau":
        try:
            return scope_for(user).covers(declaration.region_code)
        except ScopeError:
            return False
    return False


def evidence_file(user: User, file_id: int) -> DeclarationFile:
    """An evidence file ``user`` may see; every other is not found (404)."""
    row = db.session.get(DeclarationFile, file_id) if 0 < file_id < 2**31 else None
    if row is None or not may_see(user, row.declaration):
        raise Refused(404, "not_found", _("没有这个文件。"))
    return row
