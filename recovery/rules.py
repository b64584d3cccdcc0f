"""The recovery's rules as plain functions: secrets, their digests, the signed link token, and
whether a link or code may still be used at ``now``. No app needed.

A link's token is ``[reset id, nonce]`` signed with the app's secret key (itsdangerous); the
row keeps an HMAC of the nonce, so neither a database dump nor a forged id yields a usable
link. A code is six digits; its HMAC under the secret key is kept, so a dump does not give it
away by trying all million.
"""
import hashlib
import hmac
import secrets
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "password-reset"
CODE_DIGITS = 6


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def digest(key: str, secret: str) -> str:
    """HMAC-SHA256 of ``secret`` under the app's secret ``key``, hex."""
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def matches(key: str, secret: str, stored: str) -> bool:
    return hmac.compare_digest(digest(key, secret), stored)


def link_token(key: str, reset_id: int, nonce: str) -> str:
    return URLSafeSerializer(key, salt=SALT).dumps([reset_id, nonce])


def read_token(key: str, token: str) -> tuple[int, str] | None:
    """The (reset id, nonce) a token signed with ``key`` holds; None when forged or garbled."""
    try:
        value = URLSafeSerializer(key, salt=SALT).loads(token)
    except BadSignature:
        return None
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], int)
            or isinstance(value[0], bool) or not isinstance(value[1], str)):
        return None
    return value[0], value[1]


def refusal(used_at: datetime | None, expires_at: datetime, attempts: int, max_attempts: int,
            now: datetime) -> str | None:
    """Why a link or code may not be used now: ``used``, ``expired``, ``attempts``; else None."""
    if used_at is not None:
        return "used"
    if now >= expires_at:
        return "expired"
    if attempts >= max_attempts:
        return "attempts"
    return None
