"""Passwords set for someone: a one-time password from an administrator, or a new password
after a reset. Both end the user's other sessions. Flush only; the caller commits.

One-time passwords: 12 characters of an alphabet without look-alikes (no 0/o, 1/l/i), in
groups of four: about 59 random bits. A secret that strong needs no slow hash (a unit's
import makes 2,000 at once, and scrypt's would take minutes); the password the person then
chooses gets the default one.
"""
import secrets
from datetime import datetime

from werkzeug.security import generate_password_hash

from accounts import audit
from accounts.models import User
from accounts.sessions import end_sessions
from core.extensions import db

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
OTP_HASH = "pbkdf2:sha256:20000"


def one_time_password() -> str:
    """``k7mp-3xqa-9rtn``: readable aloud, typed once, then replaced."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def reset_to_one_time(person: User, actor: User, now: datetime, **details) -> str:
    """Give ``person`` a fresh one-time password to be changed at the next sign-in, end their
    sessions, audit ``password_reset_by_admin`` (``details`` say by whom: unit, region) and
    return the password, which the caller shows once and never stores."""
    password = one_time_password()
    person.password_hash = generate_password_hash(password, method=OTP_HASH)
    person.must_change_password = True
    end_sessions(person, now)
    audit.record("password_reset_by_admin", target=f"user:{person.id}", actor=actor,
                 id_number=person.masked_id_number, **details)
    return password


def set_new_password(person: User, password: str, now: datetime, channel: str) -> None:
    """``person`` proved who they are by ``channel`` ("email" or "sms"): set ``password`` (already
    checked by validators.clean_password), end every session and audit ``password_reset``."""
    person.password_hash = generate_password_hash(password)
    person.must_change_password = False
    db.session.flush()
    end_sessions(person, now)
    audit.record("password_reset", target=f"user:{person.id}", actor=person, channel=channel)
