"""Language choice: Simplified Chinese by default, English on request (a cookie)."""
from flask import Blueprint, current_app, has_request_context, redirect, request
from flask_babel import get_locale

from core.http import safe_next

bp = Blueprint("i18n", __name__)

COOKIE = "lang"


def select_locale() -> str:
    """The cookie's language; outside a request (CLI, worker) the default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = request.cookies.get(COOKIE, "")
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/lang/<code>")
def switch(code: str):
    """Remember the language for a year and go back to the page the switch was used on."""
    response = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def localized(zh: str, en: str) -> str:
    """Pick the Chinese or English form of a name stored in both."""
    return en if str(get_locale()) == "en" and en else zh


def init_app(app):
    """Template helpers: ``get_locale()`` and ``localized(zh, en)``."""
    app.jinja_env.globals.update(get_locale=get_locale, localized=localized)
