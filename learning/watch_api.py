"""v1 watch calls: open a watch session, send heartbeats, answer an attention check.

Every heartbeat is one short transaction committed before the answer (docs/rules.md rule 9):
a crash loses at most the heartbeat in flight, and its retry (same ``seq``) changes nothing.
"""
import math
import secrets
from datetime import timedelta

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.access import login_required
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import ApiError, client_ip
from courses.models import Course, Lesson
from learning import exam_state, ledger
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

bp = Blueprint("watch_api", __name__, url_prefix="/api/v1")


def limits_for(duration: float) -> Limits:
    return Limits(duration=duration, max_rate=float(policy.max_playback_rate()),
                  slack_seconds=float(policy.heartbeat_slack_seconds()),
                  heartbeat_seconds=float(policy.heartbeat_seconds()),
                  max_segments=policy.heartbeat_max_segments(),
                  completion_ratio=float(policy.completion_ratio()))


@bp.post("/lessons/<int:lesson_id>/sessions")
@login_required
def open_session(lesson_id: int):
    user_id, region = current_user.id, current_user.region_code
    db.session.commit()  # end the read that loaded the user: the lock must open the transaction
    budget = ledger.lock_budget(user_id)
    lesson = db.session.scalar(
        select(Lesson).join(Lesson.course).where(Lesson.id == lesson_id, Course.status == "published")
        .options(joinedload(Lesson.video))
    )
    if lesson is None:
        raise ApiError(404, "not_found", _("课时不存在或尚未发布。"))
    now = utcnow()
    turn = ledger.open_turn(budget, now, policy.session_opens_per_minute())
    if not turn.allowed:
        _refuse(user_id, "session_rate_limited", ApiError(
            429, "too_many_sessions", _("打开课程过于频繁，请稍等片刻再继续学习。"),
            {"Retry-After": str(math.ceil(turn.retry_after))}), lesson_id=lesson_id)
    session = ledger.open_session(user_id, lesson, now, client_ip(),
                                  policy.attention_check_minutes())
    progress = ledger.progress_for(user_id, lesson.id)
    course = _course_state(user_id, lesson.course_id, ledger.course_credit(user_id, lesson.course_id), region)
    answer = _opened(session, lesson, progress, course)
    db.session.commit()
    return answer, 201


def _opened(session, lesson: Lesson, progress, course: dict) -> dict:
    """The answer to opening a session: the lesson's state and the rules the player applies."""
    return {
        "id": session.id,
        "lesson_id": lesson.id,
        "duration_seconds": lesson.video.duration_seconds,
        "resume_position": progress.position if progress and not progress.completed_at else 0.0,
        "furthest_position": max((b for _a, b in progress.intervals), default=0.0) if progress else 0.0,
        "covered_seconds": progress.covered_seconds if progress else 0.0,
        "completed": bool(progress and progress.completed_at),
        "heartbeat_seconds": policy.heartbeat_seconds(),
        "max_playback_rate": policy.max_playback_rate(),
        "seek_lock": current_app.config["PLAYER_SEEK_LOCK"],
        "pause_when_hidden": current_app.config["PLAYER_PAUSE_WHEN_HIDDEN"],
        "max_segments": policy.heartbeat_max_segments(),
        "course": course,
    }


def _refuse(user_id: int, kind: str, error: ApiError, session_id: str | None = None,
            lesson_id: int | None = None, **details):
    """Record the refused claim as an integrity event, commit it, and answer with ``error``."""
    ledger.record_event(user_id, kind, utcnow(), session_id=session_id, lesson_id=lesson_id,
                        ip=client_ip(), **details)
    db.session.commit()
    raise error


