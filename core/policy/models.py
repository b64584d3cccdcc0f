"""Stored rule sets: one row per version of a region prefix's rules (core.policy.rulebook)."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import db


class RuleSetVersion(db.Model):
    """The rules of the regions under ``prefix`` ("" national) from ``effective_from`` on.

    ``rules`` is the JSON form of core.policy.ruledata without prefix and date, which are columns.
    """

    __tablename__ = "rule_sets"
    __table_args__ = (UniqueConstraint("prefix", "effective_from", name="uq_rule_sets_prefix_effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(6), default="", index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
