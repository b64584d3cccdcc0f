"""``/api/v1/me``: who the caller is, by session cookie or Bearer token, and the owner's own
changes (accounts.contact): 职称 (PATCH /me), phone and e-mail after the password."""
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from accounts import contact
from accounts.access import login_required
from accounts.validators import mask_phone
from core.extensions import db, limiter
from core.http import Refused

bp = Blueprint("account_api", __name__, url_prefix="/api/v1")


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/me")
@login_required
def me():
    """The caller's own profile; the ID number and phone are masked even here (tokens leak)."""
    user = current_user
    response = jsonify(
        id=user.id,
        role=user.role,
        real_name=user.real_name,
        id_number=user.masked_id_number,
        phone=mask_phone(user.phone),
        has_email=bool(user.email),
        employer=user.employer,
        title=user.title,
        region_code=user.region_code,
        organisation=user.organisation,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refused(400, "invalid_json", _("请求体应为 JSON 对象。"))
    return body


def _text(body: dict, name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) else None


def _change(change):
    """Apply ``change`` to the caller and answer with the profile; a refusal is 422 (403 for a
    wrong password, 409 for a phone another account holds)."""
    try:
        change(current_user._get_current_object())
        db.session.commit()
    except contact.ContactError as e:
        status = {"wrong_password": 403, "phone_taken": 409}.get(e.code, 422)
        raise Refused(status, e.code, str(e), "password" if e.field == "current" else e.field) from None
    except IntegrityError:
        raise Refused(409, "phone_taken", contact.phone_taken_message(), "phone") from None
    return me()


@bp.patch("/me")
@login_required
def update_me():
    """Change 职称 (``title``; empty clears it)."""
    body = _body()
    return _change(lambda user: contact.change_title(user, _text(body, "title")))


@bp.put("/me/phone")
@limiter.limit(_limit)
@login_required
def update_phone():
    """Change the sign-in phone number: ``{"phone", "password"}``."""
    body = _body()
    return _change(lambda user: contact.change_phone(user, _text(body, "password"), _text(body, "phone")))


@bp.put("/me/email")
@limiter.limit(_limit)
@login_required
def update_email():
    """Set or clear (``""``) the e-mail address: ``{"email", "password"}``."""
    body = _body()
    return _change(lambda user: contact.change_email(user, _text(body, "password"), _text(body, "email")))