def _state(locked: ledger.LockedSession, credited: float, **extra) -> dict:
    """The answer to a heartbeat, built before the commit that would expire what it reads."""
    progress = locked.progress
    lesson_done = bool(progress and progress.completed_at)
    return {
        "seq": locked.session.last_seq,
        "credited_seconds": round(credited, 3),
        "lesson": {
            "id": locked.session.lesson_id,
            "duration_seconds": locked.duration,
            "covered_seconds": round(progress.covered_seconds, 3) if progress else 0.0,
            "completed": lesson_done,
            "position": progress.position if progress else 0.0,
        },
        "course": _course_state(locked.session.user_id, locked.course_id, locked.credit, locked.region_code,
                                lesson_done),
        **extra,
    }


def _course_state(user_id: int, course_id: int, credit, region: str | None, lesson_done: bool = True) -> dict:
    """The course as the player shows it: complete or not, the 学时 its completion credited, and
    whether its test still stands between the two (``exam_pending``, rules 7 and 13; never
    where the trainee's rules require no test).

    ``lesson_done`` False (a lesson of this course not yet complete) settles it without a query.
    """
    completed = lesson_done and ledger.course_completed(user_id, course_id)
    return {
        "id": course_id,
        "completed": completed,
        "credited_hours": credit.hours if credit else 0.0,
        "exam_pending": completed and credit is None and not exam_state.exam_satisfied(
            user_id, course_id, policy.rules_for(region).test_required),
    }


def _locked_for(user_id: int, session_id: str) -> ledger.LockedSession:
    """The caller's open session on a published lesson, locked; anything else is refused."""
    locked = ledger.lock_session(user_id, session_id[:64])
    if locked is None or locked.session.user_id != user_id:
        if locked is not None:
            _refuse(user_id, "foreign_session", ApiError(404, "not_found", _("观看会话不存在。")),
                    session_id=session_id)
        raise ApiError(404, "not_found", _("观看会话不存在。"))
    session = locked.session
    if not session.open:
        _refuse(user_id, "closed_session", ApiError(409, "playing_elsewhere", _(
            "您已在其他窗口或设备上播放课程，本窗口已停止计时。")), session.id, session.lesson_id)
    if locked.course_status != "published":
        _refuse(user_id, "unpublished_lesson", ApiError(410, "lesson_unavailable", _(
            "该课程已下线，无法继续计时。")), session.id, session.lesson_id)
    if locked.withdrawn_at is not None and session.opened_at < locked.withdrawn_at:
        # Published again since: the session from before the withdrawal does not come back.
        session.open, session.closed_at = False, utcnow()
        _refuse(user_id, "unpublished_lesson", ApiError(410, "session_expired", _(
            "课程已重新发布，请刷新页面后继续学习。")), session.id, session.lesson_id)
    return locked


@bp.post("/sessions/<session_id>/heartbeats")
@login_required
def heartbeat(session_id: str):
    max_bytes = current_app.config["HEARTBEAT_MAX_BYTES"]
    user_id = current_user.id
    db.session.commit()  # end the read that loaded the user: the lock must open the transaction
    if (request.content_length or 0) > max_bytes:
        _refuse(user_id, "oversized_body", ApiError(413, "too_large", _("心跳请求过大。")),
                session_id=session_id[:32], bytes=request.content_length)
    request.max_content_length = max_bytes
    locked = _locked_for(user_id, session_id)
    now = utcnow()  # after the lock: a record stamped now commits within moments (docs/sync.md)
    session, limits = locked.session, limits_for(locked.duration)
    try:
        claim = parse_claim(request.get_json(silent=True), limits)
    except SegmentError as refused:
        _refuse(user_id, "invalid_heartbeat", ApiError(422, refused.code, refused.message), session.id,
                session.lesson_id, code=refused.code)
    if claim.seq <= session.last_seq:
        ledger.record_event(user_id, "repeated_seq", now, session_id=session.id, lesson_id=session.lesson_id,
                            ip=client_ip(), seq=claim.seq, last_seq=session.last_seq)
        return _commit(_state(locked, 0.0, duplicate=True))
    session.last_seq = claim.seq
    if _attention_pending(session, now):
        return _attention(locked, claim, now)
    today = day_count(locked.budget.day, locked.budget.day_seconds, now)
    closed = _closed(locked, today, now)
    if closed is not None:
        return _closed_answer(locked, closed, now)
    return _credit(locked, claim, now, limits, today)


