"""Database work behind the watch calls: one short transaction per heartbeat, plain rows only.

Helpers flush; the view commits. The first statement of a heartbeat's transaction is an
UPDATE of its session row: on PostgreSQL that takes the row lock, on SQLite the database's
write lock (queued by core.sqlite_writers), so two heartbeats of one session run strictly
one after the other and can never credit the same seconds twice.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, select, update

from core import sqlite_writers
from core.extensions import db
from courses.models import Course, Lesson, Video
from learning.models import CreditRecord, IntegrityEvent, LessonProgress, WatchSession
from learning.rules import credit_year


@dataclass
class LockedSession:
    session: WatchSession
    duration: float
    course_id: int
    course_status: str
    progress: LessonProgress | None
    credit: CreditRecord | None = None  # the course's completion record, if written


# Built once, as every heartbeat runs them: a statement object remembers its cache key.
_LOCK = (update(WatchSession).where(WatchSession.id == bindparam("session_id"))
         .values(last_seq=WatchSession.last_seq).execution_options(synchronize_session=False))
_LOCKED = (
    select(WatchSession, Video.duration_seconds, Lesson.course_id, Course.status, LessonProgress, CreditRecord)
    .join(Lesson, Lesson.id == WatchSession.lesson_id).join(Video, Video.id == Lesson.video_id)
    .join(Course, Course.id == Lesson.course_id)
    .outerjoin(LessonProgress, and_(LessonProgress.user_id == WatchSession.user_id,
                                    LessonProgress.lesson_id == WatchSession.lesson_id))
    .outerjoin(CreditRecord, and_(CreditRecord.user_id == WatchSession.user_id,
                                  CreditRecord.course_id == Lesson.course_id, CreditRecord.basis == "completion"))
    .where(WatchSession.id == bindparam("session_id")).execution_options(populate_existing=True)
)


def open_session(user_id: int, lesson: Lesson, now: datetime, ip: str,
                 attention_minutes: float) -> WatchSession:
    """Close the trainee's other sessions (one screen at a time) and open a new one."""
    db.session.execute(
        update(WatchSession).where(WatchSession.user_id == user_id, WatchSession.open.is_(True))
        .values(open=False, closed_at=now).execution_options(synchronize_session=False)
    )
    session = WatchSession(
        id=secrets.token_hex(16), user_id=user_id, lesson_id=lesson.id, opened_at=now, ip=ip,
        attention_due_at=now + timedelta(minutes=attention_minutes) if attention_minutes else None,
    )
    db.session.add(session)
    db.session.flush()
    return session


def lock_session(session_id: str) -> LockedSession | None:
    """The session with its lesson's facts, its progress and its course's completion record
    (one query), locked for the rest of the transaction."""
    sqlite_writers.queue_for_writing(db.session)
    db.session.execute(_LOCK, {"session_id": session_id})
    row = db.session.execute(_LOCKED, {"session_id": session_id}).one_or_none()
    return LockedSession(*row) if row is not None else None


def progress_for(user_id: int, lesson_id: int) -> LessonProgress | None:
    return db.session.scalar(
        select(LessonProgress).where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)
        .execution_options(populate_existing=True)
    )


def save_progress(locked: LockedSession, intervals, covered: float, position: float | None,
                  completed: bool, now: datetime) -> LessonProgress:
    progress = locked.progress
    if progress is None:
        progress = LessonProgress(user_id=locked.session.user_id, lesson_id=locked.session.lesson_id,
                                  course_id=locked.course_id)
        db.session.add(progress)
        locked.progress = progress
    progress.intervals = intervals
    progress.covered_seconds = covered
    if position is not None:
        progress.position = position
    progress.updated_at = now
    if completed and progress.completed_at is None:
        progress.completed_at = now
    db.session.flush()
    return progress


def record_event(user_id: int, kind: str, now: datetime, *, session_id: str | None = None,
                 lesson_id: int | None = None, claimed: float = 0.0, credited: float = 0.0,
                 ip: str = "", **details) -> None:
    db.session.add(IntegrityEvent(
        user_id=user_id, session_id=session_id, lesson_id=lesson_id, kind=kind, claimed_seconds=claimed,
        credited_seconds=credited, details=details, ip=ip, at=now,
    ))
    db.session.flush()


def course_credit(user_id: int, course_id: int) -> CreditRecord | None:
    return db.session.scalar(select(CreditRecord).where(
        CreditRecord.user_id == user_id, CreditRecord.course_id == course_id, CreditRecord.basis == "completion"))


def credit_course_if_complete(user_id: int, course_id: int, now: datetime) -> CreditRecord | None:
    """Write the course's one completion record once every lesson is complete (rule 7).

    A course worth 0 学时 is completed but credits nothing, so it writes no record.
    """
    existing = course_credit(user_id, course_id)
    if existing is not None:
        return existing
    tenths = db.session.scalar(select(Course.credit_tenths).where(Course.id == course_id))
    if not tenths or not course_completed(user_id, course_id):
        return None
    record = CreditRecord(user_id=user_id, course_id=course_id, year=credit_year(now), hours_tenths=tenths,
                          basis="completion", awarded_at=now, updated_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def course_completed(user_id: int, course_id: int) -> bool:
    lessons = db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.course_id == course_id))
    done = db.session.scalar(
        select(func.count()).select_from(LessonProgress).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, Lesson.course_id == course_id,
               LessonProgress.completed_at.is_not(None))
    )
    return bool(lessons) and done >= lessons
