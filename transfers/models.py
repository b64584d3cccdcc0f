"""Transfer requests (外省学时转入), the lines they claim and their evidence files."""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

# pending → accepted | rejected (the bureau), or withdrawn (the trainee, while pending).
STATUSES = ("pending", "accepted", "rejected", "withdrawn")


class TransferRequest(db.Model):
    __tablename__ = "transfer_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'withdrawn')", name="status"),
        Index("ix_transfer_requests_user_status", "user_id", "status"),
        Index("ix_transfer_requests_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The province the hours were earned in: its two-digit GB/T 2260 prefix.
    old_province: Mapped[str] = mapped_column(String(2))
    # A verify link or certificate number of another platform, as the trainee gave it.
    reference: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")  # a rejection's reason
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    lines: Mapped[list["TransferLine"]] = relationship(
        back_populates="request", order_by="(TransferLine.year, TransferLine.subject_type)",
        cascade="all, delete-orphan")
    files: Mapped[list["TransferFile"]] = relationship(
        back_populates="request", order_by="TransferFile.id", cascade="all, delete-orphan")

    @property
    def claimed_tenths(self) -> int:
        return sum(line.claimed_tenths for line in self.lines)


class TransferLine(db.Model):
    """One (year, subject type, hours) a request claims; once accepted, the ``source_id`` of
    its ledger row (basis ``transfer``), so each line is credited at most once."""

    __tablename__ = "transfer_lines"
    __table_args__ = (
        UniqueConstraint("request_id", "year", "subject_type", name="uq_transfer_lines_request_year_type"),
        CheckConstraint("claimed_tenths > 0", name="claimed"),
        CheckConstraint("accepted_tenths IS NULL OR (accepted_tenths >= 0 AND accepted_tenths <= claimed_tenths)",
                        name="accepted"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("transfer_requests.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    subject_type: Mapped[str] = mapped_column(String(8))
    claimed_tenths: Mapped[int] = mapped_column(Integer)
    accepted_tenths: Mapped[int | None] = mapped_column(Integer)  # what the officer confirmed

    request: Mapped[TransferRequest] = relationship(back_populates="lines")


class TransferFile(db.Model):
    """An evidence file (the old province's 学时证明), kept under MEDIA_ROOT at ``path``."""

    __tablename__ = "transfer_files"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("transfer_requests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))  # as uploaded, for display only
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[TransferRequest] = relationship(back_populates="files")
