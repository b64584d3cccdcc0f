"""Database work behind the watch calls: one short transaction per heartbeat, plain rows only.

Helpers flush; the view commits. The first statement of every transaction that writes a
trainee's watch sessions (opening one, a heartbeat, an attention answer) is an UPDATE of the
trainee's budget row (:class:`WatchBudget`): on PostgreSQL that takes the row lock, on
SQLite the database's write lock (queued by core.sqlite_writers), and bumps the budget's
version. So a trainee's heartbeats, in every session, tab, device and web process, run
strictly one after the other and can never spend the same wall-clock time twice. A heartbeat
may read and judge before taking the lock (learning.heartbeats): its first write is then
that UPDATE, guarded by the version it read, and it starts again under the lock if the
version moved.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from accounts.models import User
from core import policy, sqlite_writers
from core.extensions import db
from core.policy import rulebook
from courses.models import Course, Lesson, Video
from learning import check_review
from learning.exam_state import exam_satisfied
from learning.models import CreditRecord, IntegrityEvent, LessonProgress, WatchBudget, WatchSession
from learning.rules import OpenTurn, attention_due, session_open_turn


@dataclass
class LockedSession:
    session: WatchSession
    duration: float
    course_id: int
    course_status: str
    withdrawn_at: datetime | None  # the course's last withdrawal
    progress: LessonProgress | None
    credit: CreditRecord | None  # the course's completion record, if written
    budget: WatchBudget | None  # the session owner's; locked when the caller owns the session
    region_code: str | None = None  # the session owner's: whose rules apply (core.policy)
    subject_type: str = "gongxu"  # the course's


# Built once, as every heartbeat runs them: a statement object remembers its cache key.
_LOCK = (update(WatchBudget.__table__).where(WatchBudget.user_id == bindparam("owner_id"))
         .values(version=WatchBudget.version + 1))
_LOCKED = (
    select(WatchSession, Video.duration_seconds, Lesson.course_id, Course.status, Course.withdrawn_at,
           LessonProgress, CreditRecord, WatchBudget, User.region_code, Course.subject_type)
    .join(Lesson, Lesson.id == WatchSession.lesson_id).join(Video, Video.id == Lesson.video_id)
    .join(Course, Course.id == Lesson.course_id).join(User, User.id == WatchSession.user_id)
    .outerjoin(LessonProgress, and_(LessonProgress.user_id == WatchSession.user_id,
                                    LessonProgress.lesson_id == WatchSession.lesson_id))
    .outerjoin(CreditRecord, and_(CreditRecord.user_id == WatchSession.user_id,
                                  CreditRecord.course_id == Lesson.course_id, CreditRecord.basis == "completion"))
    .outerjoin(WatchBudget, WatchBudget.user_id == WatchSession.user_id)
    .where(WatchSession.id == bindparam("session_id")).execution_options(populate_existing=True)
)


def lock_budget(user_id: int) -> WatchBudget:
    """The trainee's budget row, created when missing, locked for the rest of the transaction."""
    sqlite_writers.queue_for_writing(db.session)
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.session.execute(insert(WatchBudget).values(user_id=user_id).on_conflict_do_nothing(index_elements=["user_id"]))
    db.session.execute(_LOCK, {"owner_id": user_id})
    return db.session.scalar(select(WatchBudget).where(WatchBudget.user_id == user_id)
                             .execution_options(populate_existing=True))


def open_turn(budget: WatchBudget, now: datetime, per_minute: int) -> OpenTurn:
    """May the trainee open a session now? The pacing clock moves only when they may."""
    turn = session_open_turn(budget.opens_until, now, per_minute)
    budget.opens_until = turn.opens_until
    return turn


def open_session(user_id: int, lesson: Lesson, now: datetime, ip: str,
                 attention_minutes: float) -> WatchSession:
    """Close the trainee's other sessions (one screen at a time) and open a new one, which
    keeps the earliest attention check they had due (:func:`rules.attention_due`).

    The caller holds the trainee's budget lock (:func:`lock_budget`).
    """
    carried = db.session.scalars(
        update(WatchSession).where(WatchSession.user_id == user_id, WatchSession.open.is_(True))
        .values(open=False, closed_at=now).returning(WatchSession.attention_due_at)
        .execution_options(synchronize_session=False)
    ).all()
    session = WatchSession(id=secrets.token_hex(16), user_id=user_id, lesson_id=lesson.id, opened_at=now, ip=ip,
                           attention_due_at=attention_due(carried, now, attention_minutes))
    db.session.add(session)
    db.session.flush()
    return session


