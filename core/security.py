"""Headers every response carries, and the CSRF check for every unsafe request."""
from flask import current_app, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from core.extensions import csrf

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def has_bearer_token() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def csrf_free(view):
    """Mark a view that acts on no one's authority (anonymous calls such as 忘记密码's, whose
    proof is in the body: a link token, an SMS code), so a script may call it without first
    fetching a page for a CSRF token. Such a view must not read the session's user."""
    view.csrf_free = True
    return view


def check_csrf():
    """Every unsafe request carries the CSRF token, unless it authenticates with a Bearer token.

    A Bearer call carries no cookie-borne authority, so there is nothing to forge. A request
    that matched no view is left to its 404/405.
    """
    if (not current_app.config["WTF_CSRF_ENABLED"] or request.method in _SAFE_METHODS
            or request.endpoint is None or has_bearer_token()
            or getattr(current_app.view_functions.get(request.endpoint), "csrf_free", False)):
        return
    if request.mimetype in _FORM_TYPES:
        csrf.protect()
        return
    # JSON calls and upload chunks carry the token in a header. Reading request.form here
    # would read (and size-limit) a body that is not a form.
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError as invalid:
        raise CSRFError(invalid.args[0]) from None


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def init_app(app):
    app.before_request(check_csrf)
    app.after_request(set_security_headers)
