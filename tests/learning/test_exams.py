"""The course test's service (learning/exams.py): starting, saving, submitting, the deadline
and the sweep, on the database (docs/rules.md rule 13)."""
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from learning import exams
from learning.models import ExamAttempt
from tests.learning.exam_world import add_bank, attempt, complete_lessons, credits, right_answers, wrong_answers
from tests.learning.test_certificates_concurrency import post

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def world(make_user, make_course):
    trainee, course = make_user(), add_bank(make_course(lessons=1))
    complete_lessons(trainee, course, NOW - timedelta(hours=1))
    return trainee, course


def start(trainee, course, now=NOW, seed=1) -> ExamAttempt:
    started = exams.start(trainee.id, course.id, now, "10.0.0.1", random.Random(seed))
    db.session.commit()
    return started


def refused(call, *args) -> exams.ExamRefused:
    with pytest.raises(exams.ExamRefused) as caught:
        call(*args)
    db.session.commit()  # as the API does: a refusal keeps what was done before it (an overdue attempt graded)
    return caught.value


def test_the_test_opens_only_once_every_lesson_is_complete(make_user, make_course):
    trainee, course = make_user(), add_bank(make_course(lessons=2))
    error = refused(exams.start, trainee.id, course.id, NOW, "", random.Random(1))
    assert (error.status, error.code) == (409, "lessons_incomplete")
    assert db.session.scalars(select(ExamAttempt)).all() == []


def test_a_course_without_a_test_is_not_found(make_user, make_course):
    trainee, course = make_user(), make_course(lessons=1)
    complete_lessons(trainee, course)
    assert refused(exams.start, trainee.id, course.id, NOW, "", random.Random(1)).status == 404
    add_bank(course, required=False)
    assert refused(exams.start, trainee.id, course.id, NOW, "", random.Random(1)).code == "no_test"


def test_one_attempt_is_open_at_a_time(world):
    trainee, course = world
    first = start(trainee, course)
    error = refused(exams.start, trainee.id, course.id, NOW + timedelta(minutes=1), "", random.Random(2))
    assert (error.status, error.code, error.attempt_id) == (409, "attempt_open", first.id)


def test_an_attempt_left_past_its_deadline_is_graded_when_the_next_one_starts(world):
    trainee, course = world
    first = start(trainee, course)
    exams.save_answers(trainee.id, first.id, right_answers(first), NOW + timedelta(minutes=5))
    db.session.commit()
    second_try = NOW + timedelta(minutes=31)
    error = refused(exams.start, trainee.id, course.id, second_try, "", random.Random(2))
    # It was passed on the saved answers, so no second attempt is needed.
    assert error.code == "already_passed"
    closed = attempt(first.id)
    assert (closed.score, closed.passed, closed.closed_by) == (100, True, "deadline")


def test_attempts_run_out_within_a_credit_year_and_come_back_the_next(world):
    trainee, course = world
    for n in range(3):
        taken = start(trainee, course, NOW + timedelta(hours=n))
        exams.submit(trainee.id, taken.id, NOW + timedelta(hours=n, minutes=1))
        db.session.commit()
    error = refused(exams.start, trainee.id, course.id, NOW + timedelta(hours=4), "", random.Random(9))
    assert (error.status, error.code) == (409, "no_attempts_left")
    next_year = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)
    assert start(trainee, course, next_year).year == 2027


def test_saved_answers_are_kept_and_wrong_ones_change_nothing(world):
    trainee, course = world
    taken = start(trainee, course)
    first = taken.paper[0]
    exams.save_answers(trainee.id, taken.id, {str(first["id"]): [0]}, NOW + timedelta(minutes=1))
    db.session.commit()
    error = refused(exams.save_answers, trainee.id, taken.id, {"99999": [0]}, NOW + timedelta(minutes=2))
    assert (error.status, error.code) == (422, "unknown_question")
    assert attempt(taken.id).answers == {str(first["id"]): [0]}


