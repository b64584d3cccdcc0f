"""The course test's database work (docs/rules.md rule 13): starting an attempt, saving
answers, submitting, closing overdue attempts, and each course's test state.

Helpers flush; the view or task commits. Every write first takes the attempt's row lock
(PostgreSQL) or the database's write turn (SQLite, core.sqlite_writers), and an attempt is
closed by one conditional ``UPDATE … WHERE submitted_at IS NULL``: two submits, or a submit
and the sweep, racing for the same attempt grade it once.
"""
import random
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import sqlite_writers
from core.extensions import db
from courses.models import Course, Question
from learning import exam_rules as rules
from learning import ledger
from learning.exam_state import passed_at, rules_for
from learning.models import ExamAttempt
from learning.rules import credit_year

SWEEP_BATCH = 200


class ExamRefused(Exception):
    """A refused exam call: ``status`` and ``code`` for the JSON error, and the open
    attempt's id for ``attempt_open``."""

    def __init__(self, status: int, code: str, message: str, attempt_id: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.attempt_id = status, code, message, attempt_id


@dataclass(frozen=True)
class ExamState:
    """A course's test for one trainee, as 我的学习 and the progress call show it."""

    required: bool
    passed: bool
    best_score: int | None
    attempts_left: int
    max_attempts: int = 0
    pass_score: int = 0

    def as_json(self) -> dict:
        return {"required": self.required, "passed": self.passed, "best_score": self.best_score,
                "attempts_left": self.attempts_left}


def answers_missing_message() -> str:
    return _("请求中缺少答案（answers）。")


def _attempts(user_id: int, course_id: int) -> list[ExamAttempt]:
    return list(db.session.scalars(select(ExamAttempt).where(
        ExamAttempt.user_id == user_id, ExamAttempt.course_id == course_id).order_by(ExamAttempt.id)))


def exam_state(user_id: int, course_id: int, now: datetime) -> ExamState:
    """Whether the course needs a pass, whether the trainee has one, the best score and the
    attempts left in ``now``'s credit year."""
    test = rules_for(course_id)
    attempts = _attempts(user_id, course_id)
    return ExamState(
        required=test.required, passed=any(a.passed for a in attempts),
        best_score=rules.best_score(a.score for a in attempts),
        attempts_left=rules.attempts_left(test.max_attempts, (a.year for a in attempts), now),
        max_attempts=test.max_attempts, pass_score=test.pass_score,
    )


def open_attempt_id(user_id: int, course_id: int) -> int | None:
    """The trainee's attempt at the course's test that is not closed yet, if any."""
    return db.session.scalar(select(ExamAttempt.id).where(
        ExamAttempt.user_id == user_id, ExamAttempt.course_id == course_id, ExamAttempt.submitted_at.is_(None)))


def _lock(attempt_id: int) -> ExamAttempt | None:
    """The attempt, read again under its row lock (PostgreSQL) or the write turn (SQLite)."""
    sqlite_writers.queue_for_writing(db.session)
    return db.session.scalar(select(ExamAttempt).where(ExamAttempt.id == attempt_id).with_for_update()
                             .execution_options(populate_existing=True))


def attempt_of(user_id: int, attempt_id: int, *, lock: bool = False) -> ExamAttempt:
    """The trainee's own attempt; anyone else's is not found (404)."""
    attempt = _lock(attempt_id) if lock else db.session.get(ExamAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise ExamRefused(404, "not_found", _("测验记录不存在。"))
    return attempt


def start(user_id: int, course_id: int, now: datetime, ip: str, rng: random.Random) -> ExamAttempt:
    """Draw a paper and open an attempt, once every lesson is complete, when no attempt is
    open and attempts are left this credit year."""
    sqlite_writers.queue_for_writing(db.session)
    course = db.session.scalar(select(Course).where(Course.id == course_id, Course.status == "published"))
    test = rules_for(course_id) if course is not None else None
    if test is None or not test.required:
        raise ExamRefused(404, "no_test", _("该课程没有课后测验。"))
    if not ledger.course_completed(user_id, course_id):
        raise ExamRefused(409, "lessons_incomplete", _("学习时长不足，请学完全部讲次后再来参加测验。"))
    _refuse_if_open(user_id, course_id, now)
    if passed_at(user_id, course_id) is not None:
        raise ExamRefused(409, "already_passed", _("您已通过本课程的测验。"))
    state = exam_state(user_id, course_id, now)
    if state.attempts_left <= 0:
        raise ExamRefused(409, "no_attempts_left", _("本年度的测验次数已用完。"))
    bank = db.session.scalars(select(Question).where(Question.course_id == course_id)).all()
    try:
        paper = rules.draw_paper(bank, test, rng)
    except rules.BankTooSmall:
        raise ExamRefused(409, "exam_unavailable", _("题库题目不足，暂时无法参加测验。")) from None
    attempt = ExamAttempt(user_id=user_id, course_id=course_id, year=credit_year(now), paper=paper, answers={},
                          pass_score=test.pass_score, started_at=now,
                          deadline=rules.deadline(now, test.time_limit_minutes), ip=ip[:45])
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # another request opened one first (uq_exam_attempts_open)
        _refuse_if_open(user_id, course_id, now)
        raise
    return attempt


def _refuse_if_open(user_id: int, course_id: int, now: datetime) -> None:
    """409 ``attempt_open`` (with its id) while an attempt runs; one past its deadline is
    graded now instead, with the answers saved before it."""
    open_attempt = db.session.scalar(select(ExamAttempt).where(
        ExamAttempt.user_id == user_id, ExamAttempt.course_id == course_id, ExamAttempt.submitted_at.is_(None)))
    if open_attempt is None:
        return
    if rules.accepts_answers(open_attempt.deadline, now):
        raise ExamRefused(409, "attempt_open", _("您有一次测验尚未交卷，请继续作答。"), open_attempt.id)
    finish(open_attempt.id, now, "deadline")


def save_answers(user_id: int, attempt_id: int, answers, now: datetime) -> ExamAttempt:
    """Lay ``answers`` over the saved ones. After submission or the deadline: 409, and
    nothing changes; answers that do not fit the paper: 422, and nothing changes."""
    attempt = attempt_of(user_id, attempt_id, lock=True)
    if attempt.submitted_at is not None:
        raise ExamRefused(409, "attempt_closed", _("本次测验已交卷，答案不能再修改。"))
    if not rules.accepts_answers(attempt.deadline, now):
        raise ExamRefused(409, "deadline_passed", _("答题时间已到，答案未保存。"))
    try:
        checked = rules.check_answers(attempt.paper, answers)
    except rules.AnswerError as refused:
        raise ExamRefused(422, refused.code, refused.message) from None
    attempt.answers = rules.merge_answers(attempt.answers or {}, checked)
    db.session.flush()
    return attempt


def finish(attempt_id: int, now: datetime, closed_by: str) -> bool:
    """Grade and close the attempt with the answers saved by now; True when this call closed
    it, False when it was already closed. A pass credits the course (rule 7)."""
    attempt = _lock(attempt_id)
    if attempt is None or attempt.submitted_at is not None:
        return False
    graded = rules.grade(attempt.paper, attempt.answers or {}, attempt.pass_score)
    closed = db.session.execute(
        update(ExamAttempt).where(ExamAttempt.id == attempt_id, ExamAttempt.submitted_at.is_(None))
        .values(submitted_at=now, closed_by=closed_by, score=graded.score, passed=graded.passed)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if closed != 1:
        return False
    if graded.passed:
        ledger.credit_course_if_complete(attempt.user_id, attempt.course_id, now)
    return True


def submit(user_id: int, attempt_id: int, now: datetime) -> ExamAttempt:
    """Close the trainee's attempt; past its deadline it counts as closed by the deadline
    (graded with what was saved before it). Submitting a closed attempt changes nothing."""
    attempt = attempt_of(user_id, attempt_id, lock=True)
    if attempt.submitted_at is None:
        finish(attempt.id, now, "trainee" if rules.accepts_answers(attempt.deadline, now) else "deadline")
    return attempt


def close_if_overdue(attempt: ExamAttempt, now: datetime) -> ExamAttempt:
    if attempt.submitted_at is None and not rules.accepts_answers(attempt.deadline, now):
        finish(attempt.id, now, "deadline")
        db.session.refresh(attempt)
    return attempt


def close_overdue(now: datetime, batch: int = SWEEP_BATCH) -> int:
    """Grade up to ``batch`` open attempts past their deadline; how many this call closed."""
    ids = db.session.scalars(select(ExamAttempt.id).where(
        ExamAttempt.submitted_at.is_(None), ExamAttempt.deadline <= now).order_by(ExamAttempt.deadline)
        .limit(batch)).all()
    return sum(1 for attempt_id in ids if finish(attempt_id, now, "deadline"))


def attempt_json(attempt: ExamAttempt, now: datetime) -> dict:
    """The attempt as its trainee sees it: the paper without answers, the saved answers, the
    deadline, and once closed, the result."""
    body = {
        "id": attempt.id, "course_id": attempt.course_id, "deadline": attempt.deadline.isoformat(),
        "questions": rules.public_paper(attempt.paper), "answers": attempt.answers or {},
        "submitted": attempt.submitted_at is not None,
    }
    if attempt.submitted_at is not None:
        body["result"] = result_json(attempt, now)
    return body


def result_json(attempt: ExamAttempt, now: datetime) -> dict:
    """Score, pass or fail and attempts left; the review only once the trainee has passed or
    has no attempts left (docs/rules.md rule 13)."""
    state = exam_state(attempt.user_id, attempt.course_id, now)
    body = {"score": attempt.score, "passed": bool(attempt.passed), "attempts_left": state.attempts_left,
            "best_score": state.best_score, "pass_score": attempt.pass_score,
            "closed_by": attempt.closed_by}
    if rules.review_allowed(state.passed, state.attempts_left):
        body["review"] = rules.review(attempt.paper, attempt.answers or {})
    return body
