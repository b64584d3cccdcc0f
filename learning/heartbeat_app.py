"""The heartbeat call as a small WSGI app mounted beside Flask (issue 16).

``POST /api/v1/sessions/<id>/heartbeats`` is most of the site's traffic: every viewer, every
15 seconds. Through Flask it paid for a request context, the cookie session, Flask-Login's
user (or an API token's hash and row), CSRF, rate limits and the ORM: 5–9 ms of CPU for a
few milliseconds of database work. Here it pays for an app context (the database session,
settings, translations), one HMAC (learning.watch_token) and learning.heartbeats. Everything
else still goes to Flask: :func:`mount` hands over any other path, and session ids no session
can have, which Flask answers 404 (learning.watch_api).

What Flask would have added and the call needs is done here: the v1 error shape and Chinese
(or, by the ``lang`` cookie, English) messages, the overload refusal of core.overload, JSON
nested too deeply or holding NUL refused like bad JSON (core.inputs), the body size limit.
No CSRF token is needed: the watch token travels in a header, which no other site's page can set.
"""
import re
import time
from contextlib import nullcontext

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.http import HTTP_STATUS_CODES

from core import overload
from core.extensions import db
from core.http import ApiError
from learning import heartbeats, watch_token

PATH = re.compile(r"/api/v1/sessions/([0-9A-Za-z_-]{1,64})/heartbeats")
_EN = re.compile(r"(?:^|;)\s*lang=en(?:;|$)")


def mount(app: Flask):
    """``app.wsgi_app`` with heartbeats taken by :class:`HeartbeatApp`."""
    flask_app, lean = app.wsgi_app, HeartbeatApp(app)

    def dispatch(environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            found = PATH.fullmatch(environ.get("PATH_INFO", ""))
            if found:
                return lean(environ, start_response, found.group(1))
        return flask_app(environ, start_response)

    return dispatch


class HeartbeatApp:
    """Answers heartbeats: JSON in, JSON out, one transaction (learning.heartbeats)."""

    def __init__(self, app: Flask):
        self.app = app
        self.key = watch_token.key_from(app.config["SECRET_KEY"])
        self.max_wait = float(app.config["MAX_QUEUE_SECONDS"])
        self.max_bytes = int(app.config["HEARTBEAT_MAX_BYTES"])

    def __call__(self, environ, start_response, session_id: str):
        locale = "en" if _EN.search(environ.get("HTTP_COOKIE", "")) else self.app.config["BABEL_DEFAULT_LOCALE"]
        with self._context(), (force_locale(locale) if locale == "en" else nullcontext()):
            status, body, headers = self._outcome(environ, session_id, locale)
            payload = current_app.json.dumps(body).encode()
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, '')}", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), *headers.items()])
        return [payload]

    def _outcome(self, environ, session_id: str, locale: str) -> tuple[int, dict, dict]:
        """Status, JSON body and extra headers; a refusal or failure rolls back what it had not committed."""
        try:
            return 200, self._answer(environ, session_id, locale), {}
        except ApiError as refused:
            db.session.rollback()
            return refused.status, {"error": {"code": refused.code, "message": refused.message}}, refused.headers
        except Exception:
            db.session.rollback()
            if self.app.testing or self.app.config["PROPAGATE_EXCEPTIONS"]:
                raise
            self.app.logger.exception("heartbeat failed")
            message = _("服务器出错了，我们已记录此问题，请稍后再试。")
            return 500, {"error": {"code": "internal_error", "message": message}}, {}

    def _context(self):
        """The app context Flask would use: the current one if it is this app's (tests), else a new one."""
        if has_app_context() and current_app._get_current_object() is self.app:
            return nullcontext()
        return self.app.app_context()

    def _answer(self, environ, session_id: str, locale: str) -> dict:
        late = overload.refusal(environ.get(overload.ENVIRON_KEY), self.max_wait, time.time())
        if late is not None:
            raise late
        granted = self._granted(environ.get("HTTP_X_WATCH_TOKEN"))
        ip = environ.get("REMOTE_ADDR") or ""
        if granted.session_id != session_id:
            heartbeats.refuse_foreign(granted.user_id, session_id, ip)
        size = _content_length(environ)
        if size > self.max_bytes:
            heartbeats.refuse_oversized(granted.user_id, session_id, size, ip)
        return heartbeats.handle(granted.user_id, session_id, self._json(environ, size), ip, locale)

    def _granted(self, token: str | None) -> watch_token.WatchPass:
        try:
            return watch_token.verify(self.key, token, heartbeats.utcnow().timestamp())  # the heartbeat's clock
        except watch_token.TokenError as refused:
            if refused.reason == "expired":
                raise ApiError(410, "session_expired", _("观看会话已过期，请刷新页面后继续学习。")) from None
            raise ApiError(401, "unauthorized", _("观看凭证无效，请刷新页面后继续学习。")) from None

    def _json(self, environ, size: int):
        """The body as JSON, or None (no body, not JSON, nested too deeply, a NUL)."""
        raw = environ["wsgi.input"].read(size) if size else b""
        try:
            return self.app.json.loads(raw) if raw else None
        except ValueError:
            return None


def _content_length(environ) -> int:
    try:
        return max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0
