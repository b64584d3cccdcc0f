"""Rows for the statistics and integrity tests, written directly (the ledger's and events' shapes).

Times are given in China Standard Time (what an officer reads) and stored as UTC.
"""
from datetime import UTC, datetime

from core.extensions import db
from core.tz import CHINA
from learning.models import CreditRecord, IntegrityEvent, WatchSession
from learning.rules import credit_year

_sessions = iter(range(1, 10**9))


def china(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A China Standard Time wall-clock moment, as the aware UTC datetime the database keeps."""
    return datetime(year, month, day, hour, minute, tzinfo=CHINA).astimezone(UTC)


def credit(user, course, tenths: int, at: datetime, basis: str = "completion", year: int | None = None,
           reason: str = "", subject_type: str | None = None) -> CreditRecord:
    """A ledger row of the course's subject type (unless given), written directly."""
    row = CreditRecord(user_id=user.id, course_id=course.id, year=year or credit_year(at), hours_tenths=tenths,
                       basis=basis, reason=reason, awarded_at=at, updated_at=at,
                       subject_type=subject_type or course.subject_type or "gongxu")
    db.session.add(row)
    db.session.commit()
    return row


def event(user, kind: str, at: datetime, ip: str = "", lesson=None, claimed: float = 30.0,
          credited: float = 0.0, **details) -> IntegrityEvent:
    row = IntegrityEvent(user_id=user.id, kind=kind, at=at, ip=ip, lesson_id=lesson.id if lesson else None,
                         claimed_seconds=claimed, credited_seconds=credited, details=details)
    db.session.add(row)
    db.session.commit()
    return row


def watch_session(user, lesson, at: datetime, ip: str = "") -> WatchSession:
    row = WatchSession(id=f"s{next(_sessions):031d}", user_id=user.id, lesson_id=lesson.id, opened_at=at, ip=ip,
                       open=False)
    db.session.add(row)
    db.session.commit()
    return row
