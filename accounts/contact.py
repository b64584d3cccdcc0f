"""The owner's own changes to their account: phone and e-mail (after entering the password),
职称. Each change is audited (masked: no full phone number or address in the log). Flush only;
the caller commits, and turns an IntegrityError (a phone taken meanwhile) into
:data:`PHONE_TAKEN`.
"""
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash

from accounts import audit
from accounts.models import User
from accounts.validators import FieldError, clean_email, clean_phone, clean_title, mask_phone
from core.extensions import db


class ContactError(FieldError):
    """A refused change: ``field`` is the form field it is about, ``code`` the API's error code."""

    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field, self.code = field, code


def phone_taken_message() -> str:
    return _("该手机号已被其他账号使用。")


def _check_password(user: User, password: str | None) -> None:
    if not password:
        raise ContactError("current", "password_required", _("请填写当前密码。"))
    if not check_password_hash(user.password_hash, password):
        raise ContactError("current", "wrong_password", _("当前密码不正确。"))


def _clean(clean, value, field: str, code: str) -> str:
    try:
        return clean(value)
    except FieldError as e:
        raise ContactError(field, code, str(e)) from None


def change_phone(user: User, password: str | None, phone: str | None) -> bool:
    """Set the sign-in phone number ``phone`` once ``password`` is right and no one else holds it;
    False when it is already the user's. Audited ``phone_changed`` (both numbers masked)."""
    new = _clean(clean_phone, phone, "phone", "invalid_phone")
    _check_password(user, password)
    if new == user.phone:
        return False
    if db.session.scalar(select(User.id).where(User.phone == new, User.id != user.id)) is not None:
        raise ContactError("phone", "phone_taken", phone_taken_message())
    old, user.phone = user.phone, new
    db.session.flush()
    audit.record("phone_changed", target=f"user:{user.id}", actor=user, old=mask_phone(old), new=mask_phone(new))
    return True


def change_email(user: User, password: str | None, email: str | None) -> bool:
    """Set (or clear: it is optional) the e-mail address once ``password`` is right; False when
    unchanged. Audited ``email_changed`` without the address."""
    new = _clean(clean_email, email, "email", "invalid_email")
    _check_password(user, password)
    if new == user.email:
        return False
    user.email = new
    db.session.flush()
    audit.record("email_changed", target=f"user:{user.id}", actor=user, cleared=not new)
    return True


def change_title(user: User, title: str | None) -> bool:
    """Set 职称 (no password: it grants nothing); False when unchanged. Audited ``title_changed``."""
    new = _clean(clean_title, title, "title", "invalid_title")
    if new == user.title:
        return False
    old, user.title = user.title, new
    db.session.flush()
    audit.record("title_changed", target=f"user:{user.id}", actor=user, old=old, new=new)
    return True