def test_answers_after_the_deadline_are_refused_and_change_nothing(world):
    trainee, course = world
    taken = start(trainee, course)
    qid = str(taken.paper[0]["id"])
    exams.save_answers(trainee.id, taken.id, {qid: [0]}, NOW + timedelta(minutes=29))
    db.session.commit()
    error = refused(exams.save_answers, trainee.id, taken.id, {qid: [1]}, NOW + timedelta(minutes=30))
    assert (error.status, error.code) == (409, "deadline_passed")
    assert attempt(taken.id).answers == {qid: [0]}


def test_another_trainees_attempt_is_not_found(world, make_user):
    trainee, course = world
    taken = start(trainee, course)
    stranger = make_user()
    assert refused(exams.save_answers, stranger.id, taken.id, {}, NOW).status == 404
    assert refused(exams.submit, stranger.id, taken.id, NOW).status == 404
    assert attempt(taken.id).submitted_at is None


def test_a_pass_credits_the_course_once_and_a_fail_does_not(world):
    trainee, course = world
    failed = start(trainee, course)
    exams.save_answers(trainee.id, failed.id, wrong_answers(failed), NOW + timedelta(minutes=1))
    exams.submit(trainee.id, failed.id, NOW + timedelta(minutes=2))
    db.session.commit()
    assert (attempt(failed.id).score, attempt(failed.id).passed) == (0, False)
    passed = start(trainee, course, NOW + timedelta(minutes=3), seed=2)
    exams.save_answers(trainee.id, passed.id, right_answers(passed), NOW + timedelta(minutes=4))
    exams.submit(trainee.id, passed.id, NOW + timedelta(minutes=5))
    exams.submit(trainee.id, passed.id, NOW + timedelta(minutes=6))  # again: nothing changes
    db.session.commit()
    assert attempt(passed.id).submitted_at == NOW + timedelta(minutes=5)
    assert [(row.hours_tenths, row.year) for row in credits(trainee)] == [(course.credit_tenths, 2026)]
    state = exams.exam_state(trainee.id, course.id, NOW + timedelta(minutes=7))
    assert state.as_json() == {"required": True, "passed": True, "best_score": 100, "attempts_left": 1}


def test_the_review_waits_for_a_pass_or_the_last_attempt(world):
    trainee, course = world
    for n in range(3):
        taken = start(trainee, course, NOW + timedelta(hours=n), seed=n)
        exams.submit(trainee.id, taken.id, NOW + timedelta(hours=n, minutes=1))
        db.session.commit()
        result = exams.result_json(attempt(taken.id), NOW + timedelta(hours=n, minutes=2))
        assert ("review" in result) is (n == 2)
    assert all(q["answer"] and "explanation" in q for q in result["review"])


def test_the_sweep_grades_overdue_attempts_with_their_saved_answers(world, make_user):
    trainee, course = world
    other = make_user()
    complete_lessons(other, course)
    late = start(trainee, course)
    running = start(other, course, NOW + timedelta(minutes=20))
    exams.save_answers(trainee.id, late.id, right_answers(late), NOW + timedelta(minutes=10))
    db.session.commit()
    assert exams.close_overdue(NOW + timedelta(minutes=31)) == 1
    db.session.commit()
    assert (attempt(late.id).score, attempt(late.id).closed_by) == (100, "deadline")
    assert attempt(running.id).submitted_at is None
    assert exams.close_overdue(NOW + timedelta(minutes=32)) == 0


def test_submits_racing_over_http_grade_the_attempt_once(server, world):
    """Real HTTP against a threaded server: each submit in its own connection and transaction."""
    trainee, course = world
    taken = exams.start(trainee.id, course.id, utcnow(), "", random.Random(1))
    exams.save_answers(trainee.id, taken.id, right_answers(taken), utcnow())
    _row, token = issue_token(trainee, "test", utcnow())
    db.session.commit()
    barrier, url = threading.Barrier(4), f"{server}/api/v1/exam-attempts/{taken.id}/submit"

    def submit():
        barrier.wait()
        return post(url, token, {})

    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: submit(), range(4)))
    assert [status for status, _ in replies] == [200] * 4
    assert {(body["score"], body["passed"], body["attempts_left"]) for _, body in replies} == {(100, True, 2)}
    closed = attempt(taken.id)
    assert (closed.score, closed.closed_by) == (100, "trainee")
    assert len(credits(trainee)) == 1
