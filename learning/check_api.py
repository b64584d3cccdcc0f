"""v1: answer a check that a heartbeat made due (issue 19): ``POST /api/v1/sessions/<id>/checks``.

The answer carries the check's one-use nonce. A right answer credits the stretch the check
held; a wrong one leaves it uncredited and tells the player where to re-watch from. The right
answer is never sent. A nonce that is unknown, of another session, used already or late, and
an answer to a question that was not asked, are refused (v1 JSON error) and recorded as
integrity events; nothing credited before changes.

A face check's frame is judged off the hot path: the call answers ``pending`` and the check is
``judging``; the same call with the nonce (and no answer) then asks for the verdict, applied by
learning.check_settle.apply_verdict (docs/architecture.md "Checks during video study").
"""
from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.access import login_required
from core.db import utcnow
from core.extensions import db
from core.http import ApiError, client_ip
from learning import check_kinds, check_store, checks, heartbeats, ledger
from learning.check_settle import apply_verdict, settle
from learning.models import WatchCheck

bp = Blueprint("check_api", __name__, url_prefix="/api/v1")


@bp.post("/sessions/<session_id>/checks")
@login_required
def answer_check(session_id: str):
    user_id = current_user.id
    db.session.commit()  # end the read that loaded the user: the lock must open the transaction
    locked = ledger.lock_session(user_id, session_id[:64])
    if locked is None or locked.session.user_id != user_id:
        raise ApiError(404, "not_found", _("观看会话不存在。"))
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    nonce = body.get("nonce")
    if not isinstance(nonce, str) or not 0 < len(nonce) <= 64:
        raise ApiError(422, "invalid_nonce", _("请求中缺少检查凭证（nonce）。"))
    check = _found(user_id, locked.session, nonce, body)
    now = utcnow()
    if check.state == "judging":  # a face frame posted: asking again fetches the verdict
        answer = apply_verdict(check, locked, client_ip(), now)
        db.session.commit()
        return answer
    if not checks.window_open(check.window_ends_at, now):
        check.state = "missed"
        check_store.record_miss(check, locked.course_id, locked.region_code, client_ip(), now)
        notice = check_store.verdict_notice(check, "missed")
        db.session.commit()
        raise ApiError(410, "check_expired", notice["message"])
    verdict = check_kinds.kind(check.kind).judge(check, body)
    if verdict == "pending":  # judged off the hot path (a face model): the player asks again for the verdict
        check.state = "judging"
        db.session.commit()
        return {"verdict": "pending", "credited_seconds": 0.0, "message": _("照片已收到，正在核验。")}
    if verdict is None:
        raise ApiError(422, "invalid_answer", _("答案应为所选选项的序号列表，单选题和判断题只选一项。"))
    answer = settle(check, verdict, locked, client_ip(), now)
    db.session.commit()
    return answer


def _found(user_id: int, session, nonce: str, body: dict) -> WatchCheck:
    """The due check of ``session`` that ``nonce`` opens, asked with the question the body
    answers; anything else is refused and, being a claim, recorded."""
    check = db.session.scalar(select(WatchCheck).where(WatchCheck.nonce_hash == checks.nonce_hash(nonce)))
    where = {"session_id": session.id, "lesson_id": session.lesson_id}
    if check is None or check.user_id != user_id:
        _refuse(user_id, "check_unknown_nonce", 422, "unknown_nonce",
                _("检查凭证无效，请继续播放，等待新的检查。"), **where)
    if check.session_id != session.id:
        _refuse(user_id, "check_foreign_session", 409, "other_session",
                _("该检查属于另一个观看窗口，请在本窗口继续学习。"), **where, check_session=check.session_id)
    if check.state not in ("due", "judging"):
        _refuse(user_id, "check_replayed", 409, "check_answered",
                _("该检查已作答过，不能重复提交。"), **where, state=check.state)
    if check.kind != "face" and body.get("question_id") != check.question_id:
        _refuse(user_id, "check_not_asked", 422, "question_not_asked",
                _("提交的题目不是本次检查所问的题目。"), **where, question_id=str(body.get("question_id"))[:32])
    return check


def _refuse(user_id: int, kind: str, status: int, code: str, message: str, session_id: str, lesson_id: int,
            **details):
    heartbeats.refuse(user_id, kind, ApiError(status, code, message), client_ip(), session_id, lesson_id, **details)
