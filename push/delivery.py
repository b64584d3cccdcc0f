"""Sending an endpoint's outbox: claim an event under a lease, POST it, record the answer.

At least once, in order per trainee, never dropped:

- An event is *due* when it is undelivered, its ``next_attempt_at`` has come, no worker holds
  a live lease on it, and no earlier event of the same trainee for the endpoint is undelivered
  (so one trainee's events arrive in the order they were written; other trainees' go on).
- A worker claims a due event with one conditional UPDATE (lease free or expired → its token
  and ``lease_until``) and commits before sending: on PostgreSQL and SQLite alike exactly one
  worker wins. It then POSTs with a timeout, and records the answer only while it still holds
  the lease (same token). A worker killed mid-send leaves the lease to expire; the event is then
  due again and sent again: the receiver deduplicates by the CloudEvents ``id``.
- Only a 2xx marks an event delivered. Anything else (another status, a refused connection, a
  timeout, a hang-up) counts an attempt and waits rules.retry_delay: exponential, capped.
  Nothing is ever given up: a receiver down for a day gets everything when it is back.

Everything here runs in sessions of its own (the caller may be a commit hook) and commits.
"""
import http.client
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, exists, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from accounts.models import User
from accounts.regions import is_region_code
from bureau import export_profiles
from bureau.records import Filters, item, records_query
from bureau.scope import Scope
from core.db import utcnow
from core.extensions import db
from learning.models import CreditRecord
from push import rules
from push.models import PushAttempt, PushEndpoint, PushEvent

BATCH = 50
MAX_ERROR = 500


@dataclass(frozen=True)
class Settings:
    timeout: float
    lease: timedelta
    base: float
    cap: float
    source: str

    @classmethod
    def from_config(cls) -> "Settings":
        config = current_app.config
        timeout = float(config["PUSH_TIMEOUT_SECONDS"])
        return cls(timeout, timedelta(seconds=2 * timeout + 30), float(config["PUSH_RETRY_BASE_SECONDS"]),
                   float(config["PUSH_RETRY_CAP_SECONDS"]), config.get("SITE_URL") or "urn:zhixin")


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str


def due_events(endpoint_id: int, now: datetime):
    """The statement of the endpoint's due events' ids, oldest first."""
    earlier = aliased(PushEvent)
    blocked = exists().where(earlier.endpoint_id == PushEvent.endpoint_id, earlier.user_id == PushEvent.user_id,
                             earlier.id < PushEvent.id, earlier.delivered_at.is_(None))
    return (select(PushEvent.id)
            .where(PushEvent.endpoint_id == endpoint_id, PushEvent.delivered_at.is_(None),
                   PushEvent.next_attempt_at <= now, or_(PushEvent.lease_until.is_(None), PushEvent.lease_until < now),
                   ~blocked)
            .order_by(PushEvent.id))


def claim(session: Session, event_id: int, now: datetime, lease: timedelta) -> str | None:
    """Take the lease on event ``event_id`` if it is free; commits. The lease token, or None."""
    token = secrets.token_hex(16)
    claimed = session.execute(
        update(PushEvent).where(PushEvent.id == event_id, PushEvent.delivered_at.is_(None),
                                or_(PushEvent.lease_until.is_(None), PushEvent.lease_until < now))
        .values(lease_until=now + lease, lease_token=token).execution_options(synchronize_session=False)).rowcount
    session.commit()
    return token if claimed == 1 else None


def message(session: Session, event: PushEvent, endpoint: PushEndpoint, source: str) -> bytes | None:
    """The event's CloudEvents message: frozen into ``body`` the first time it is built. None when
    the record cannot be read (it is tried again later)."""
    if event.body is None:
        # The trainee's own area: one who moved away since still has this event sent, as written.
        region = session.scalar(select(User.region_code).where(User.id == event.user_id))
        scope = Scope(region if region and is_region_code(region) else endpoint.region_code)
        row = session.execute(records_query(scope, Filters()).where(CreditRecord.id == event.record_id)).one_or_none()
        if row is None:
            return None
        event.body = rules.cloud_event(event.event_id, event.kind, source, f"credit-records/{event.record_id}",
                                       event.created_at, event_data(endpoint.profile, item(row))).decode()
    return event.body.encode()


def event_data(profile: str, record: dict) -> dict:
    """The ``data`` of an event: the record as the docking API serializes it (bureau.records.item),
    in the endpoint's export vocabulary. The one place the profile is applied."""
    return export_profiles.apply(export_profiles.DEFAULT if profile == "zhixin" else profile, record)


