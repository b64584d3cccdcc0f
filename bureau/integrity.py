"""诚信监测: integrity signals for a bureau officer's scope, their drill-downs, a trainee's full
learning record (audited) and certificate look-up by number (audited).

Only trainees registered in the officer's scope are ever shown: a trainee elsewhere is a
404, as if they did not exist; a ``?region=`` outside the scope is a 403. Lists show ID
numbers masked; the full number is on the trainee's record, whose every opening is audited.
"""
import re

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from accounts import audit
from accounts.access import role_required
from accounts.models import User
from accounts.regions import region_name
from bureau import exam_signals, signals
from bureau.officer import asked_region, asked_scope, filter_context
from core import policy
from core.db import utcnow
from core.extensions import db
from core.paging import page_number
from courses.models import Course
from learning import dossier, progress, signing, verification
from learning.models import Certificate, ExamAttempt, IntegrityEvent
from learning.progress import chosen_year

bp = Blueprint("integrity", __name__)

PER_PAGE = 50
RECORD_EVENTS = 200
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


KIND_NAMES = {
    "oversized_heartbeat": _l("单次心跳上报的播放时长过多"),
    "faster_than_real_time": _l("播放快于真实时间"),
    "rate_above_limit": _l("播放倍速超过上限"),
    "invalid_heartbeat": _l("心跳数据无效"),
    "oversized_body": _l("心跳请求过大"),
    "foreign_session": _l("使用他人的观看会话"),
    "closed_session": _l("多屏观看：会话已被新会话关闭"),
    "unpublished_lesson": _l("该讲未发布"),
    "repeated_seq": _l("重复的心跳序号"),
    "attention_pending": _l("未响应在线确认"),
    "session_rate_limited": _l("打开课程过于频繁，已被限制"),
    # Server-scheduled checks (issue 19, learning.check_api).
    "check_failed": _l("随堂检查回答错误"),
    "check_missed": _l("随堂检查超时未答"),
    "checks_over_allowance": _l("未通过的随堂检查超过允许次数，待审核"),
    "check_unknown_nonce": _l("随堂检查凭证无效"),
    "check_foreign_session": _l("使用其他窗口的随堂检查凭证"),
    "check_replayed": _l("重复提交已作答的随堂检查"),
    "check_not_asked": _l("回答未被提问的题目"),
}
# Events recorded with the seconds their heartbeat claimed; the other kinds were refused
# before its segments were read, so they have no claimed or credited seconds to show.
MEASURED_KINDS = frozenset({"oversized_heartbeat", "faster_than_real_time", "rate_above_limit",
                            "attention_pending", "check_failed", "check_missed"})
SIGNAL_NAMES = {
    "clipped": _l("心跳被截减或拒绝"),
    "two_screens": _l("多屏同时观看"),
    "session_churn": _l("频繁打开课程"),
    "long_days": _l("单日学时过多"),
    "shared_ip": _l("同一地址多个账号"),
    "exam_fast": _l("测验交卷过快"),
    "exam_overlap": _l("多个地址同时考试"),
    "exam_fails": _l("测验连续不及格"),
}


@bp.context_processor
def _helpers():
    return {"region_name": region_name, "SIGNALS": signals.SIGNALS, "kind_names": KIND_NAMES,
            "signal_names": SIGNAL_NAMES, "measured_kinds": MEASURED_KINDS, "subject_name": policy.subject_name,
            "subject_types": policy.SUBJECT_TYPES}


def shared_ip_users() -> int:
    return max(2, int(current_app.config.get("INTEGRITY_SHARED_IP_USERS", 5)))


def daily_tenths() -> int:
    """More than this many tenths of 学时 credited in one day is a signal (default 10 学时)."""
    return round(float(current_app.config.get("INTEGRITY_DAILY_HOURS", 10)) * 10)


@bp.get("/bureau/integrity")
@role_required("bureau")
def index():
    scope, year = asked_scope(), chosen_year()
    found = {
        "clipped": signals.flagged_by_events(scope, year, signals.CLIPPED_KINDS),
        "two_screens": signals.flagged_by_events(scope, year, signals.TWO_SCREENS_KINDS),
        "session_churn": signals.flagged_by_events(scope, year, signals.SESSION_CHURN_KINDS),
        "long_days": signals.flagged_long_days(scope, year, daily_tenths()),
        "shared_ip": signals.shared_addresses(scope, year, shared_ip_users()),
        "exam_fast": exam_signals.flagged_fast(scope, year, policy.exam_seconds_per_question()),
        "exam_overlap": exam_signals.flagged_overlaps(scope, year),
        "exam_fails": exam_signals.flagged_fails(scope, year, policy.exam_fails_in_a_row()),
    }
    return render_template("integrity/index.html", found=found, min_users=shared_ip_users(),
                           daily_hours=daily_tenths() / 10, **_exam_limits(), **filter_context(scope, year))


def _exam_limits() -> dict:
    return {"seconds_per_question": policy.exam_seconds_per_question(), "fails_in_a_row": policy.exam_fails_in_a_row()}


