"""One row per recovery asked for: a link mailed, or a code sent by SMS."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import db


class PasswordReset(db.Model):
    """A link's or a code's state. Only an HMAC of its secret is kept (recovery.rules.digest):
    the link and the code exist in the message alone. Used once (``used_at``), or never after
    ``expires_at``; a code allows ``attempts`` wrong guesses up to SMS_CODE_ATTEMPTS."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ip: Mapped[str] = mapped_column(String(45), default="")
