"""What is taught: categories, courses, lessons and the videos they play."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db

COURSE_STATUSES = ("draft", "submitted", "published", "rejected", "withdrawn")
VIDEO_STATUSES = ("uploading", "processing", "ready", "failed")


class Category(db.Model):
    """A required area (``kind='area'``) or a theme (``kind='theme'``) of the catalogue."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


class Video(db.Model):
    """An uploaded or generated recording and the renditions made from it.

    ``renditions`` is a list of ``{"height", "width", "path", "bytes"}``; paths are
    relative to ``MEDIA_ROOT`` and always chosen by the server.
    """

    __tablename__ = "videos"
    __table_args__ = (
        CheckConstraint(
            "status IN ('uploading', 'processing', 'ready', 'failed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    original_path: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default="uploading")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    probe: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    renditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    poster_path: Mapped[str] = mapped_column(String(255), default="")
    captions_path: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'published', 'rejected', 'withdrawn')",
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    summary: Mapped[str] = mapped_column(Text, default="")
    instructor: Mapped[str] = mapped_column(String(64), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    catalogue_year: Mapped[int] = mapped_column(Integer, index=True)
    credit_tenths: Mapped[int] = mapped_column(Integer, default=0)
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    category: Mapped[Category] = relationship()
    producer: Mapped[User] = relationship()
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )

    @property
    def credit_hours(self) -> float:
        """学时, to one decimal (ARCHITECTURE §4 rule 1)."""
        return self.credit_tenths / 10

    @property
    def is_published(self) -> bool:
        return self.status == "published"


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "position", name="uq_lessons_course_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id"), index=True)

    course: Mapped[Course] = relationship(back_populates="lessons")
    video: Mapped[Video] = relationship()

    @property
    def duration_seconds(self) -> float:
        return self.video.duration_seconds
