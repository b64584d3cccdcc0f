"""API tokens: generated once, shown once, kept only as a SHA-256 digest."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from accounts.models import ApiToken, User
from core.extensions import db

PREFIX = "zx_"
_TOUCH_EVERY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str, now: datetime, region_code: str | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the plain token (never stored)."""
    plain = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user, name=name, token_hash=hash_token(plain), prefix=plain[:10],
        region_code=region_code, created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row, plain


def token_for(plain: str, now: datetime) -> ApiToken | None:
    """The live token ``plain`` of an active owner, recording its use at most once a minute."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plain), ApiToken.revoked_at.is_(None))
    )
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
