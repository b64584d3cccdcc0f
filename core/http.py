"""Small request helpers shared by every room: JSON errors, safe redirects, client address."""
from urllib.parse import urlsplit

from flask import jsonify, request


class ApiError(Exception):
    """Raised by API views; answered as ``{"error": {"code", "message"}}`` with ``status``
    and ``headers`` (e.g. Retry-After on a 429)."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


class Refused(ApiError):
    """A request a service may not apply: ``status`` (403 out of scope, 404 no such thing — also
    another unit's —, 409 conflict, 422 invalid input), ``code``, a Chinese ``message`` and maybe
    the ``field`` at fault. API views let it through: it is answered like an :class:`ApiError`,
    with ``field``, after rolling back what the request had flushed. Pages catch it and show
    the message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(status, code, message)
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None):
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    response = jsonify(error=body)
    response.status_code = status
    return response


def wants_json() -> bool:
    """API paths always answer JSON; elsewhere only a client that prefers it gets JSON."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default``.

    Refuses absolute and scheme-relative URLs (``//evil``, ``/\\evil``) and anything with
    a scheme, so a crafted ``next`` cannot send a user elsewhere after logging in.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\t"):
        return default
    return target


def client_ip() -> str:
    """The peer address as seen by this process (a proxy in front sets it via ProxyFix)."""
    return request.remote_addr or ""
