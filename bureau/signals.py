"""Integrity signals: queries that point a bureau officer at learning that may be faked.

Five signals, each for the trainees of a scope within a China calendar year:

``clipped``     heartbeats the server clipped or refused (integrity events of the kinds in
                :data:`CLIPPED_KINDS`: claims beyond real time, over-rate, malformed or
                oversized bodies, another trainee's session);
``two_screens`` heartbeats for a session that a newer one had closed (``closed_session``):
                someone watching on two screens at once;
``session_churn`` session openings refused for their pace (``session_rate_limited``): a
                person switching lessons never meets the limit, a script opening a session
                per claim to reset its budget does;
``long_days``   more than ``daily_tenths`` / 10 学时 of completions credited on one China
                calendar day;
``shared_ip``   one address seen (watch sessions opened, integrity events) for at least
                ``min_users`` distinct trainees of the scope. Only the scope's trainees are
                counted, so nothing about other areas shows through.

The list functions return the flagged trainees (or addresses); the ``*_rows`` functions
return the drill-down statements, which :func:`paged` pages.
"""
from dataclasses import dataclass

from sqlalchemy import Select, String, and_, distinct, func, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from accounts.models import User
from bureau.scope import Scope
from bureau.stats import year_bounds
from core.extensions import db
from core.paging import Page
from courses.models import Course, Lesson
from learning.models import CreditRecord, IntegrityEvent, WatchSession

CLIPPED_KINDS = ("oversized_heartbeat", "faster_than_real_time", "rate_above_limit", "invalid_heartbeat",
                 "oversized_body", "foreign_session")
TWO_SCREENS_KINDS = ("closed_session",)
SESSION_CHURN_KINDS = ("session_rate_limited",)
EVENT_SIGNALS = {"clipped": CLIPPED_KINDS, "two_screens": TWO_SCREENS_KINDS, "session_churn": SESSION_CHURN_KINDS}
SIGNALS = ("clipped", "two_screens", "session_churn", "long_days", "shared_ip")
LIST_LIMIT = 50


class china_date(FunctionElement):
    """``YYYY-MM-DD`` of a UTC timestamp column in China Standard Time, computed in SQL.

    Rendered without bound parameters, so the same expression can appear in SELECT and
    GROUP BY on PostgreSQL. China has kept UTC+8 all year since 1991.
    """

    type = String()
    inherit_cache = True


@compiles(china_date, "sqlite")
def _china_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_date, "postgresql")
def _china_date_postgresql(element, compiler, **kw):
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"


@dataclass(frozen=True)
class Flagged:
    """A trainee a signal points at: how many events (days), and when last."""

    user: User
    count: int
    last: object  # a datetime, or a China date string for long_days
    worst: int = 0  # long_days: the most tenths credited in one day


@dataclass(frozen=True)
class SharedAddress:
    ip: str
    users: int
    seen: int
    last: object


