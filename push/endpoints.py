"""Endpoints: registered, their secret rotated, disabled, retried by hand; what the pages show;
the daily digest and reconciliation. Flushes only; the page, call or command commits.

A secret is shown once: :func:`register` and :func:`rotate` return it beside the row, which
keeps only the salt it is derived from (push.rules.derive_secret) and its fingerprint.
"""
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from accounts.models import User
from accounts.regions import is_region_code
from core.extensions import db
from push import rules
from push.models import PROFILES, PushAttempt, PushEndpoint, PushEvent

RECENT_ATTEMPTS = 20


class Refused(ValueError):
    """Input no endpoint may be made of; ``message`` says why, for the person who typed it."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class EndpointInput:
    name: str
    region_code: str
    url: str
    profile: str = "zhixin"


@dataclass(frozen=True)
class Health:
    """What the bureau page shows of an endpoint's outbox."""

    undelivered: int
    oldest_undelivered_at: datetime | None
    last_error: str
    delivered: int


def check(data: EndpointInput) -> EndpointInput:
    """``data`` cleaned, or :class:`Refused` naming the field."""
    name, url = data.name.strip(), data.url.strip()
    if not name or len(name) > 100:
        raise Refused(_("请填写名称（不超过100个字）。"), "name")
    if not is_region_code(data.region_code or ""):
        raise Refused(_("地区代码应为6位行政区划代码。"), "region_code")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500 or parts.fragment:
        raise Refused(_("接收地址应为 http:// 或 https:// 开头的完整网址。"), "url")
    if data.profile not in PROFILES:
        raise Refused(_("字段方案应为 %(choices)s 之一。", choices=", ".join(PROFILES)), "profile")
    return EndpointInput(name, data.region_code, url, data.profile)


def _new_secret() -> tuple[str, str]:
    salt = secrets.token_hex(32)
    return salt, rules.derive_secret(current_app.config["SECRET_KEY"], salt)


def register(data: EndpointInput, by: User | None, now: datetime) -> tuple[PushEndpoint, str]:
    """A new active endpoint; returns it and its secret (shown once). The caller checked scope."""
    data = check(data)
    salt, secret = _new_secret()
    endpoint = PushEndpoint(name=data.name, region_code=data.region_code, url=data.url, profile=data.profile,
                            secret_salt=salt, secret_fingerprint=rules.fingerprint(secret), active=True,
                            created_by_id=by.id if by is not None else None, created_at=now,
                            secret_rotated_at=now)
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def rotate(endpoint: PushEndpoint, now: datetime) -> str:
    """A new secret for ``endpoint`` (returned, shown once); the old one signs nothing more."""
    endpoint.secret_salt, secret = _new_secret()
    endpoint.secret_fingerprint = rules.fingerprint(secret)
    endpoint.secret_rotated_at = now
    db.session.flush()
    return secret


def disable(endpoint: PushEndpoint) -> None:
    """Stop writing and sending events for ``endpoint``; what it has already is kept."""
    endpoint.active = False
    db.session.flush()


def retry_now(endpoint: PushEndpoint, now: datetime) -> int:
    """Make every undelivered event of ``endpoint`` due now; returns how many."""
    return db.session.execute(
        update(PushEvent).where(PushEvent.endpoint_id == endpoint.id, PushEvent.delivered_at.is_(None))
        .values(next_attempt_at=now).execution_options(synchronize_session=False)).rowcount


def health(endpoint_id: int) -> Health:
    undelivered = (PushEvent.endpoint_id == endpoint_id) & PushEvent.delivered_at.is_(None)
    count, oldest = db.session.execute(select(func.count(PushEvent.id), func.min(PushEvent.created_at))
                                       .where(undelivered)).one()
    last_error = db.session.scalar(select(PushEvent.last_error).where(undelivered, PushEvent.last_error != "")
                                   .order_by(PushEvent.id).limit(1)) or ""
    delivered = db.session.scalar(select(func.count(PushEvent.id)).where(
        PushEvent.endpoint_id == endpoint_id, PushEvent.delivered_at.is_not(None)))
    if oldest is not None and oldest.tzinfo is None:  # func.min bypasses UTCDateTime on SQLite
        oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=UTC)
    return Health(count, oldest, last_error, delivered)


def recent_attempts(endpoint_id: int) -> list[tuple[PushAttempt, str]]:
    """The latest attempts, newest first, each with its event's id."""
    return db.session.execute(
        select(PushAttempt, PushEvent.event_id).join(PushEvent, PushEvent.id == PushAttempt.event_id)
        .where(PushAttempt.endpoint_id == endpoint_id)
        .order_by(PushAttempt.id.desc()).limit(RECENT_ATTEMPTS)).all()


def day_event_ids(endpoint_id: int, day: date) -> list[str]:
    return list(db.session.scalars(select(PushEvent.event_id)
                                   .where(PushEvent.endpoint_id == endpoint_id, PushEvent.day == day)))


def reconcile(endpoint_id: int, day: date, theirs: set[str], now: datetime) -> tuple[list[str], list[str]]:
    """Compare the receiver's ids of ``day`` with ours: the ids it lacks are made undelivered and
    due now (sent again, in order per trainee); returns (missing, unknown to us)."""
    ours = set(day_event_ids(endpoint_id, day))
    missing, unknown = sorted(ours - theirs), sorted(theirs - ours)
    if missing:
        db.session.execute(
            update(PushEvent).where(PushEvent.endpoint_id == endpoint_id, PushEvent.event_id.in_(missing))
            .values(delivered_at=None, next_attempt_at=now).execution_options(synchronize_session=False))
    return missing, unknown
