"""What is taught: categories, courses, lessons and the videos they play, and each course's
test: its question bank and exam settings (docs/rules.md, the course test)."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from courses.rules import exam_rules

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
    original_size: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="uploading")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str] = mapped_column(String(32), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    log_tail: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
        CheckConstraint("subject_type IN ('gongxu', 'zhuanye', 'xuanxiu')", name="subject_type"),
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
    # 公需 / 专业 / 选修 (core.policy.SUBJECT_TYPES); sector_public marks a sector's own 公需 (行业公需).
    subject_type: Mapped[str] = mapped_column(String(8), default="gongxu", server_default="gongxu", index=True)
    sector_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    credit_tenths: Mapped[int] = mapped_column(Integer, default=0)
    review_note: Mapped[str] = mapped_column(Text, default="")
    # A pending revision of a published course is a course of its own pointing here;
    # trainees keep seeing the published course until the revision is approved.
    revision_of_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category: Mapped[Category] = relationship()
    producer: Mapped[User] = relationship(foreign_keys=[producer_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    revision_of: Mapped[Optional["Course"]] = relationship(remote_side=[id])
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="course", order_by="Question.position", cascade="all, delete-orphan"
    )
    # None: the defaults (a test is required when the bank holds questions).
    exam: Mapped[Optional["ExamSettings"]] = relationship(cascade="all, delete-orphan")

    @property
    def credit_hours(self) -> float:
        """学时, to one decimal (docs/rules.md rule 1)."""
        return self.credit_tenths / 10

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def test_required(self) -> bool:
        """Whether the course's 学时 wait for a passed test (docs/rules.md rule 13)."""
        return exam_rules(self.exam, len(self.questions)).required


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


class Upload(db.Model):
    """A tus upload in progress (or finished: ``completed_at`` is set).

    The Video exists from creation, and the upload URL's last segment is its ``video_id``;
    ``id`` (server-generated) names the partial file ``uploads/<id>.part`` under MEDIA_ROOT
    and never leaves the server.
    """

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    filename: Mapped[str] = mapped_column(String(255), default="")
    filetype: Mapped[str] = mapped_column(String(128), default="")
    upload_metadata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id"))

    owner: Mapped[User] = relationship()
    video: Mapped[Video | None] = relationship()


class Question(db.Model):
    """One question of a course's bank. ``options`` are the texts shown (判断: 正确, 错误);
    ``answer`` the indices of the right ones (one for 单选 and 判断, two or more for 多选).
    A paper drawn for an attempt copies what it shows, so editing the bank never changes
    an attempt already started."""

    __tablename__ = "questions"
    __table_args__ = (CheckConstraint("kind IN ('single', 'multiple', 'judge')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[list[int]] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="questions")


class ExamSettings(db.Model):
    """How a course's test is taken: how many questions of each kind a paper draws
    (``draw``), the points each is worth (``points``; a paper adds up to 100), the pass
    mark, the time limit, the attempts per catalogue year, and whether passing is required
    for the course's 学时."""

    __tablename__ = "exam_settings"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_score: Mapped[int] = mapped_column(Integer, default=60)
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=30)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    draw: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    points: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
