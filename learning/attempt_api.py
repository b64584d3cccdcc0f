"""v1 course-test calls for trainees (docs/rules.md rule 13): start an attempt, resume it,
save answers, submit. The paper leaves the server without answers or explanations; the
review comes with a result only once the trainee has passed or has no attempts left.

Each call is one transaction committed before the answer; a refusal keeps what was done
before it (an overdue attempt graded on the way) and changes nothing else.
"""
import random

from flask import Blueprint, jsonify, request
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import client_ip
from learning import exam_rules, exams

bp = Blueprint("attempt_api", __name__, url_prefix="/api/v1")
trainee_only = role_required("trainee")


@bp.errorhandler(exams.ExamRefused)
def refused(error: exams.ExamRefused):
    db.session.commit()
    body = {"code": error.code, "message": error.message}
    if error.attempt_id is not None:
        body["attempt_id"] = error.attempt_id
    response = jsonify(error=body)
    response.status_code = error.status
    return response


def _begin() -> int:
    """The caller's id, with the read that loaded them ended: the write lock opens the transaction."""
    user_id = current_user.id
    db.session.commit()
    return user_id


@bp.post("/courses/<int:course_id>/exam/attempts")
@trainee_only
def start_attempt(course_id: int):
    user_id = _begin()
    now = utcnow()
    attempt = exams.start(user_id, course_id, now, client_ip(), random.SystemRandom())
    answer = exams.attempt_json(attempt, now)
    db.session.commit()
    return answer, 201


@bp.get("/exam-attempts/<int:attempt_id>")
@trainee_only
def get_attempt(attempt_id: int):
    """Resume: the same paper, the saved answers and the deadline (the result once closed;
    an attempt found past its deadline is graded first)."""
    user_id = _begin()
    now = utcnow()
    attempt = exams.close_if_overdue(exams.attempt_of(user_id, attempt_id), now)
    answer = exams.attempt_json(attempt, now)
    db.session.commit()
    return answer


@bp.put("/exam-attempts/<int:attempt_id>/answers")
@trainee_only
def save_answers(attempt_id: int):
    user_id = _begin()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "answers" not in body:
        raise exams.ExamRefused(422, "invalid_answers", exams.answers_missing_message())
    now = utcnow()
    attempt = exams.save_answers(user_id, attempt_id, body["answers"], now)
    answer = {"id": attempt.id, "answers": attempt.answers, "deadline": attempt.deadline.isoformat(),
              "answered": exam_rules.answered(attempt.paper, attempt.answers), "questions": len(attempt.paper)}
    db.session.commit()
    return answer


@bp.post("/exam-attempts/<int:attempt_id>/submit")
@trainee_only
def submit(attempt_id: int):
    """Grade and close the attempt (once, however many submits race); the result."""
    user_id = _begin()
    now = utcnow()
    attempt = exams.submit(user_id, attempt_id, now)
    answer = exams.result_json(attempt, now)
    db.session.commit()
    return answer
