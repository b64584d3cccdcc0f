"""The watch token: a capability for one watch session, so that heartbeats need no login.

Opening a session (a normal authenticated call) hands the player a token that names the
session, its trainee and an expiry, signed with a key derived from ``SECRET_KEY``. Each
heartbeat carries it (header ``X-Watch-Token``); the heartbeat path checks it with one HMAC
instead of loading the user through the cookie session or an API token (learning.heartbeat_app).
What the token cannot say — that the session is still open, the account still active — the
heartbeat reads with the session row it locks anyway. Plain functions: no app needed.
"""
import hashlib
import hmac
from dataclasses import dataclass

HEADER = "X-Watch-Token"
_CONTEXT = b"zhixin watch token v1"


class TokenError(ValueError):
    """The token is missing, malformed, forged (``invalid``) or past its expiry (``expired``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WatchPass:
    session_id: str
    user_id: int
    expires_at: int  # Unix seconds


def key_from(secret_key: str | bytes) -> bytes:
    """The signing key, derived so that a watch token is never a valid signature of anything else."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(secret, _CONTEXT, hashlib.sha256).digest()


def _signature(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]


def issue(key: bytes, session_id: str, user_id: int, expires_at: int) -> str:
    """``<session>.<user>.<expiry>.<signature>`` (128 bits of HMAC-SHA256)."""
    body = f"{session_id}.{user_id}.{expires_at}"
    return f"{body}.{_signature(key, body)}"


def verify(key: bytes, token: str | None, now: float) -> WatchPass:
    """The pass a genuine, unexpired ``token`` grants at ``now`` (Unix seconds).

    Raises :class:`TokenError` ``invalid`` for anything not signed by ``key`` (checked before
    the expiry, so a forger learns nothing from the answer) and ``expired`` past the expiry.
    """
    parts = (token or "").split(".")
    if len(parts) != 4 or len(token) > 200:
        raise TokenError("invalid")
    session_id, user_id, expires_at, signature = parts
    if not hmac.compare_digest(signature, _signature(key, f"{session_id}.{user_id}.{expires_at}")):
        raise TokenError("invalid")
    if not (user_id.isdigit() and expires_at.isdigit()):
        raise TokenError("invalid")
    if int(expires_at) <= now:
        raise TokenError("expired")
    return WatchPass(session_id, int(user_id), int(expires_at))
