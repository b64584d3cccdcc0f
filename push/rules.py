"""The push protocol's rules, plain functions: secrets, signatures, back-off, digests, events.

docs/sync.md ("推送 / Push") is the same protocol for the receiving side; docs/push_receiver.py
checks what :func:`signature` makes.
"""
import base64
import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta

from core.tz import CHINA

SIGNATURE_HEADER = "X-Zhixin-Signature"
TIMESTAMP_HEADER = "X-Zhixin-Timestamp"
CONTENT_TYPE = "application/cloudevents+json"
REPLAY_TOLERANCE_SECONDS = 300  # what a receiver should accept either side of its clock
EVENT_TYPES = {"recorded": "cn.zhixin.credit.recorded", "updated": "cn.zhixin.credit.updated",
               "test": "cn.zhixin.push.test"}


def derive_secret(app_key: str, salt: str) -> str:
    """The endpoint secret for ``salt``: HMAC-SHA256 of the salt under a key made from the app's
    secret key. Only the salt is stored, so the database alone cannot sign."""
    key = hmac.new(app_key.encode(), b"push.endpoint-secret", hashlib.sha256).digest()
    return "zxp_" + base64.urlsafe_b64encode(hmac.new(key, salt.encode(), hashlib.sha256).digest()).decode().rstrip("=")


def fingerprint(secret: str) -> str:
    """What names a secret on screen: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 under ``secret`` of ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def headers_for(secret: str, body: bytes, now: datetime) -> dict[str, str]:
    """The request headers of one delivery made at ``now``."""
    timestamp = int(now.timestamp())
    return {"Content-Type": CONTENT_TYPE, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret, timestamp, body)}


def retry_delay(attempts: int, base_seconds: float, cap_seconds: float) -> timedelta:
    """How long to wait after the ``attempts``-th failure (1, 2, …): base, 2·base, 4·base, …, capped."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** min(max(attempts - 1, 0), 30)))


def china_day(moment: datetime) -> date:
    """The China calendar day of ``moment``: the day an event counts for in the digests."""
    return moment.astimezone(CHINA).date()


def digest(event_ids) -> dict:
    """A day's digest: how many events, and the SHA-256 (hex) of their ids sorted and joined by "\\n"."""
    ids = sorted(event_ids)
    return {"count": len(ids), "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest()}


def cloud_event(event_id: str, kind: str, source: str, subject: str, time: datetime, data: dict) -> bytes:
    """The CloudEvents 1.0 message (structured mode, JSON) of one ledger change."""
    return json.dumps({
        "specversion": "1.0", "id": event_id, "source": source, "type": EVENT_TYPES[kind],
        "subject": subject, "time": time.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json", "data": data,
    }, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def is_delivered(status: int | None) -> bool:
    """Only a 2xx answer acknowledges an event."""
    return status is not None and 200 <= status < 300
