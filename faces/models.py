"""A trainee's face profile (consent and reference), the human route, and the captures judged.

No image lives in the database: files are kept under MEDIA_ROOT/faces/ (outside the web root,
served only by faces.face_review to the reviewers). A capture's embedding is never stored,
only its distance to the reference.
"""
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

CONSENTS = ("given", "declined", "withdrawn")
# pending → passed | failed | refused; failed → accepted | rejected (a person's review).
# refused: not an image or the same frame sent again (a claim, recorded as an integrity event).
CAPTURE_STATUSES = ("pending", "passed", "failed", "refused", "accepted", "rejected")


class FaceProfile(db.Model):
    """The trainee's answer to the consent screen and, while consent is given, the reference."""

    __tablename__ = "face_profiles"
    __table_args__ = (CheckConstraint("consent IN ('given', 'declined', 'withdrawn')", name="consent"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    consent: Mapped[str] = mapped_column(String(16))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The reference: 128 float64s (faces.model.Embedding.to_bytes) and the photo it came from.
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    reference_path: Mapped[str | None] = mapped_column(String(255))
    reference_sha256: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="")  # camera, upload, unit (a unit admin's upload)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    enrolled_by: Mapped[User | None] = relationship(foreign_keys=[enrolled_by_id])

    @property
    def enrolled(self) -> bool:
        return self.consent == "given" and self.embedding is not None


class InPersonCheck(db.Model):
    """The human route: the unit administrator saw the trainee in person and says so."""

    __tablename__ = "face_in_person_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class FaceCapture(db.Model):
    """One frame posted for one check (``check_id``: the seam's check, one capture each)."""

    __tablename__ = "face_captures"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'passed', 'failed', 'refused', 'accepted', 'rejected')",
                        name="status"),
        Index("ix_face_captures_unit_status", "unit_id", "status"),
        Index("ix_face_captures_region_status", "region_code", "status"),
        Index("ix_face_captures_user_at", "user_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    check_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    watch_session_id: Mapped[str] = mapped_column(String(32), default="")
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # who reviews: the trainee's unit then
    region_code: Mapped[str] = mapped_column(String(6))  # the trainee's region then: which bureau, which lock
    year: Mapped[int] = mapped_column(Integer)  # the credit year of the capture, for retention
    held_seconds: Mapped[float] = mapped_column(Float, default=0.0)  # the stretch this check holds
    path: Mapped[str | None] = mapped_column(String(255))  # None once deleted (withdrawal, retention)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary)  # faces.model.fingerprint
    status: Mapped[str] = mapped_column(String(16), default="pending")
    code: Mapped[str] = mapped_column(String(32), default="")  # why it failed or was refused
    distance: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    judged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
