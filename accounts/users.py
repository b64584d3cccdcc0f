"""Finding, creating and authenticating users. Helpers flush; the caller commits."""
import functools
import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from accounts.models import User
from core.extensions import db


def normalize_identifier(identifier: str | None) -> str:
    """What was typed as "ID number or phone", as stored: ASCII, no spaces, upper-case ``X``."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", identifier or "")).upper()


def find_by_identifier(identifier: str) -> User | None:
    """The user whose ID number (either case of ``x``) or phone is ``identifier``."""
    value = normalize_identifier(identifier)
    if not value:
        return None
    return db.session.scalar(select(User).where(or_(User.id_number == value, User.phone == value)))


def duplicate_errors(id_number: str, phone: str, exclude_id: int | None = None) -> dict[str, str]:
    """Messages for the fields whose value another account already holds."""
    query = select(User.id_number, User.phone).where(or_(User.id_number == id_number, User.phone == phone))
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    errors = {}
    for taken_id, taken_phone in db.session.execute(query):
        if taken_id == id_number:
            errors["id_number"] = _("该身份证号已注册，请直接登录；如忘记密码请联系管理员。")
        if taken_phone == phone:
            errors["phone"] = _("该手机号已被其他账号使用。")
    return errors


def create_user(values: dict, role: str = "trainee") -> User:
    """Add a user from cleaned ``values`` (see ``validators.clean_account``) and flush.

    A concurrent registration of the same ID number or phone surfaces here as
    ``IntegrityError``; the caller rolls back and reports it.
    """
    user = User(
        role=role,
        real_name=values["real_name"],
        id_number=values["id_number"],
        phone=values["phone"],
        employer=values.get("employer", ""),
        region_code=values["region_code"],
        title=values.get("title", ""),
        organisation=values.get("organisation", ""),
        unit_id=values.get("unit_id"),  # a unit_admin's unit (the role requires one)
        password_hash=generate_password_hash(values["password"]),
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)
    db.session.flush()


@functools.cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy-password-for-unknown-users")


def authenticate(identifier: str, password: str) -> User | None:
    """The user if the password matches, else None (active or not: the caller decides).

    An unknown identifier still costs one hash check, so response time does not tell
    whether an account exists.
    """
    user = find_by_identifier(identifier)
    if user is None:
        check_password_hash(_decoy_hash(), password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None