def paged(stmt: Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page.of(items, page, per_page, total or 0)


def _trainees(stmt: Select, scope: Scope) -> Select:
    return stmt.where(User.role == "trainee", scope.condition(User.region_code))


def trainee(scope: Scope, user_id: int) -> User | None:
    """The trainee ``user_id`` if registered in ``scope``; None for anyone else."""
    return db.session.scalar(_trainees(select(User).where(User.id == user_id), scope))


# --- event signals: clipped, two_screens, session_churn ------------------------------------------------

def _events(scope: Scope, year: int, kinds) -> Select:
    start, end = year_bounds(year)
    stmt = (select().select_from(IntegrityEvent).join(User, User.id == IntegrityEvent.user_id)
            .where(IntegrityEvent.kind.in_(kinds), IntegrityEvent.at >= start, IntegrityEvent.at < end))
    return _trainees(stmt, scope)


def flagged_by_events(scope: Scope, year: int, kinds, limit: int = LIST_LIMIT) -> tuple[int, list[Flagged]]:
    """How many trainees have events of ``kinds``, and the ``limit`` with the most."""
    counts = (_events(scope, year, kinds).add_columns(IntegrityEvent.user_id, func.count().label("n"),
                                                      func.max(IntegrityEvent.at).label("last"))
              .group_by(IntegrityEvent.user_id).subquery())
    total = db.session.scalar(select(func.count()).select_from(counts))
    rows = db.session.execute(select(User, counts.c.n, counts.c.last).join(counts, counts.c.user_id == User.id)
                              .order_by(counts.c.n.desc(), counts.c.last.desc(), User.id).limit(limit)).all()
    return total or 0, [Flagged(user, n, last) for user, n, last in rows]


def event_rows(scope: Scope, year: int, kinds, user_id: int | None = None) -> Select:
    """Drill-down: (event, trainee, course title, lesson title), newest first."""
    stmt = (_events(scope, year, kinds).add_columns(IntegrityEvent, User, Course.title, Lesson.title)
            .outerjoin(Lesson, Lesson.id == IntegrityEvent.lesson_id).outerjoin(Course, Course.id == Lesson.course_id)
            .order_by(IntegrityEvent.at.desc(), IntegrityEvent.id.desc()))
    return stmt.where(IntegrityEvent.user_id == user_id) if user_id is not None else stmt


# --- long_days ----------------------------------------------------------------------------

def _long_days(scope: Scope, year: int, daily_tenths: int):
    """(user_id, day, tenths, completions) for each China day over the limit: a subquery."""
    start, end = year_bounds(year)
    day = china_date(CreditRecord.awarded_at)
    stmt = (select(CreditRecord.user_id, day.label("day"), func.sum(CreditRecord.hours_tenths).label("tenths"),
                   func.count().label("n"))
            .join(User, User.id == CreditRecord.user_id)
            .where(CreditRecord.basis == "completion", CreditRecord.awarded_at >= start, CreditRecord.awarded_at < end)
            .group_by(CreditRecord.user_id, day).having(func.sum(CreditRecord.hours_tenths) > daily_tenths))
    return _trainees(stmt, scope).subquery()


def flagged_long_days(scope: Scope, year: int, daily_tenths: int,
                      limit: int = LIST_LIMIT) -> tuple[int, list[Flagged]]:
    days = _long_days(scope, year, daily_tenths)
    per_user = (select(days.c.user_id, func.count().label("n"), func.max(days.c.day).label("last"),
                       func.max(days.c.tenths).label("worst")).group_by(days.c.user_id).subquery())
    total = db.session.scalar(select(func.count()).select_from(per_user))
    rows = db.session.execute(
        select(User, per_user.c.n, per_user.c.last, per_user.c.worst).join(per_user, per_user.c.user_id == User.id)
        .order_by(per_user.c.worst.desc(), per_user.c.last.desc(), User.id).limit(limit)).all()
    return total or 0, [Flagged(user, n, last, int(worst)) for user, n, last, worst in rows]


def long_day_rows(scope: Scope, year: int, daily_tenths: int, user_id: int | None = None,
                  day: str | None = None) -> Select:
    """Drill-down: the completions credited on the flagged days (record, trainee, course title, day)."""
    days = _long_days(scope, year, daily_tenths)
    record_day = china_date(CreditRecord.awarded_at)
    stmt = (select(CreditRecord, User, Course.title, days.c.day, days.c.tenths)
            .join(days, and_(days.c.user_id == CreditRecord.user_id, days.c.day == record_day))
            .join(User, User.id == CreditRecord.user_id).join(Course, Course.id == CreditRecord.course_id)
            .where(CreditRecord.basis == "completion")
            .order_by(days.c.day.desc(), User.id, CreditRecord.awarded_at, CreditRecord.id))
    if user_id is not None:
        stmt = stmt.where(CreditRecord.user_id == user_id)
    if day:
        stmt = stmt.where(days.c.day == day)
    return stmt


# --- shared_ip ----------------------------------------------------------------------------

def _sightings(scope: Scope, year: int):
    """Every (user, ip, at, what, lesson) the scope's trainees were seen at in ``year``: a subquery."""
    start, end = year_bounds(year)
    sessions = (select(WatchSession.user_id.label("user_id"), WatchSession.ip.label("ip"),
                       WatchSession.opened_at.label("at"), literal("session", String).label("what"),
                       WatchSession.lesson_id.label("lesson_id"))
                .where(WatchSession.opened_at >= start, WatchSession.opened_at < end, WatchSession.ip != ""))
    events = (select(IntegrityEvent.user_id, IntegrityEvent.ip, IntegrityEvent.at, IntegrityEvent.kind,
                     IntegrityEvent.lesson_id)
              .where(IntegrityEvent.at >= start, IntegrityEvent.at < end, IntegrityEvent.ip != ""))
    seen = union_all(sessions, events).subquery()
    return (_trainees(select(seen).join(User, User.id == seen.c.user_id), scope)).subquery()


def shared_addresses(scope: Scope, year: int, min_users: int,
                     limit: int = LIST_LIMIT) -> tuple[int, list[SharedAddress]]:
    """Addresses seen for at least ``min_users`` distinct trainees of the scope, most users first."""
    seen = _sightings(scope, year)
    users = func.count(distinct(seen.c.user_id))
    grouped = (select(seen.c.ip, users.label("users"), func.count().label("seen"), func.max(seen.c.at).label("last"))
               .group_by(seen.c.ip).having(users >= min_users).subquery())
    total = db.session.scalar(select(func.count()).select_from(grouped))
    rows = db.session.execute(select(grouped).order_by(grouped.c.users.desc(), grouped.c.last.desc(),
                                                       grouped.c.ip).limit(limit)).all()
    return total or 0, [SharedAddress(ip, int(n), int(seen_), last) for ip, n, seen_, last in rows]


def shared_ip_rows(scope: Scope, year: int, min_users: int, ip: str | None = None,
                   user_id: int | None = None) -> Select:
    """Drill-down: sightings at the shared addresses (ip, at, what, trainee, course, lesson)."""
    seen = _sightings(scope, year)
    shared = select(seen.c.ip).group_by(seen.c.ip).having(func.count(distinct(seen.c.user_id)) >= min_users)
    stmt = (select(seen.c.ip, seen.c.at, seen.c.what, User, Course.title, Lesson.title)
            .join(User, User.id == seen.c.user_id)
            .outerjoin(Lesson, Lesson.id == seen.c.lesson_id).outerjoin(Course, Course.id == Lesson.course_id)
            .where(seen.c.ip.in_(shared))
            .order_by(seen.c.ip, seen.c.at.desc(), User.id))
    if ip:
        stmt = stmt.where(seen.c.ip == ip)
    if user_id is not None:
        stmt = stmt.where(seen.c.user_id == user_id)
    return stmt
