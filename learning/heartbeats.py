"""A heartbeat: what the player says was played, judged and credited in one short transaction.

The busiest path of the site, so it is written for speed (issue 16): the caller is known from
its watch token (learning.watch_token), the session is read with everything the rules need
in one Core statement, the rules are the plain functions of learning.rules, and the writes
are three prepared UPDATEs (or an INSERT of the first progress row), no ORM unit of work.
The first write takes the trainee's lock only if nothing changed since the read (the
budget's version, learning.ledger); else the heartbeat is judged again under the lock. So
the lock — on SQLite the database's one writer — is held for the writes and the commit
alone. Rare turns — an integrity event, a completed course — use the ledger's ordinary
helpers in the same transaction.

Every heartbeat is committed before the answer (docs/rules.md rule 9): a crash loses at most
the heartbeat in flight, and its retry (same ``seq``) changes nothing.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, insert, select, update

from accounts.models import User
from core import policy, sqlite_writers
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from core.policy.models import RuleSetVersion
from courses.models import Course, Lesson, Video
from learning import check_store, exam_state, ledger
from learning.models import CreditRecord, LessonProgress, WatchBudget, WatchSession
from learning.rules import (
    Claim,
    DayCount,
    Limits,
    SegmentError,
    apply_heartbeat,
    budget_start,
    daily_cap_reached,
    daily_cap_seconds,
    day_count,
    parse_claim,
    resume_clock,
)

_S, _P, _B = WatchSession.__table__.c, LessonProgress.__table__.c, WatchBudget.__table__.c

_READ = (
    select(_S.id, _S.user_id, _S.lesson_id, _S.opened_at, _S.last_heartbeat_at, _S.last_seq,
           _S.played_seconds, _S.open, _S.closed_at, _S.attention_due_at, _S.attention_token,
           Video.__table__.c.duration_seconds, Lesson.__table__.c.course_id, Course.__table__.c.status,
           Course.__table__.c.withdrawn_at, Course.__table__.c.subject_type, User.__table__.c.region_code,
           User.__table__.c.active, _P.id.label("progress_id"), _P.intervals, _P.covered_seconds, _P.position,
           _P.completed_at, CreditRecord.__table__.c.hours_tenths.label("credit_tenths"),
           _B.user_id.label("budget_user_id"), _B.played_until, _B.day, _B.day_seconds, _B.version,
           select(func.count()).select_from(RuleSetVersion.__table__).scalar_subquery().label("rules_count"),
           select(func.max(RuleSetVersion.__table__.c.updated_at)).scalar_subquery().label("rules_changed"))
    .select_from(WatchSession.__table__)
    .join(Lesson.__table__, Lesson.id == _S.lesson_id).join(Video.__table__, Video.id == Lesson.video_id)
    .join(Course.__table__, Course.id == Lesson.course_id).join(User.__table__, User.id == _S.user_id)
    .outerjoin(LessonProgress.__table__, and_(_P.user_id == _S.user_id, _P.lesson_id == _S.lesson_id))
    .outerjoin(CreditRecord.__table__, and_(CreditRecord.user_id == _S.user_id,
                                            CreditRecord.course_id == Lesson.course_id,
                                            CreditRecord.basis == "completion"))
    .outerjoin(WatchBudget.__table__, _B.user_id == _S.user_id)
    .where(_S.id == bindparam("session_id"))
)
_WRITE_SESSION = update(WatchSession.__table__).where(_S.id == bindparam("b_id")).values(
    last_seq=bindparam("last_seq"), played_seconds=bindparam("played_seconds"),
    last_heartbeat_at=bindparam("last_heartbeat_at"), open=bindparam("open"), closed_at=bindparam("closed_at"),
    attention_token=bindparam("attention_token"))
_WRITE_BUDGET = (update(WatchBudget.__table__)
                 .where(_B.user_id == bindparam("b_user_id"), _B.version == bindparam("b_version"))
                 .values(played_until=bindparam("played_until"), day=bindparam("day"),
                         day_seconds=bindparam("day_seconds"), version=_B.version + 1))
_WRITE_PROGRESS = update(LessonProgress.__table__).where(_P.id == bindparam("b_id")).values(
    intervals=bindparam("intervals"), covered_seconds=bindparam("covered_seconds"),
    position=bindparam("position"), updated_at=bindparam("updated_at"), completed_at=bindparam("completed_at"))
_NEW_PROGRESS = insert(LessonProgress.__table__)


@dataclass(slots=True)
class Beat:
    """The locked session as the rules see it; the writes save its fields back."""

    id: str
    user_id: int
    lesson_id: int
    opened_at: datetime
    last_heartbeat_at: datetime | None
    last_seq: int
    played_seconds: float
    open: bool
    closed_at: datetime | None
    attention_due_at: datetime | None
    attention_token: str | None
    duration: float
    course_id: int
    course_status: str
    withdrawn_at: datetime | None
    subject_type: str
    region_code: str | None
    active: bool
    progress_id: int | None
    intervals: list | None
    covered_seconds: float | None
    position: float | None
    completed_at: datetime | None
    credit_tenths: int | None
    budget_user_id: int | None
    played_until: datetime | None
    day: date | None
    day_seconds: float | None
    version: int | None

    @property
    def lesson_done(self) -> bool:
        return self.completed_at is not None


def limits_for(duration: float) -> Limits:
    return Limits(duration=duration, max_rate=float(policy.max_playback_rate()),
                  slack_seconds=float(policy.heartbeat_slack_seconds()),
                  heartbeat_seconds=float(policy.heartbeat_seconds()),
                  max_segments=policy.heartbeat_max_segments(),
                  completion_ratio=float(policy.completion_ratio()))


class Stale(Exception):
    """The trainee's watch state changed between the heartbeat's read and its first write."""


def handle(user_id: int, session_id: str, body, ip: str, locale: str) -> dict:
    """Judge and credit one heartbeat of ``user_id`` (known from a watch token for
    ``session_id``) with the JSON ``body``; commit; the answer (messages in ``locale``).
    Raises ApiError (committed integrity event first, where there is one) for a refused heartbeat.

    Read first, judge, then write only if the trainee's budget version is still the one read
    (the write takes the lock): the lock is held for the writes alone. Another transaction
    of the trainee in between (another tab, a session opened) makes it judge again, under
    the lock from the start (learning.ledger), as every heartbeat did before.
    """
    try:
        return _judge(_read(user_id, session_id, ip, locale, locked=False), body, ip)
    except Stale:
        db.session.rollback()
        return _judge(_read(user_id, session_id, ip, locale, locked=True), body, ip)


def _judge(beat: Beat, body, ip: str) -> dict:
    now = utcnow()  # the writes follow within moments: a record stamped now is not late (docs/sync.md)
    limits = limits_for(beat.duration)
    try:
        claim = parse_claim(body, limits)
    except SegmentError as refused:
        refuse(beat.user_id, "invalid_heartbeat", ApiError(422, refused.code, refused.message), ip,
               beat.id, beat.lesson_id, code=refused.code)
    if claim.seq <= beat.last_seq:  # last_seq only grows: a later read would say the same
        ledger.record_event(beat.user_id, "repeated_seq", now, session_id=beat.id, lesson_id=beat.lesson_id,
                            ip=ip, seq=claim.seq, last_seq=beat.last_seq)
        return _answer(beat, 0.0, duplicate=True)
    beat.last_seq = claim.seq
    if beat.attention_due_at is not None and now >= beat.attention_due_at:
        return _attention(beat, claim, now, ip)
    today = day_count(beat.day, beat.day_seconds, now)
    closed = _closed(beat, today, now)
    if closed is not None:
        beat.last_heartbeat_at = now
        beat.played_until = resume_clock(beat.played_until, now)
        _save(beat)
        return _answer(beat, 0.0, closed=closed)
    return _credit(beat, claim, now, limits, today, ip)


def refuse_foreign(user_id: int, session_id: str, ip: str):
    """A watch token of another session: an integrity event, then 404 as for a session that is not there."""
    refuse(user_id, "foreign_session", ApiError(404, "not_found", _("观看会话不存在。")), ip,
            session_id=session_id[:32])


def refuse_oversized(user_id: int, session_id: str, size: int, ip: str):
    """A body over HEARTBEAT_MAX_BYTES: an integrity event, then 413."""
    refuse(user_id, "oversized_body", ApiError(413, "too_large", _("心跳请求过大。")), ip,
            session_id=session_id[:32], bytes=size)


def _read(user_id: int, session_id: str, ip: str, locale: str, locked: bool) -> Beat:
    """The caller's open session on a published lesson (``locked``: after taking the trainee's
    lock); anything else is refused."""
    params = {"session_id": session_id[:64]}
    if not locked:
        row = db.session.connection().execute(_READ, params).one_or_none()
        if row is not None and row.budget_user_id is None:
            raise Stale  # a session from before budgets: the lock creates the budget
    else:
        row = ledger.lock_and_read(user_id, _READ, params)
        if row is not None and row.budget_user_id is None and row.user_id == user_id:
            ledger.lock_budget(user_id)  # a session from before budgets: read it again under the new lock
            row = db.session.execute(_READ, params).one()
    if row is None or row.user_id != user_id:
        if row is not None:
            refuse_foreign(user_id, session_id, ip)
        raise ApiError(404, "not_found", _("观看会话不存在。"))
    policy.use_book_stamp((row.rules_count, row.rules_changed), locale)
    beat = Beat(*row[:-2])
    if not beat.open or not beat.active:
        refuse(user_id, "closed_session", ApiError(409, "playing_elsewhere", _(
            "您已在其他窗口或设备上播放课程，本窗口已停止计时。")), ip, beat.id, beat.lesson_id)
    if beat.course_status != "published":
        refuse(user_id, "unpublished_lesson", ApiError(410, "lesson_unavailable", _(
            "该课程已下线，无法继续计时。")), ip, beat.id, beat.lesson_id)
    if beat.withdrawn_at is not None and beat.opened_at < beat.withdrawn_at:
        # Published again since: the session from before the withdrawal does not come back.
        beat.open, beat.closed_at = False, utcnow()
        _save(beat)
        refuse(user_id, "unpublished_lesson", ApiError(410, "session_expired", _(
            "课程已重新发布，请刷新页面后继续学习。")), ip, beat.id, beat.lesson_id)
    return beat


def refuse(user_id: int, kind: str, error: ApiError, ip: str, session_id: str | None = None,
            lesson_id: int | None = None, **details):
    """Record the refused claim as an integrity event, commit it, and answer with ``error``."""
    ledger.record_event(user_id, kind, utcnow(), session_id=session_id, lesson_id=lesson_id, ip=ip, **details)
    db.session.commit()
    raise error


def _closed(beat: Beat, today: DayCount, now: datetime) -> dict | None:
    """Why nothing may be credited now, or None (docs/rules.md rule 14): the trainee's region
    has locked the year, no window of the course's subject type is open, or today's credit
    reached the region's daily cap."""
    region = beat.region_code
    year = policy.year_of(beat.subject_type, region, now)
    if year is None:
        if policy.locked(region, policy.this_year(now), now):
            return {"code": "year_locked", "message": _(
                "本地区本年度学时记录已关闭，现在学习不再计入学时。")}
        return {"code": "window_closed", "message": _(
            "该类科目目前不在学时认定期内，现在学习不计入学时。")}
    rules = policy.rules_for(region, year)
    if daily_cap_reached(today, daily_cap_seconds(rules.daily_cap_tenths, rules.minutes_per_hour)):
        return {"code": "daily_cap", "message": _(
            "今日已达本地区每日学时上限，继续学习不再计入学时，明天可继续累计。")}
    return None


