"""Declarations (学时登记), their evidence files and the steps each one went through."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from units.models import Unit

# unit_review → bureau_review → approved; either review may return it to the trainee, who
# fixes it and submits again (→ unit_review); the trainee may withdraw it until approved.
STATUSES = ("unit_review", "bureau_review", "returned", "approved", "withdrawn")


class Declaration(db.Model):
    __tablename__ = "declarations"
    __table_args__ = (
        CheckConstraint("status IN ('unit_review', 'bureau_review', 'returned', 'approved', 'withdrawn')",
                        name="status"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("hours_tenths > 0", name="hours"),
        Index("ix_declarations_unit_status", "unit_id", "status"),
        Index("ix_declarations_region_status", "region_code", "status"),
        Index("ix_declarations_user_year", "user_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The unit that does the 初审 (the trainee's confirmed unit when declaring).
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The trainee's region when declaring: which bureau officers do the 复审, whose rules apply.
    region_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)  # the credit year of end_date (core.policy.year_of)
    title: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(128))
    place: Mapped[str] = mapped_column(String(128), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    subject_type: Mapped[str] = mapped_column(String(8))
    hours_tenths: Mapped[int] = mapped_column(Integer)
    # What the rule gives for the dates; hours_reason says why the trainee changed it.
    default_hours_tenths: Mapped[int] = mapped_column(Integer)
    hours_reason: Mapped[str] = mapped_column(Text, default="")
    pledged_at: Mapped[datetime] = mapped_column(UTCDateTime)  # 本人承诺以上信息属实
    status: Mapped[str] = mapped_column(String(16), default="unit_review")
    reason: Mapped[str] = mapped_column(Text, default="")  # the latest return's reason
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    files: Mapped[list["DeclarationFile"]] = relationship(
        back_populates="declaration", order_by="DeclarationFile.id", cascade="all, delete-orphan")
    steps: Mapped[list["DeclarationStep"]] = relationship(
        back_populates="declaration", order_by="DeclarationStep.id", cascade="all, delete-orphan")

    @property
    def hours(self) -> float:
        return self.hours_tenths / 10


class DeclarationFile(db.Model):
    """An evidence file, kept under MEDIA_ROOT at ``path`` (relative), checked by content."""

    __tablename__ = "declaration_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))  # as uploaded, for display only
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="files")


class DeclarationStep(db.Model):
    """One step of a declaration's way: submitted, resubmitted, unit_approved, returned,
    approved or withdrawn, by whom (``by``: trainee, unit or bureau), with the reason given."""

    __tablename__ = "declaration_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="steps")
    actor: Mapped[User | None] = relationship()
