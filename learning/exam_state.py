"""What the ledger needs to know of a course's test: whether one is required and whether a
trainee passed it (docs/rules.md rules 7 and 13). Reads only; below learning/exams.py, so
that crediting (learning/ledger.py) can ask without importing the exam service."""
from datetime import datetime

from sqlalchemy import func, select

from core.extensions import db
from courses.models import ExamSettings, Question
from courses.rules import ExamRules, exam_rules
from learning.models import ExamAttempt


def rules_for(course_id: int) -> ExamRules:
    """The course's test as it applies now (none required of an empty bank)."""
    settings = db.session.get(ExamSettings, course_id)
    bank = db.session.scalar(select(func.count()).select_from(Question).where(Question.course_id == course_id))
    return exam_rules(settings, bank or 0)


def passed_at(user_id: int, course_id: int) -> datetime | None:
    """When the trainee first passed the course's test, or None."""
    return db.session.scalar(
        select(func.min(ExamAttempt.submitted_at)).where(
            ExamAttempt.user_id == user_id, ExamAttempt.course_id == course_id, ExamAttempt.passed.is_(True))
    )


def exam_satisfied(user_id: int, course_id: int, test_required: bool = True) -> bool:
    """True when the course requires no test, the trainee's rules require none
    (``test_required``, core.policy's ``RuleSet.test_required``: then completion alone
    credits), or the trainee has passed it."""
    if not test_required:
        return True
    return not rules_for(course_id).required or passed_at(user_id, course_id) is not None
