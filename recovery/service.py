"""Recovery's database work: start a reset (a link or a code), and complete it with a new
password. Flush only; the caller commits, and only then is the link or code sent
(recovery.delivery), so nothing is sent for a rolled-back request.

Whether an account exists is never told: starting for an unknown identifier, for an account
without an e-mail address, or a disabled one, does nothing and answers the same.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts import audit
from accounts.models import User
from accounts.passwords import set_new_password
from accounts.users import find_by_identifier
from core.extensions import db
from core.http import Refused
from recovery import rules
from recovery.models import PasswordReset


@dataclass(frozen=True)
class Started:
    """A reset asked for an existing account: whom to send ``secret`` (a link token or a code) to."""

    reset: PasswordReset
    user: User
    secret: str


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _start(user: User, channel: str, secret: str, minutes: int, now: datetime, ip: str) -> PasswordReset:
    """A new row; the user's earlier unused ones of ``channel`` stop counting (the newest wins)."""
    db.session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.channel == channel, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    reset = PasswordReset(user_id=user.id, channel=channel, secret_hash=rules.digest(_key(), secret),
                          created_at=now, expires_at=now + timedelta(minutes=minutes), ip=ip[:45])
    db.session.add(reset)
    db.session.flush()
    # Asked by whoever typed the identifier: the request's user, if any, not the account's owner.
    audit.record("password_reset_requested", target=f"user:{user.id}", channel=channel)
    return reset


def start_by_email(identifier: str, now: datetime, ip: str) -> Started | None:
    """A link for the active account whose ID number or phone is ``identifier``, when it has an
    e-mail address and mail is on; else None."""
    user = find_by_identifier(identifier)
    if user is None or not user.active or not user.email or not current_app.config.get("SMTP_URL"):
        return None
    nonce = rules.new_nonce()
    reset = _start(user, "email", nonce, current_app.config["PASSWORD_RESET_MINUTES"], now, ip)
    return Started(reset, user, rules.link_token(_key(), reset.id, nonce))


def start_by_sms(phone: str, now: datetime, ip: str) -> Started | None:
    """A code for the active account of ``phone`` (cleaned), when SMS is on; else None."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    if user is None or not user.active or not current_app.config.get("SMS_PROVIDER"):
        return None
    code = rules.new_code()
    reset = _start(user, "sms", code, current_app.config["SMS_CODE_MINUTES"], now, ip)
    return Started(reset, user, code)


def link_refused(reason: str) -> Refused:
    messages = {"invalid": _("链接无效，请重新申请找回密码。"), "used": _("该链接已使用过，请重新申请找回密码。"),
                "expired": _("该链接已过期，请重新申请找回密码。")}
    return Refused(410 if reason != "invalid" else 404, f"link_{reason}", messages[reason])


def reset_of_link(token: str, now: datetime) -> PasswordReset:
    """The unused, unexpired reset a link's token names; :class:`Refused` (link_invalid 404,
    link_used or link_expired 410) otherwise."""
    read = rules.read_token(_key(), token or "")
    reset = db.session.get(PasswordReset, read[0]) if read and 0 < read[0] < 2**31 else None
    if reset is None or reset.channel != "email" or not rules.matches(_key(), read[1], reset.secret_hash):
        raise link_refused("invalid")
    why = rules.refusal(reset.used_at, reset.expires_at, 0, 1, now)
    user = db.session.get(User, reset.user_id)
    if why or not user.active:
        raise link_refused(why or "invalid")
    return reset


def _complete(reset: PasswordReset, password: str, now: datetime) -> User:
    """Use ``reset`` (once: of two racing requests only one updates the row) and set the password."""
    used = db.session.execute(update(PasswordReset).where(PasswordReset.id == reset.id,
                                                          PasswordReset.used_at.is_(None))
                              .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise link_refused("used")
    # Every other way in the user had asked for stops counting too.
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == reset.user_id,
                                                   PasswordReset.used_at.is_(None))
                       .values(used_at=now).execution_options(synchronize_session=False))
    user = db.session.get(User, reset.user_id)
    set_new_password(user, password, now, reset.channel)
    return user


def complete_link(token: str, password: str, now: datetime) -> User:
    """Set ``password`` (checked by the caller) through a link's token; ends every session."""
    return _complete(reset_of_link(token, now), password, now)


def code_refused() -> Refused:
    return Refused(422, "code_invalid", _("验证码不正确或已失效，请重新获取。"), "code")


def check_code(phone: str, code: str, now: datetime) -> PasswordReset | None:
    """The newest SMS reset of ``phone`` when ``code`` is its code and it may still be used;
    None otherwise. A wrong guess counts against the code (the caller commits either way)."""
    reset = db.session.scalar(select(PasswordReset).join(User, User.id == PasswordReset.user_id)
                              .where(User.phone == phone, User.active.is_(True), PasswordReset.channel == "sms")
                              .order_by(PasswordReset.id.desc()).limit(1))
    if reset is None or rules.refusal(reset.used_at, reset.expires_at, reset.attempts,
                                      current_app.config["SMS_CODE_ATTEMPTS"], now):
        return None
    if not rules.matches(_key(), code, reset.secret_hash):
        db.session.execute(update(PasswordReset).where(PasswordReset.id == reset.id)
                           .values(attempts=PasswordReset.attempts + 1).execution_options(synchronize_session=False))
        return None
    return reset


def complete_code(reset: PasswordReset, password: str, now: datetime) -> User:
    """Set ``password`` through a code :func:`check_code` accepted; ends every session."""
    return _complete(reset, password, now)