def _credit(beat: Beat, claim: Claim, now: datetime, limits: Limits, today: DayCount, ip: str) -> dict:
    """Credit what the claim may honestly have played, record what was cut, count it for the
    day (a daily cap), commit."""
    outcome = apply_heartbeat(beat.intervals or [], budget_start(beat.played_until, beat.opened_at), claim,
                              now, limits, last_beat=beat.last_heartbeat_at)
    rules, guarded = policy.rules_for(beat.region_code, policy.this_year(now)), None
    # No checks (or a lesson already complete: nothing more to credit): no query (issue 19).
    if rules.any_checks and beat.completed_at is None and check_store.rates(rules):
        guarded = check_store.guard(beat, outcome, limits, rules, now)
        outcome = guarded.outcome
    today = today.plus(outcome.credited_seconds)
    beat.played_until, beat.day, beat.day_seconds = outcome.played_until, today.day, today.seconds
    beat.played_seconds += outcome.played_seconds
    beat.last_heartbeat_at = now
    beat.intervals, beat.covered_seconds = outcome.intervals, outcome.covered_seconds
    if claim.position is not None:
        beat.position = claim.position
    if outcome.completed and beat.completed_at is None:
        beat.completed_at = now
    _save(beat, progress=True)
    if guarded is not None:
        check_store.finish(guarded, beat, ip, now)
    claimed = sum(b - a for a, b in claim.segments)
    for event in outcome.events:
        kind = event.pop("kind")
        ledger.record_event(beat.user_id, kind, now, session_id=beat.id, lesson_id=beat.lesson_id,
                            claimed=claimed, credited=outcome.played_seconds, ip=ip, **event)
    if outcome.completed and beat.credit_tenths is None:
        credit = ledger.credit_course_if_complete(beat.user_id, beat.course_id, now)
        beat.credit_tenths = credit.hours_tenths if credit else None
    return _answer(beat, outcome.credited_seconds, **(check_store.answered(guarded, now) if guarded else {}))


