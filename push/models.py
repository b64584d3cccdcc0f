"""Push with acknowledgement: the endpoints a bureau registers, the outbox of ledger events for
each, and every delivery attempt.

An endpoint's HMAC secret is never stored: the row keeps a random ``secret_salt`` and the
secret is derived from it with the app's secret key (push.rules.derive_secret), so a copy of
the database alone cannot sign a message; ``secret_fingerprint`` (a SHA-256 prefix of the
secret) names it on screen and tells when the app key changed under it.
"""
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

PROFILES = ("zhixin", "hr")
KINDS = ("recorded", "updated")
_ID = BigInteger().with_variant(Integer, "sqlite")


class PushEndpoint(db.Model):
    """A receiver of a region's ledger events (its region and everything inside it)."""

    __tablename__ = "push_endpoints"
    __table_args__ = (CheckConstraint(f"profile IN {PROFILES}", name="profile"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # The export vocabulary of the event data (bureau.export_profiles): "zhixin" or "hr".
    profile: Mapped[str] = mapped_column(String(8), default="zhixin", server_default="zhixin")
    secret_salt: Mapped[str] = mapped_column(String(64))
    secret_fingerprint: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    secret_rotated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last signature test (push.delivery.probe): a message signed with a wrong key that the
    # receiver must refuse. "refused" is right; "accepted" means it checks no signature.
    probe_result: Mapped[str] = mapped_column(String(16), default="", server_default="")
    probe_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()


class PushEvent(db.Model):
    """One ledger change for one endpoint: written in the transaction of the change (the
    outbox), sent until a receiver answers 2xx. ``body`` is the message, frozen when first sent,
    so every retry sends the same event. ``lease_until``/``lease_token``: a worker sending it."""

    __tablename__ = "push_events"
    __table_args__ = (
        Index("ix_push_events_trainee", "endpoint_id", "user_id", "id"),
        Index("ix_push_events_due", "endpoint_id", "delivered_at", "next_attempt_at"),
        Index("ix_push_events_day", "endpoint_id", "day"),
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("push_endpoints.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("credit_records.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date] = mapped_column(Date)  # created_at's China calendar day: the digest's day
    body: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class PushAttempt(db.Model):
    """One try at sending an event: the status a receiver answered (None: no answer) or why not."""

    __tablename__ = "push_attempts"
    __table_args__ = (Index("ix_push_attempts_endpoint_at", "endpoint_id", "at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("push_endpoints.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("push_events.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
