"""The unit (工作单位) table, and trainees' links to their unit."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

LINK_STATUSES = ("pending", "confirmed", "rejected", "ended")
CURRENT = ("pending", "confirmed")


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "credit_code": self.credit_code,
                "region_code": self.region_code, "address": self.address, "active": self.active}


class UnitLink(db.Model):
    """A trainee's link to a unit: ``pending`` until the unit's administrator confirms or
    rejects it (with a reason). A trainee has at most one current link (pending or
    confirmed); choosing another unit ends it. Rows are kept: they are the history."""

    __tablename__ = "unit_links"
    __table_args__ = (
        Index("uq_unit_links_current", "user_id", unique=True,
              sqlite_where=text("status IN ('pending', 'confirmed')"),
              postgresql_where=text("status IN ('pending', 'confirmed')")),
        Index("ix_unit_links_unit_status", "unit_id", "status"),
        CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'ended')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