def _attention(beat: Beat, claim: Claim, now: datetime, ip: str) -> dict:
    """While the idle check ("您还在学习吗", a server challenge: learning.check_store.idle_check)
    waits for its answer, nothing is credited; the answer carries the check."""
    _save(beat)
    check = check_store.idle_check(beat, now)
    if claim.segments:
        ledger.record_event(beat.user_id, "attention_pending", now, session_id=beat.id, lesson_id=beat.lesson_id,
                            claimed=sum(b - a for a, b in claim.segments), ip=ip)
    return _answer(beat, 0.0, check=check_store.shown(check, now))


def _save(beat: Beat, progress: bool = False) -> None:
    """Write the budget's, the session's (and the progress row's) fields back. The budget's
    UPDATE comes first and takes the trainee's lock; it writes nothing and raises
    :class:`Stale` when the budget's version is no longer the one read."""
    sqlite_writers.queue_for_writing(db.session)
    connection = db.session.connection()
    written = connection.execute(_WRITE_BUDGET, {
        "b_user_id": beat.user_id, "b_version": beat.version, "played_until": beat.played_until,
        "day": beat.day, "day_seconds": beat.day_seconds})
    if written.rowcount != 1:
        raise Stale
    connection.execute(_WRITE_SESSION, {
        "b_id": beat.id, "last_seq": beat.last_seq, "played_seconds": beat.played_seconds,
        "last_heartbeat_at": beat.last_heartbeat_at, "open": beat.open, "closed_at": beat.closed_at,
        "attention_token": beat.attention_token})
    if not progress:
        return
    values = {"intervals": beat.intervals, "covered_seconds": beat.covered_seconds, "position": beat.position or 0.0,
              "updated_at": beat.last_heartbeat_at, "completed_at": beat.completed_at}
    if beat.progress_id is None:
        beat.progress_id = connection.execute(_NEW_PROGRESS.values(
            user_id=beat.user_id, lesson_id=beat.lesson_id, course_id=beat.course_id, **values)).inserted_primary_key[0]
    else:
        connection.execute(_WRITE_PROGRESS, {"b_id": beat.progress_id, **values})


