"""Partner platforms (合作平台) accredited by a region's bureau, their API tokens (only the
SHA-256 is kept, as accounts.tokens does for personal tokens) and the completions they report.

A report is written once per partner and idempotency key and once per partner and certificate
number (unique indexes), and becomes exactly one ledger row of basis ``partner`` whose
``source_id`` is the report's id (learning.entries.add_entry)."""
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Partner(db.Model):
    """An accredited platform: the region whose bureau accredited it (its officers manage it),
    the subject types it may report (comma-separated), how many 学时 it may report per trainee
    and credit year, and the dates its accreditation holds (both included)."""

    __tablename__ = "partners"
    __table_args__ = (
        CheckConstraint("accredited_until >= accredited_from", name="dates"),
        CheckConstraint("hours_per_year_tenths > 0", name="hours"),
        Index("ix_partners_region", "region_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    subject_types: Mapped[str] = mapped_column(String(32))
    hours_per_year_tenths: Mapped[int] = mapped_column(Integer)
    accredited_from: Mapped[date] = mapped_column(Date)
    accredited_until: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens: Mapped[list["PartnerToken"]] = relationship(back_populates="partner", order_by="PartnerToken.id.desc()")

    @property
    def types(self) -> list[str]:
        return [kind for kind in self.subject_types.split(",") if kind]

    @property
    def hours_per_year(self) -> float:
        return self.hours_per_year_tenths / 10


class PartnerToken(db.Model):
    """A partner's API token; only its SHA-256 is kept (accounts.tokens.mint)."""

    __tablename__ = "partner_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship(back_populates="tokens")


class PartnerReport(db.Model):
    """One completion a partner reported for a trainee, as it was accepted, with the
    idempotency key and the SHA-256 of the body it came with (a replay is answered again)."""

    __tablename__ = "partner_reports"
    __table_args__ = (
        UniqueConstraint("partner_id", "idempotency_key", name="uq_partner_reports_key"),
        UniqueConstraint("partner_id", "certificate_number", name="uq_partner_reports_certificate"),
        Index("ix_partner_reports_user_year", "user_id", "year"),
        CheckConstraint("hours_tenths > 0", name="hours"),
        CheckConstraint("end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    body_sha256: Mapped[str] = mapped_column(String(64))
    certificate_number: Mapped[str] = mapped_column(String(64))
    course_title: Mapped[str] = mapped_column(String(200))
    subject_type: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    hours_tenths: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("credit_records.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
    user: Mapped[User] = relationship()
