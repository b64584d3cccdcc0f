"""The page's language: Simplified Chinese by default, English when the ``lang`` cookie asks
(set by the i18n blueprint), and names stored in both languages."""
from flask import current_app, has_request_context, request
from flask_babel import get_locale

COOKIE = "lang"


def select_locale() -> str:
    """The cookie's language; outside a request (CLI, worker) the default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = request.cookies.get(COOKIE, "")
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def localized(zh: str, en: str) -> str:
    """Pick the Chinese or English form of a name stored in both."""
    return en if str(get_locale()) == "en" and en else zh


def init_app(app):
    """Template helpers: ``get_locale()`` and ``localized(zh, en)``."""
    app.jinja_env.globals.update(get_locale=get_locale, localized=localized)