def _answer(beat: Beat, credited: float, **extra) -> dict:
    """Commit, then the answer: it reads plain values (and, for a completed lesson, the
    course's state), so the trainee's lock is not held while it is built."""
    db.session.commit()
    return _state(beat, credited, **extra)


def _state(beat: Beat, credited: float, **extra) -> dict:
    """The answer to a heartbeat."""
    return {
        "seq": beat.last_seq,
        "credited_seconds": round(credited, 3),
        "lesson": {
            "id": beat.lesson_id,
            "duration_seconds": beat.duration,
            "covered_seconds": round(beat.covered_seconds or 0.0, 3),
            "completed": beat.lesson_done,
            "position": beat.position or 0.0,
        },
        "course": course_state(beat.user_id, beat.course_id, beat.credit_tenths, beat.region_code,
                               beat.lesson_done),
        **extra,
    }


def course_state(user_id: int, course_id: int, credit_tenths: int | None, region: str | None,
                 lesson_done: bool = True) -> dict:
    """The course as the player shows it: complete or not, the 学时 its completion credited, and
    whether its test still stands between the two (``exam_pending``, rules 7 and 13; never
    where the trainee's rules require no test).

    ``lesson_done`` False (a lesson of this course not yet complete) settles it without a query.
    """
    completed = lesson_done and ledger.course_completed(user_id, course_id)
    return {
        "id": course_id,
        "completed": completed,
        "credited_hours": credit_tenths / 10 if credit_tenths is not None else 0.0,
        "exam_pending": completed and credit_tenths is None and not exam_state.exam_satisfied(
            user_id, course_id, policy.rules_for(region).test_required),
    }