def _closed(locked: ledger.LockedSession, today: DayCount, now) -> dict | None:
    """Why nothing may be credited now, or None (docs/rules.md rule 14): the trainee's region
    has locked the year, no window of the course's subject type is open, or today's credit
    reached the region's daily cap. Rules come from the book read once per app context."""
    region = locked.region_code
    year = policy.year_of(locked.subject_type, region, now)
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


def _closed_answer(locked: ledger.LockedSession, closed: dict, now) -> dict:
    """Answer 200 with the state and why nothing was credited. The clocks move on to now, so
    the time watched while closed cannot be claimed once crediting opens again."""
    locked.session.last_heartbeat_at = now
    locked.budget.played_until = resume_clock(locked.budget.played_until, now)
    return _commit(_state(locked, 0.0, closed=closed))


def _commit(answer: dict) -> dict:
    db.session.commit()
    return answer


def _credit(locked: ledger.LockedSession, claim: Claim, now, limits: Limits, today: DayCount) -> dict:
    """Credit what the claim may honestly have played, record what was cut, count it for the
    day (a daily cap), commit."""
    session, budget = locked.session, locked.budget
    outcome = apply_heartbeat(locked.progress.intervals if locked.progress else [],
                              budget_start(budget.played_until, session.opened_at), claim, now, limits,
                              last_beat=session.last_heartbeat_at)
    budget.played_until = outcome.played_until
    today = today.plus(outcome.credited_seconds)
    budget.day, budget.day_seconds = today.day, today.seconds
    session.played_seconds += outcome.played_seconds
    session.last_heartbeat_at = now
    claimed = sum(b - a for a, b in claim.segments)
    for event in outcome.events:
        kind = event.pop("kind")
        ledger.record_event(session.user_id, kind, now, session_id=session.id, lesson_id=session.lesson_id,
                            claimed=claimed, credited=outcome.played_seconds, ip=client_ip(), **event)
    ledger.save_progress(locked, outcome.intervals, outcome.covered_seconds, claim.position,
                         outcome.completed, now)
    if outcome.completed:
        locked.credit = ledger.credit_course_if_complete(session.user_id, locked.course_id, now)
    return _commit(_state(locked, outcome.credited_seconds))


def _attention_pending(session, now) -> bool:
    return session.attention_due_at is not None and now >= session.attention_due_at


def _attention(locked: ledger.LockedSession, claim: Claim, now):
    """While an attention check waits for its answer, nothing is credited."""
    session = locked.session
    if session.attention_token is None:
        session.attention_token = secrets.token_hex(8)
    if claim.segments:
        ledger.record_event(session.user_id, "attention_pending", now, session_id=session.id,
                            lesson_id=session.lesson_id, claimed=sum(b - a for a, b in claim.segments),
                            ip=client_ip())
    return _commit(_state(locked, 0.0, attention={"token": session.attention_token}))


@bp.post("/sessions/<session_id>/attention")
@login_required
def answer_attention(session_id: str):
    user_id = current_user.id
    db.session.commit()
    locked = ledger.lock_session(user_id, session_id[:64])
    if locked is None or locked.session.user_id != user_id:
        raise ApiError(404, "not_found", _("观看会话不存在。"))
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    session = locked.session
    if not session.attention_token or body.get("token") != session.attention_token:
        raise ApiError(422, "invalid_token", _("确认已失效，请刷新页面后继续学习。"))
    now = utcnow()
    session.attention_token = None
    locked.budget.played_until = resume_clock(locked.budget.played_until, now)
    session.attention_due_at = now + timedelta(minutes=policy.attention_check_minutes())
    db.session.commit()
    return {"ok": True, "next_check_at": session.attention_due_at.isoformat()}
