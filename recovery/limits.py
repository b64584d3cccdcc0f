"""Rate limits of the recovery calls (Flask-Limiter, as signing in): per client address, and
per account asked for (a digest of the identifier or phone, never the value itself), so
that neither one address nor many can flood one person's inbox or phone."""
import hashlib

from flask import current_app, request

from accounts.users import normalize_identifier
from accounts.validators import FieldError, clean_phone


def _typed(name: str) -> str:
    """A field of the form or of a JSON body."""
    body = request.get_json(silent=True) if request.is_json else None
    value = body.get(name) if isinstance(body, dict) else request.form.get(name)
    return value if isinstance(value, str) else ""


def _digest(kind: str, value: str) -> str:
    return f"{kind}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def address_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def sms_phone_limit() -> str:
    return current_app.config["SMS_PHONE_RATE_LIMIT"]


def sms_address_limit() -> str:
    return current_app.config["SMS_IP_RATE_LIMIT"]


def identifier_key() -> str:
    return _digest("reset-id", normalize_identifier(_typed("identifier")))


def phone_key() -> str:
    try:
        phone = clean_phone(_typed("phone"))
    except FieldError:
        phone = ""  # refused by the form anyway; one shared bucket for nonsense
    return _digest("sms-phone", phone)
