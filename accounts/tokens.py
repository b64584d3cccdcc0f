"""API tokens: generated once, shown once, kept only as a SHA-256 digest."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from accounts.models import ApiToken, User
from core.extensions import db

PREFIX = "zx_"
_TOUCH_EVERY = timedelta(minutes=1)
# Built once: every Bearer call runs it, and a statement object remembers its cache key.
_LIVE_TOKEN = (select(ApiToken).options(joinedload(ApiToken.user))
               .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None)))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mint() -> tuple[str, str, str]:
    """A new token: ``(plain, digest, prefix)``. Keep only the digest and the prefix (shown to
    tell tokens apart); the plain token is shown once. Partner tokens are minted here too."""
    plain = PREFIX + secrets.token_urlsafe(32)
    return plain, hash_token(plain), plain[:10]


def issue_token(user: User, name: str, now: datetime, region_code: str | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the plain token (never stored)."""
    plain, digest, prefix = mint()
    row = ApiToken(
        user=user, name=name, token_hash=digest, prefix=prefix,
        region_code=region_code, created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row, plain


def token_for(plain: str, now: datetime) -> ApiToken | None:
    """The live token ``plain`` of an active owner (loaded with it), recording its use at most once
    a minute; ``row.last_used_at == now`` tells that this call recorded it."""
    row = db.session.scalar(_LIVE_TOKEN, {"digest": hash_token(plain)})
    if row is None or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return row


def user_for_token(plain: str, now: datetime) -> User | None:
    """The active owner of a live token (see token_for)."""
    row = token_for(plain, now)
    return row.user if row is not None else None


def revoke_token(row: ApiToken, now: datetime) -> None:
    if row.revoked_at is None:
        row.revoked_at = now
        db.session.flush()
