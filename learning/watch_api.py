"""v1 watch calls: open a watch session (checks are answered through learning.check_api).

The heartbeats themselves are answered beside Flask (learning.heartbeat_app, learning.heartbeats),
authenticated by the watch token that opening a session hands out (learning.watch_token).
"""
import math
from datetime import timedelta

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_login import current_user, user_logged_out
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.access import login_required
from accounts.sessions import sessions_ended
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import ApiError, client_ip
from courses.media import links
from courses.models import Course, Lesson
from learning import heartbeats, ledger, watch_token

bp = Blueprint("watch_api", __name__, url_prefix="/api/v1")


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
        raise ApiError(404, "not_found", _("这一讲不存在或尚未发布。"))
    now = utcnow()
    turn = ledger.open_turn(budget, now, policy.session_opens_per_minute())
    if not turn.allowed:
        heartbeats.refuse(user_id, "session_rate_limited", ApiError(
            429, "too_many_sessions", _("打开课程过于频繁，请稍等片刻再继续学习。"),
            {"Retry-After": str(math.ceil(turn.retry_after))}), client_ip(), lesson_id=lesson_id)
    session = ledger.open_session(user_id, lesson, now, client_ip(),
                                  policy.attention_check_minutes())
    progress = ledger.progress_for(user_id, lesson.id)
    credit = ledger.course_credit(user_id, lesson.course_id)
    course = heartbeats.course_state(user_id, lesson.course_id, credit.hours_tenths if credit else None, region)
    answer = _opened(session, lesson, progress, course, now)
    db.session.commit()
    return answer, 201


def _opened(session, lesson: Lesson, progress, course: dict, now) -> dict:
    """The answer to opening a session: the lesson's state, the rules the player applies, the
    watch token its heartbeats carry (header ``X-Watch-Token``) and the video's links for the
    trainee (signed for nginx when MEDIA_LINK_SECRET is set: courses.media.links)."""
    expires = now + timedelta(hours=current_app.config["WATCH_TOKEN_HOURS"])
    return {
        "id": session.id,
        "watch_token": watch_token.issue(watch_token.key_from(current_app.config["SECRET_KEY"]), session.id,
                                         session.user_id, int(expires.timestamp())),
        "watch_token_expires_at": expires.isoformat(),
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
        "media": links.video_links(lesson.video, current_user, now),
    }


@user_logged_out.connect
def _close_on_sign_out(_app, user, **_extra) -> None:
    """Signing out ends the trainee's watch sessions, so their watch tokens stop counting
    (the sign-out view commits)."""
    ledger.close_sessions(user.id, utcnow())


@sessions_ended.connect
def _close_on_sessions_ended(user, now, **_extra) -> None:
    """A password reset ends the user's sign-ins everywhere, and so their watch sessions too
    (the caller commits)."""
    ledger.close_sessions(user.id, now)


@bp.post("/sessions/<session_id>/heartbeats")
def heartbeat(session_id: str):
    """Heartbeats are answered by learning.heartbeat_app before Flask sees them; what reaches
    this view has a session id that no watch session can have."""
    raise ApiError(404, "not_found", _("观看会话不存在。"))