def _exam_rows(signal: str, scope, year: int, user_id: int | None):
    if signal == "exam_fast":
        return exam_signals.fast_rows(scope, year, policy.exam_seconds_per_question(), user_id)
    if signal == "exam_overlap":
        return exam_signals.overlap_rows(scope, year, user_id)
    return exam_signals.fail_rows(scope, year, policy.exam_fails_in_a_row(), user_id)


def _filter_user(scope) -> User | None:
    """``?user=`` as a trainee of the scope; 404 for anyone else."""
    raw = request.args.get("user", "").strip()
    if not raw:
        return None
    person = signals.trainee(scope, int(raw)) if raw.isdigit() else None
    if person is None:
        abort(404)
    return person


@bp.get("/bureau/integrity/<signal>")
@role_required("bureau")
def signal(signal: str):
    if signal not in signals.SIGNALS and signal not in exam_signals.EXAM_SIGNALS:
        abort(404)
    scope, year = asked_scope(), chosen_year()
    person = _filter_user(scope)
    user_id = person.id if person else None
    ip = request.args.get("ip", "").strip()[:45]
    day = request.args.get("day", "").strip()
    day = day if DAY.fullmatch(day) else ""
    if signal in signals.EVENT_SIGNALS:
        stmt = signals.event_rows(scope, year, signals.EVENT_SIGNALS[signal], user_id)
    elif signal in exam_signals.EXAM_SIGNALS:
        stmt = _exam_rows(signal, scope, year, user_id)
    elif signal == "long_days":
        stmt = signals.long_day_rows(scope, year, daily_tenths(), user_id, day or None)
    else:
        stmt = signals.shared_ip_rows(scope, year, shared_ip_users(), ip or None, user_id)
    page = signals.paged(stmt, page_number(), PER_PAGE)
    return render_template(f"integrity/{signal}.html", signal=signal, page=page, person=person, ip=ip, day=day,
                           min_users=shared_ip_users(), daily_hours=daily_tenths() / 10, **_exam_limits(),
                           **filter_context(scope, year))


def _record(person: User) -> dict:
    """A trainee's whole learning record, as the trainee record page shows it."""
    totals = progress.year_totals(person.id)
    events = db.session.scalars(
        select(IntegrityEvent).where(IntegrityEvent.user_id == person.id)
        .order_by(IntegrityEvent.at.desc(), IntegrityEvent.id.desc()).limit(RECORD_EVENTS)).all()
    event_counts = dict(db.session.execute(
        select(IntegrityEvent.kind, func.count()).where(IntegrityEvent.user_id == person.id)
        .group_by(IntegrityEvent.kind).order_by(IntegrityEvent.kind)).all())
    attempts = db.session.execute(
        select(ExamAttempt, Course.title).join(Course, Course.id == ExamAttempt.course_id)
        .where(ExamAttempt.user_id == person.id)
        .order_by(ExamAttempt.started_at.desc(), ExamAttempt.id.desc()).limit(RECORD_EVENTS)).all()
    certs = db.session.scalars(select(Certificate).where(Certificate.user_id == person.id)
                              .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
    return {
        "totals": totals,
        "credits": {year: progress.year_credits(person.id, year) for year in totals},
        "in_progress": progress.in_progress(person.id),
        "events": events, "event_counts": event_counts, "certificates": certs, "attempts": attempts,
    }


@bp.get("/bureau/trainees/<int:user_id>")
@role_required("bureau")
def trainee(user_id: int):
    scope = asked_scope()
    person = signals.trainee(scope, user_id)
    if person is None:
        abort(404)
    record = _record(person)
    audit.record("trainee_record_viewed", target=f"user:{person.id}", user_id=person.id,
                 region_code=person.region_code, scope=scope.code, years=sorted(record["totals"]),
                 integrity_events=sum(record["event_counts"].values()), certificates=len(record["certificates"]),
                 exam_attempts=len(record["attempts"]))
    db.session.commit()
    # Each year under the rules of the trainee's region for that year, as 我的学习 judges it.
    standings = {year: policy.standing(person.region_code, year, by_type)
                 for year, by_type in progress.credited_by_year_and_type(person.id).items()}
    correction_url = url_for("corrections_views.create", user_id=person.id,
                             region=asked_region() or None)
    return render_template("integrity/trainee.html", person=person, standings=standings,
                           correction_url=correction_url, this_year=policy.this_year(utcnow()),
                           dossier=dossier.dossier_of(person, utcnow()), **record)


@bp.get("/bureau/certificates")
@role_required("bureau")
def certificate_lookup():
    scope = asked_scope()
    number = request.args.get("number", "").strip().upper()[:40]
    verdict = facts = holder = None
    if number:
        verdict = verification.look_up(number, signing.public_key())
        cert = verdict.certificate
        if cert is not None and verdict.status in ("valid", "superseded"):
            facts = verification.public_facts(cert.payload)
        # The holder's full identity only for a trainee of this scope; others see the public facts.
        if cert is not None:
            holder = signals.trainee(scope, cert.user_id)
        audit.record("certificate_lookup", target=f"certificate:{number}", number=number, status=verdict.status,
                     holder_in_scope=holder is not None, scope=scope.code)
        db.session.commit()
    return render_template("integrity/certificates.html", number=number, verdict=verdict, facts=facts,
                           holder=holder)
