"""What was learned: watch sessions, per-lesson progress, the credit ledger, integrity events,
certificates and the seals drawn on them."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from courses.models import Course, Lesson

# Where a ledger row comes from (CreditRecord.basis).
BASES = ("completion", "declared", "correction", "partner", "transfer")


class WatchSession(db.Model):
    """One lesson playing on one screen. Only the newest session of a trainee is open."""

    __tablename__ = "watch_sessions"
    __table_args__ = (Index("ix_watch_sessions_user_open", "user_id", "open"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # A lesson removed from its course takes its sessions and progress with it; the
    # credit already earned lives in credit_records, which point at the course.
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Played seconds accepted so far: the budget rule compares it with wall-clock time.
    played_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attention_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attention_token: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()
    lesson: Mapped[Lesson] = relationship()


class WatchBudget(db.Model):
    """A trainee's wall-clock budget for playback, shared by all their sessions and lessons.

    Its row is also the trainee's lock: every transaction that writes the trainee's watch
    sessions (opening one, a heartbeat, an attention answer) first updates this row, so
    they run one after the other on PostgreSQL and on SQLite alike, and bumps ``version``: a
    heartbeat judged on an earlier read writes only while the version is the one it read.
    """

    __tablename__ = "watch_budgets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The instant up to which credited playback has used the trainee's real time (rules.budget_start).
    played_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The pacing clock of session openings (rules.session_open_turn).
    opens_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seconds of coverage credited on ``day`` (China Standard Time): a province's daily cap.
    day: Mapped[date | None] = mapped_column(Date)
    day_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LessonProgress(db.Model):
    """A trainee's coverage of one lesson: merged intervals of credited playback."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    intervals: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    covered_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    position: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson] = relationship()


