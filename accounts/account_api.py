"""``/api/v1/me``: who the caller is, by session cookie or Bearer token."""
from flask import Blueprint, jsonify
from flask_login import current_user

from accounts.access import login_required
from accounts.validators import mask_phone

bp = Blueprint("account_api", __name__, url_prefix="/api/v1")


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
        employer=user.employer,
        title=user.title,
        region_code=user.region_code,
        organisation=user.organisation,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