def post(url: str, body: bytes, headers: dict, timeout: float) -> Outcome:
    """POST ``body`` to ``url``; never follows redirects, never waits longer than ``timeout`` per step."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body, headers)
        response = connection.getresponse()
        response.read(65536)
        return Outcome(response.status, "" if rules.is_delivered(response.status) else f"HTTP {response.status}")
    except (OSError, http.client.HTTPException) as e:
        return Outcome(None, f"{type(e).__name__}: {e}"[:MAX_ERROR])
    finally:
        connection.close()


def record_outcome(session: Session, event_id: int, token: str, outcome: Outcome, now: datetime,
                   settings: Settings) -> bool:
    """Store the answer while the lease is still ``token``'s; commits. False: the lease was lost."""
    event = session.get(PushEvent, event_id, populate_existing=True)
    if event is None or event.lease_token != token:
        session.rollback()
        return False
    session.execute(insert(PushAttempt).values(endpoint_id=event.endpoint_id, event_id=event.id, at=now,
                                               status=outcome.status, error=outcome.error))
    event.lease_until, event.lease_token = None, None
    if rules.is_delivered(outcome.status):
        event.delivered_at, event.last_error = now, ""
    else:
        event.attempts += 1
        event.last_error = outcome.error
        event.next_attempt_at = now + rules.retry_delay(event.attempts, settings.base, settings.cap)
    session.commit()
    return True


def send_one(session: Session, endpoint: PushEndpoint, event_id: int, settings: Settings) -> Outcome | None:
    """Claim, build, POST and record event ``event_id``; None when another worker has it."""
    token = claim(session, event_id, utcnow(), settings.lease)
    if token is None:
        return None
    event = session.get(PushEvent, event_id, populate_existing=True)
    secret = rules.derive_secret(current_app.config["SECRET_KEY"], endpoint.secret_salt)
    body = message(session, event, endpoint, settings.source)
    session.commit()  # the frozen body, before anything leaves
    if body is None:
        outcome = Outcome(None, "record_unavailable: the credit record could not be read")
    elif rules.fingerprint(secret) != endpoint.secret_fingerprint:
        outcome = Outcome(None, "secret_changed: the app's secret key changed; rotate the endpoint's secret")
    else:
        outcome = post(endpoint.url, body, rules.headers_for(secret, body, utcnow()), settings.timeout)
    record_outcome(session, event_id, token, outcome, utcnow(), settings)
    return outcome


def deliver_endpoint(endpoint_id: int, limit: int = 1000) -> dict:
    """Send the endpoint's due events, oldest first, until none is due (or ``limit`` tries).

    Returns counts: ``delivered``, ``failed``. A trainee whose event failed waits for its retry;
    the others' events go on.
    """
    settings = Settings.from_config()
    counts = {"delivered": 0, "failed": 0}
    with Session(db.engine) as session:
        endpoint = session.get(PushEndpoint, endpoint_id)
        if endpoint is None or not endpoint.active:
            return counts
        while counts["delivered"] + counts["failed"] < limit:
            ids = session.scalars(due_events(endpoint_id, utcnow()).limit(BATCH)).all()
            session.commit()
            sent = [send_one(session, endpoint, event_id, settings) for event_id in ids]
            sent = [outcome for outcome in sent if outcome is not None]
            if not sent:
                return counts
            for outcome in sent:
                counts["delivered" if rules.is_delivered(outcome.status) else "failed"] += 1
    return counts


def probe(endpoint: PushEndpoint, now: datetime) -> str:
    """Send a test event signed with a wrong key: ``refused`` (4xx, as it should), ``accepted``
    (2xx: the receiver checks no signature), or ``unreachable`` (no answer or 5xx). Flushes."""
    settings = Settings.from_config()
    body = rules.cloud_event(f"test-{secrets.token_hex(8)}", "test", settings.source, "signature-test", now,
                             {"test": True})
    forged = rules.headers_for("zxp_" + secrets.token_urlsafe(32), body, now)
    outcome = post(endpoint.url, body, forged, settings.timeout)
    if rules.is_delivered(outcome.status):
        result = "accepted"
    else:
        result = "refused" if outcome.status is not None and 400 <= outcome.status < 500 else "unreachable"
    endpoint.probe_result, endpoint.probe_at = result, now
    db.session.flush()
    return result


def endpoints_with_due_events(now: datetime) -> list[int]:
    """Active endpoints that have an undelivered event whose time has come."""
    with Session(db.engine) as session:
        return list(session.scalars(
            select(PushEndpoint.id).where(PushEndpoint.active.is_(True), exists().where(and_(
                PushEvent.endpoint_id == PushEndpoint.id, PushEvent.delivered_at.is_(None),
                PushEvent.next_attempt_at <= now))).order_by(PushEndpoint.id)))

