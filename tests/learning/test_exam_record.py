"""我的学习, GET /api/v1/me/progress and the course certificate show each course's test."""
import random

from core.db import utcnow
from core.extensions import db
from learning import certificates, exams, signing, verification
from learning.rules import credit_year
from openapi.openapi import spec
from tests.learning.exam_world import add_bank, complete_lessons, right_answers, wrong_answers
from tests.openapi.openapi_checker import Checker

PROGRESS = "/api/v1/me/progress"


def take(trainee, course, answers) -> exams.ExamAttempt:
    attempt = exams.start(trainee.id, course.id, utcnow(), "", random.Random(3))
    exams.save_answers(trainee.id, attempt.id, answers(attempt), utcnow())
    exams.submit(trainee.id, attempt.id, utcnow())
    db.session.commit()
    return attempt


def progress(client) -> dict:
    response = client.get(PROGRESS)
    return Checker(spec()).check(response, PROGRESS, "get").get_json()


def test_a_course_watched_and_not_passed_stays_in_progress_with_its_test(client, sign_in, make_user, make_course):
    trainee, course = make_user(), add_bank(make_course("数字经济概论", lessons=1))
    complete_lessons(trainee, course)
    sign_in(trainee)
    body = progress(client)
    assert body["courses"] == []
    [entry] = body["in_progress"]
    assert entry["exam"] == {"required": True, "passed": False, "best_score": None, "attempts_left": 3}
    take(trainee, course, wrong_answers)
    assert progress(client)["in_progress"][0]["exam"]["attempts_left"] == 2
    html = client.get("/me/learning").get_data(as_text=True)
    assert "课后测验未通过：最高分 0 分，本年度剩余 2 次" in html and f"/courses/{course.id}/exam" in html


def test_a_passed_course_is_credited_with_its_score(client, sign_in, make_user, make_course):
    trainee, course = make_user(), add_bank(make_course("数字经济概论", lessons=1))
    complete_lessons(trainee, course)
    take(trainee, course, right_answers)
    sign_in(trainee)
    body = progress(client)
    assert [(c["course_id"], c["exam"]["passed"], c["exam"]["best_score"]) for c in body["courses"]] == [
        (course.id, True, 100)]
    assert body["in_progress"] == []
    assert "100 分" in client.get("/me/learning").get_data(as_text=True)


def test_the_course_certificate_carries_the_score_and_verifies(client, sign_in, make_user, make_course):
    trainee, course = make_user(), add_bank(make_course(lessons=1))
    complete_lessons(trainee, course)
    take(trainee, course, right_answers)
    cert, created = certificates.issue(trainee, ("course", credit_year(utcnow()), course.id), 300, utcnow())
    db.session.commit()
    assert created and cert.payload["courses"][0]["exam_score"] == 100
    assert verification.record_problems(cert, signing.public_key()) == []
    sign_in(trainee)
    assert "测验 100 分" in client.get("/me/certificates").get_data(as_text=True)
