"""忘记密码 in the v1 API, for apps: the same steps as the pages (recovery.forgot), JSON in and
out, anonymous and CSRF-free (core.security.csrf_free: the proof is the token or code in the
body). Asking for a link or code answers 202 whether or not the account exists."""
from flask import Blueprint, current_app, request
from flask_babel import gettext as _

from accounts.users import normalize_identifier
from accounts.validators import FieldError, clean_password, clean_phone
from core.db import utcnow
from core.extensions import db, limiter
from core.http import ApiError, Refused, client_ip
from core.security import csrf_free
from recovery import delivery, limits, service

bp = Blueprint("forgot_api", __name__, url_prefix="/api/v1/password")


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _field(body: dict, name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""


def _password(body: dict) -> str:
    try:
        return clean_password(_field(body, "password"))
    except FieldError as e:
        raise Refused(422, "invalid_password", str(e), "password") from None


def _phone(body: dict) -> str:
    try:
        return clean_phone(_field(body, "phone"))
    except FieldError as e:
        raise Refused(422, "invalid_phone", str(e), "phone") from None


def _sms_on() -> None:
    if not current_app.config.get("SMS_PROVIDER"):
        raise ApiError(404, "sms_off", _("本平台未开通短信找回密码。"))




@bp.post("/forgot")
@csrf_free
@limiter.limit(limits.address_limit)
@limiter.limit(limits.address_limit, key_func=limits.identifier_key)
def forgot():
    """Mail a reset link to the account's e-mail address, if there is one (202 in every case)."""
    identifier = normalize_identifier(_field(_body(), "identifier"))
    if not identifier or len(identifier) > 32:
        raise Refused(422, "invalid_identifier", _("请填写身份证号或手机号。"), "identifier")
    started = service.start_by_email(identifier, utcnow(), client_ip())
    if started is not None:
        delivery.send_after_commit("email", started.user.email, started.secret, started.user.real_name)
    db.session.commit()
    return {"ok": True}, 202


@bp.post("/reset")
@csrf_free
@limiter.limit(limits.address_limit)
def reset():
    """Set a new password with a mailed link's token; the link is spent and every session ended."""
    body = _body()
    password = _password(body)
    service.complete_link(_field(body, "token")[:512], password, utcnow())
    db.session.commit()
    return {"ok": True}


@bp.post("/sms")
@csrf_free
@limiter.limit(limits.sms_address_limit)
@limiter.limit(limits.sms_phone_limit, key_func=limits.phone_key)
def sms():
    """Text a code to the phone, if it is an account's (202 in every case)."""
    _sms_on()
    phone = _phone(_body())
    started = service.start_by_sms(phone, utcnow(), client_ip())
    if started is not None:
        delivery.send_after_commit("sms", started.user.phone, started.secret, started.user.real_name)
    db.session.commit()
    return {"ok": True}, 202


@bp.post("/sms/reset")
@csrf_free
@limiter.limit(limits.address_limit)
def sms_reset():
    """Set a new password with the phone's code; a wrong code counts against it."""
    _sms_on()
    body = _body()
    phone, password, now = _phone(body), _password(body), utcnow()
    found = service.check_code(phone, _field(body, "code")[:12], now)
    if found is None:
        db.session.commit()  # the wrong guess counts
        raise service.code_refused()
    service.complete_code(found, password, now)
    db.session.commit()
    return {"ok": True}
