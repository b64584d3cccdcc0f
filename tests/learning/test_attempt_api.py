"""The v1 course-test calls as a trainee's browser makes them (docs/rules.md rule 13), each
answer checked against the OpenAPI description."""
import json
from datetime import UTC, datetime, timedelta

import pytest

import learning.attempt_api
from openapi.openapi import spec
from tests.conftest import sign_in_as
from tests.learning.exam_world import add_bank, attempt, complete_lessons, credits, right_answers, wrong_answers
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1"
START, ATTEMPT = f"{V1}/courses/{{course_id}}/exam/attempts", f"{V1}/exam-attempts/{{attempt_id}}"
ANSWERS, SUBMIT = f"{ATTEMPT}/answers", f"{ATTEMPT}/submit"


@pytest.fixture
def now(monkeypatch):
    clock = [datetime(2026, 6, 1, 2, 0, tzinfo=UTC)]
    monkeypatch.setattr(learning.attempt_api, "utcnow", lambda: clock[0])
    return clock


@pytest.fixture
def api(client):
    checker = Checker(spec())

    def call(method: str, template: str, expect: int, **ids):
        body = ids.pop("json", None)
        response = client.open(template.format(**ids), method=method.upper(), json=body)
        assert response.status_code == expect, response.get_data(as_text=True)
        return checker.check(response, template, method).get_json()

    return call


@pytest.fixture
def trainee(client, make_user):
    user = make_user()
    sign_in_as(client, user)
    return user


@pytest.fixture
def course(make_course, trainee):
    course = add_bank(make_course(lessons=1))
    complete_lessons(trainee, course)
    return course


def test_before_the_lessons_are_complete_the_test_is_refused(api, trainee, make_course):
    course = add_bank(make_course(lessons=2))
    error = api("post", START, 409, course_id=course.id)["error"]
    assert error["code"] == "lessons_incomplete" and "学完" in error["message"]


def test_a_course_without_a_test_is_not_found(api, trainee, make_course):
    assert api("post", START, 404, course_id=make_course().id)["error"]["code"] == "no_test"


def test_the_paper_comes_without_answers_and_resumes_with_the_saved_ones(api, course, now):
    started = api("post", START, 201, course_id=course.id)
    assert len(started["questions"]) == 4 and started["deadline"] == "2026-06-01T02:30:00+00:00"
    text = json.dumps(started, ensure_ascii=False)
    assert "解析" not in text and "answer\"" not in text and "explanation" not in text
    assert "截止后服务器评分" not in text  # an explanation of the bank
    first = started["questions"][0]
    saved = api("put", ANSWERS, 200, attempt_id=started["id"], json={"answers": {str(first["id"]): [1]}})
    assert (saved["answered"], saved["questions"]) == (1, 4)
    again = api("post", START, 409, course_id=course.id)["error"]
    assert (again["code"], again["attempt_id"]) == ("attempt_open", started["id"])
    resumed = api("get", ATTEMPT, 200, attempt_id=started["id"])
    assert resumed["questions"] == started["questions"] and resumed["answers"] == {str(first["id"]): [1]}
    assert resumed["deadline"] == started["deadline"] and resumed["submitted"] is False


def test_bad_answers_are_refused_and_change_nothing(api, course):
    started = api("post", START, 201, course_id=course.id)
    single = started["questions"][0]
    api("put", ANSWERS, 200, attempt_id=started["id"], json={"answers": {str(single["id"]): [0]}})
    for body, code in (({"answers": {"999999": [0]}}, "unknown_question"),
                       ({"answers": {str(single["id"]): [9]}}, "option_out_of_range"),
                       ({"answers": {str(single["id"]): [0, 1]}}, "one_answer_only"),
                       ({"nothing": 1}, "invalid_answers")):
        assert api("put", ANSWERS, 422, attempt_id=started["id"], json=body)["error"]["code"] == code
    assert attempt(started["id"]).answers == {str(single["id"]): [0]}


def test_answers_after_the_deadline_are_refused_and_the_attempt_is_graded_with_the_saved_ones(api, course, now):
    started = api("post", START, 201, course_id=course.id)
    paper = attempt(started["id"])
    api("put", ANSWERS, 200, attempt_id=started["id"], json={"answers": right_answers(paper)})
    now[0] += timedelta(minutes=30)
    refused = api("put", ANSWERS, 409, attempt_id=started["id"], json={"answers": wrong_answers(paper)})
    assert refused["error"]["code"] == "deadline_passed"
    resumed = api("get", ATTEMPT, 200, attempt_id=started["id"])
    assert resumed["submitted"] and resumed["result"]["score"] == 100
    assert resumed["result"]["closed_by"] == "deadline"


def test_a_failed_attempt_shows_no_right_answers_and_a_pass_credits_the_course(api, trainee, course, now):
    first = api("post", START, 201, course_id=course.id)
    api("put", ANSWERS, 200, attempt_id=first["id"], json={"answers": wrong_answers(attempt(first["id"]))})
    failed = api("post", SUBMIT, 200, attempt_id=first["id"])
    assert (failed["score"], failed["passed"], failed["attempts_left"]) == (0, False, 2)
    assert "review" not in failed and credits(trainee) == []
    now[0] += timedelta(minutes=5)
    second = api("post", START, 201, course_id=course.id)
    api("put", ANSWERS, 200, attempt_id=second["id"], json={"answers": right_answers(attempt(second["id"]))})
    passed = api("post", SUBMIT, 200, attempt_id=second["id"])
    assert (passed["score"], passed["passed"], passed["attempts_left"]) == (100, True, 1)
    assert all(q["correct"] and q["explanation"] for q in passed["review"])
    assert api("post", SUBMIT, 200, attempt_id=second["id"]) == passed  # again: the same result
    assert [row.hours_tenths for row in credits(trainee)] == [course.credit_tenths]
    assert api("post", START, 409, course_id=course.id)["error"]["code"] == "already_passed"


def test_another_trainees_attempt_is_not_found(api, client, course, make_user):
    started = api("post", START, 201, course_id=course.id)
    sign_in_as(client, make_user())
    api("get", ATTEMPT, 404, attempt_id=started["id"])
    api("put", ANSWERS, 404, attempt_id=started["id"], json={"answers": {}})
    api("post", SUBMIT, 404, attempt_id=started["id"])
    assert attempt(started["id"]).submitted_at is None


def test_only_trainees_take_tests(api, client, course, make_user):
    sign_in_as(client, make_user("producer"))
    api("post", START, 403, course_id=course.id)
    client.get("/logout")
    with client.session_transaction() as session:
        session.clear()
    api("post", START, 401, course_id=course.id)
