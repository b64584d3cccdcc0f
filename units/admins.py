"""A unit's administrators (单位管理员): created by a bureau officer of the unit's region or an
admin, listed on the unit's page, deactivated there. Flushes only; the caller commits.

A new administrator gets a one-time password (``secrets``) that the caller shows once and
never stores; the account must change it at first sign-in (``must_change_password``, which
accounts.auth enforces). The audit rows never hold the password or the full ID number.
"""
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from accounts.users import create_user, duplicate_errors
from accounts.validators import FieldError, china_today, clean_id_number, clean_phone, clean_real_name
from core.extensions import db
from units.models import Unit
from units.service import Refused, may_edit

# No look-alikes (0/O, 1/l/I): the password is read off a screen and typed by someone else.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12


def administrators(unit: Unit) -> list[User]:
    """The unit's administrators, active ones first."""
    return list(db.session.scalars(select(User).where(User.role == "unit_admin", User.unit_id == unit.id)
                                   .order_by(User.active.desc(), User.id)))


def one_time_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def check_scope(actor: User, unit: Unit) -> None:
    if not may_edit(actor, unit.region_code):
        raise Refused(403, "out_of_region", _("这个工作单位不在您的管辖范围内。"))


def clean(raw: dict, now: datetime) -> tuple[dict, dict]:
    """The cleaned real_name, id_number and phone, and a message per refused field."""
    checks = {"real_name": clean_real_name, "id_number": lambda v: clean_id_number(v, china_today(now)),
              "phone": clean_phone}
    values, errors = {}, {}
    for name, check in checks.items():
        try:
            values[name] = check(raw.get(name))
        except FieldError as e:
            errors[name] = str(e)
    if not errors:
        errors = duplicate_errors(values["id_number"], values["phone"])
    return values, errors


def create(actor: User, unit: Unit, values: dict) -> tuple[User, str]:
    """A new active unit_admin of ``unit`` from cleaned ``values`` (see :func:`clean`), and its
    one-time password. Refused 403 outside the actor's region, 422 for an inactive unit."""
    check_scope(actor, unit)
    if not unit.active:
        raise Refused(422, "inactive_unit", _("工作单位“%(name)s”已停用，不能再添加管理员。", name=unit.name))
    password = one_time_password()
    user = create_user({**values, "employer": unit.name, "region_code": unit.region_code, "password": password,
                        "unit_id": unit.id}, role="unit_admin")
    user.must_change_password = True
    db.session.flush()
    audit.record("unit_admin_created", target=f"user:{user.id}", actor=actor, unit=unit.id,
                 id_number=user.masked_id_number)
    return user, password


def deactivate(actor: User, unit: Unit, user_id: int) -> User:
    """Deactivate one of the unit's administrators (404 for anyone else); audited once."""
    check_scope(actor, unit)
    user = db.session.get(User, user_id)
    if user is None or user.role != "unit_admin" or user.unit_id != unit.id:
        raise Refused(404, "not_found", _("该单位没有这位管理员。"))
    if user.active:
        user.active = False
        db.session.flush()
        audit.record("unit_admin_deactivated", target=f"user:{user.id}", actor=actor, unit=unit.id)
    return user
