"""bp "i18n": the language switch, ``/lang/<code>`` (core.language reads the cookie it sets)."""
from flask import Blueprint, current_app, redirect, request

from core.http import safe_next
from core.language import COOKIE

bp = Blueprint("i18n", __name__)


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the language for a year and go back to the page the switch was used on."""
    response = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