def close_sessions(user_id: int, now: datetime) -> None:
    """Close the trainee's open watch sessions (signing out): their watch tokens take nothing more."""
    db.session.execute(update(WatchSession).where(WatchSession.user_id == user_id, WatchSession.open.is_(True))
                       .values(open=False, closed_at=now).execution_options(synchronize_session=False))


def lock_session(user_id: int, session_id: str) -> LockedSession | None:
    """The session with its lesson's facts, its progress, its course's completion record and
    its owner's budget (one query), after locking the budget of ``user_id``, the caller.

    A session of another trainee comes back with that trainee's budget unlocked: the caller
    must only refuse it. A missing budget of the caller's own session is created.
    """
    row = lock_and_read(user_id, _LOCKED, {"session_id": session_id})
    if row is None:
        return None
    locked = LockedSession(*row)
    if locked.budget is None and locked.session.user_id == user_id:
        lock_budget(user_id)  # a session from before budgets: read it again under the new lock
        return lock_session(user_id, session_id)
    return locked


def lock_and_read(user_id: int, statement, params: dict):
    """Lock the budget of ``user_id`` (the transaction's first statement), then the one row
    of ``statement`` with ``params``, or None."""
    sqlite_writers.queue_for_writing(db.session)
    db.session.execute(_LOCK, {"owner_id": user_id})
    return db.session.execute(statement, params).one_or_none()


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
    """Write the course's one completion record once every lesson is complete and, when the
    course requires a test and the trainee's rules require tests, the test is passed:
    whichever comes last (docs/rules.md rule 7). Both the heartbeat that completes the last
    lesson and the passing submission call it.

    The record counts toward the credit year the trainee's rules give a course of its subject
    type finished ``now`` (core.policy.year_of, the earliest open year whose requirement for
    the type is not yet full) and is worth the course's video under that year's rules; it keeps
    the subject type and the rule set's prefix. No year open (window closed, year locked), or a
    course worth 0 学时: completed, but nothing is credited and no record written.
    """
    existing = course_credit(user_id, course_id)
    if existing is not None:
        return existing
    course = db.session.execute(
        select(Course.subject_type, func.sum(Video.duration_seconds)).select_from(Lesson)
        .join(Course, Course.id == Lesson.course_id).join(Video, Video.id == Lesson.video_id)
        .where(Lesson.course_id == course_id).group_by(Course.subject_type)
    ).one_or_none()
    if course is None or not course_completed(user_id, course_id):
        return None
    subject_type, seconds = course
    region = db.session.scalar(select(User.region_code).where(User.id == user_id))
    year = policy.year_of(subject_type, region, now, full=full_years(user_id, subject_type, region, now))
    if year is None:
        return None
    rules = policy.rules_for(region, year)
    tenths = rulebook.hours_for(rules, seconds or 0)
    if not tenths or not exam_satisfied(user_id, course_id, rules.test_required):
        return None
    if check_review.held(user_id, course_id, rules, now):
        return None  # misses over the allowance: credited once a person clears it (or after 补录)
    record = CreditRecord(user_id=user_id, course_id=course_id, year=year, hours_tenths=tenths,
                          subject_type=subject_type, rule_prefix=rules.prefix, basis="completion",
                          awarded_at=now, updated_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def full_years(user_id: int, subject_type: str, region: str | None, now: datetime) -> set[int]:
    """The years around ``now`` in which the trainee's credit of ``subject_type`` already meets
    the requirement of the type (rulebook.full_types): one grouped query."""
    this = rulebook.china_date(now).year
    rows = db.session.execute(
        select(CreditRecord.year, func.sum(CreditRecord.hours_tenths))
        .where(CreditRecord.user_id == user_id, CreditRecord.subject_type == subject_type,
               CreditRecord.year.between(this - 2, this + 1))
        .group_by(CreditRecord.year)
    )
    return {year for year, tenths in rows
            if subject_type in rulebook.full_types(policy.rules_for(region, year), {subject_type: tenths or 0})}


def course_completed(user_id: int, course_id: int) -> bool:
    lessons = db.session.scalar(select(func.count()).select_from(Lesson).where(Lesson.course_id == course_id))
    done = db.session.scalar(
        select(func.count()).select_from(LessonProgress).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, Lesson.course_id == course_id,
               LessonProgress.completed_at.is_not(None))
    )
    return bool(lessons) and done >= lessons
