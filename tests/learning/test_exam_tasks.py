"""Attempts abandoned past their deadline are graded by a periodic task on the queue."""
import random
from datetime import datetime, timedelta

from core import queue
from core.db import utcnow
from core.extensions import db
from learning import exams
from learning.exam_tasks import sweep_overdue_attempts
from tests.learning.exam_world import add_bank, attempt, complete_lessons, credits, right_answers


def test_the_sweep_is_registered_and_runs_every_minute(app):
    task_class = sweep_overdue_attempts.task_class
    assert queue.huey._registry.string_to_task("learning.exam_tasks.sweep_overdue_attempts") is task_class
    # The consumer asks with naive UTC times (the queue is ``utc=True``).
    runs = [minute for minute in range(60) if task_class().validate_datetime(datetime(2026, 3, 1, 8, minute))]
    assert runs == list(range(60))
    assert "learning.exam_tasks" in app.config["TASK_MODULES"]


def test_an_abandoned_attempt_is_graded_with_its_saved_answers_and_credits_the_course(make_user, make_course):
    trainee, running_trainee, course = make_user(), make_user(), add_bank(make_course(lessons=1))
    complete_lessons(trainee, course)
    complete_lessons(running_trainee, course)
    abandoned = exams.start(trainee.id, course.id, utcnow() - timedelta(minutes=40), "", random.Random(1))
    exams.save_answers(trainee.id, abandoned.id, right_answers(abandoned), utcnow() - timedelta(minutes=39))
    running = exams.start(running_trainee.id, course.id, utcnow(), "", random.Random(2))
    db.session.commit()
    assert sweep_overdue_attempts.call_local() == 1
    closed = attempt(abandoned.id)
    assert (closed.score, closed.passed, closed.closed_by) == (100, True, "deadline")
    assert [row.course_id for row in credits(trainee)] == [course.id]
    assert attempt(running.id).submitted_at is None
    assert sweep_overdue_attempts.call_local() == 0