class CreditRecord(db.Model):
    """The append-only ledger of 学时, never updated once written. ``basis`` says where a row
    comes from: ``completion`` (a course watched and, where required, its test passed; once
    per trainee and course, a partial unique index), ``declared`` (an approved offline
    declaration, ``source_id`` its id; once per declaration) or ``correction`` (a bureau
    officer's 核减 or 补录: hours may be negative, ``reason`` is mandatory, ``source_id`` is
    the row it corrects, ``recorded_by_id`` the officer), ``partner`` (hours an accredited
    partner platform reported, ``source_id`` its report; once per report) or ``transfer``
    (hours earned in another province and accepted by this one's bureau, ``source_id`` the
    request; once per request). Rows without a course carry a ``title`` of their own."""

    __tablename__ = "credit_records"
    __table_args__ = (
        Index("uq_credit_records_completion", "user_id", "course_id", unique=True,
              sqlite_where=text("basis = 'completion'"), postgresql_where=text("basis = 'completion'")),
        Index("ix_credit_records_user_year", "user_id", "year"),
        Index("ix_credit_records_updated", "updated_at", "id"),
        Index("uq_credit_records_declared", "source_id", unique=True,
              sqlite_where=text("basis = 'declared'"), postgresql_where=text("basis = 'declared'")),
        Index("uq_credit_records_partner", "source_id", unique=True,
              sqlite_where=text("basis = 'partner'"), postgresql_where=text("basis = 'partner'")),
        Index("uq_credit_records_transfer", "source_id", unique=True,
              sqlite_where=text("basis = 'transfer'"), postgresql_where=text("basis = 'transfer'")),
        Index("ix_credit_records_source", "basis", "source_id"),
        CheckConstraint(f"basis IN {BASES}", name="basis"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None for a declared training, and for a correction of one.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    # The credit year under the trainee's rules (core.policy.year_of), not always the calendar year.
    year: Mapped[int] = mapped_column(Integer)
    hours_tenths: Mapped[int] = mapped_column(Integer)
    # Kept from the course and the rule set at the time, so a later change rewrites nothing.
    subject_type: Mapped[str] = mapped_column(String(8), default="gongxu", server_default="gongxu")
    rule_prefix: Mapped[str] = mapped_column(String(6), default="", server_default="")
    basis: Mapped[str] = mapped_column(String(16), default="completion")
    reason: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def hours(self) -> float:
        return self.hours_tenths / 10


class IntegrityEvent(db.Model):
    """A claim the server clipped or refused, kept for the bureaus to read."""

    __tablename__ = "integrity_events"
    __table_args__ = (Index("ix_integrity_events_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[str | None] = mapped_column(String(32), index=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    claimed_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    credited_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Certificate(db.Model):
    """A 学时证明: for one completed course (``kind='course'``) or a whole year (``kind='year'``).

    ``payload`` is the canonical JSON that ``signature`` (Ed25519, base64) signs. A reissue
    gets a new number and marks the old one superseded; rows are never deleted.
    """

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_user_year", "user_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    hours_tenths: Mapped[int] = mapped_column(Integer)
    requirement_met: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signature: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="valid")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course | None] = relationship()


class BureauSeal(db.Model):
    """The seal image of the bureau that issues the certificates of a province (learning/seals.py):
    one per province code (``440000``), drawn on the PDF of every certificate naming that bureau.
    The file lives under ``SEAL_DIR`` (instance/seals by default), outside the web root; ``path``
    is its name there. Replacing a seal updates the row; removing it deletes the row."""

    __tablename__ = "bureau_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()


class ExamAttempt(db.Model):
    """A trainee's attempt at a course's test. ``paper`` is what was drawn for it on the
    server — per question its id, kind, stem, options in this attempt's order, the right
    indices in that order, points and explanation — and never leaves the server whole;
    ``answers`` maps a question id (as text) to the chosen indices, saved as they are
    chosen. An attempt is open until ``submitted_at`` is set, by the trainee or, after
    ``deadline``, by the server; one attempt per trainee and course is open at a time."""

    __tablename__ = "exam_attempts"
    __table_args__ = (
        Index("uq_exam_attempts_open", "user_id", "course_id", unique=True,
              sqlite_where=text("submitted_at IS NULL"), postgresql_where=text("submitted_at IS NULL")),
        Index("ix_exam_attempts_user_course_year", "user_id", "course_id", "year"),
        Index("ix_exam_attempts_open_deadline", "deadline", sqlite_where=text("submitted_at IS NULL"),
              postgresql_where=text("submitted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    year: Mapped[int] = mapped_column(Integer)  # the credit year it was started in (attempts are counted per year)
    paper: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    pass_score: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str] = mapped_column(String(8), default="")  # "trainee" or "deadline"
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()


class WatchCheck(db.Model):
    """One server-scheduled check of who is watching a lesson (issue 19, learning.checks): a
    随堂弹题 (``question``), an idle challenge (``idle``) or a face capture (``face``).

    A check of a scheduled kind guards the stretch of the lesson from the previous passed
    check (``start``) to its ``position``: what the trainee plays from ``start`` on while it
    is not passed is ``held`` here, not credited. ``waiting``: not yet reached; ``due``:
    reached, the challenge issued with a one-use nonce (only its SHA-256 is kept) until
    ``window_ends_at``; then ``passed`` (the held stretch credited), ``failed`` or ``missed``
    (the held stretch stays here, uncredited), or ``expired`` (its session ended first). A face
    check whose frame was posted is ``judging`` (the window no longer applies) until the model's
    verdict; one the model failed is ``review``: its stretch stays held here while a person
    decides (accepted: ``passed`` and credited; rejected: ``failed``), and the next check is the gate.
    ``challenge`` is what was asked, with the right answer, and never leaves the server whole.
    """

    __tablename__ = "watch_checks"
    __table_args__ = (
        CheckConstraint("kind IN ('question', 'idle', 'face')", name="kind"),
        CheckConstraint("state IN ('waiting', 'due', 'passed', 'failed', 'missed', 'expired', 'judging', 'review')",
                        name="state"),
        Index("ix_watch_checks_user_lesson", "user_id", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    session_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    slot: Mapped[int | None] = mapped_column(Integer)  # index in the lesson's schedule; None for idle
    position: Mapped[float] = mapped_column(Float, default=0.0)
    start: Mapped[float] = mapped_column(Float, default=0.0)
    state: Mapped[str] = mapped_column(String(8), default="waiting")
    held: Mapped[list] = mapped_column(JSON, default=list)
    challenge: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    nonce_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckClearance(db.Model):
    """A course's failed and missed checks set aside (issue 19, learning.check_review): misses up to
    ``at`` no longer count against the allowance. ``review``: a person in scope (the trainee's unit
    administrator or a bureau officer) looked and cleared it, with a note; ``rewatch``: the trainee
    chose 补录, and the lessons with misses start again (their progress and checks anew).
    Append-only: the latest row of a (trainee, course) is what counts."""

    __tablename__ = "check_clearances"
    __table_args__ = (
        CheckConstraint("kind IN ('review', 'rewatch')", name="kind"),
        Index("ix_check_clearances_user_course", "user_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    misses: Mapped[int] = mapped_column(Integer, default=0)  # the misses it set aside
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    cleared_by: Mapped[User | None] = relationship(foreign_keys=[cleared_by_id])
    course: Mapped[Course] = relationship()
