"""随堂弹题 through the v1 calls (issue 19): the server schedules the check, holds the stretch
until it is passed, judges the answer, and never tells the answer or the schedule ahead."""
import json

import pytest
from sqlalchemy import event, select

from core.extensions import db
from core.policy.examples import GUANGDONG, HENAN, NATIONAL
from learning import check_store, checks
from learning.models import WatchCheck
from tests.learning.conftest import events, progress
from tests.learning.exam_world import BANK, add_bank, complete_lessons

GUANGDONG_REGION = "440305"  # the demo's Guangdong rules: 随堂弹题 on, 4 an hour, 60 s to answer
# Its 人脸抓拍 too; these tests are about questions (the face checks: tests/faces/test_face_checks.py).
QUESTIONS_ONLY = (NATIONAL, {**GUANGDONG, "checks": {"question": GUANGDONG["checks"]["question"]}}, HENAN)


@pytest.fixture
def course(make_course, store_rules):
    store_rules(*QUESTIONS_ONLY)
    return add_bank(make_course(title="网络安全意识", lessons=1, lesson_seconds=600))  # one check


@pytest.fixture
def viewer(make_viewer, make_user, course):
    viewer = make_viewer(make_user(region_code=GUANGDONG_REGION))
    viewer.open(course.lessons[0].id)
    return viewer


def watch_to_check(viewer, start=0.0, step=15.0):
    """Play on from ``start`` until a heartbeat's answer carries a check: (that answer, position)."""
    at = start
    while at < 600:
        upto = min(at + step, 600)
        viewer.clock.advance(upto - at)
        reply = viewer.beat([[at, upto]], position=upto)
        at = upto
        if "check" in reply:
            return reply, at
    raise AssertionError("no check was asked")


def due_row(viewer) -> WatchCheck:
    db.session.expire_all()
    return db.session.scalar(select(WatchCheck).where(WatchCheck.user_id == viewer.user.id,
                                                      WatchCheck.state == "due"))


def answer(viewer, check, choice=None, expect=200, session_id=None, **body):
    row = due_row(viewer)
    if choice is None:
        choice = row.challenge["answer"] if row is not None else [0]
    sent = {"nonce": check["nonce"], "question_id": check["question"]["id"], "answer": choice, **body}
    response = viewer.client.post(f"/api/v1/sessions/{session_id or viewer.session_id}/checks", json=sent)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response.get_json()


def wrong_choice(viewer) -> list[int]:
    row = due_row(viewer)
    return [next(i for i in range(len(row.challenge["options"])) if [i] != row.challenge["answer"])] \
        if row.challenge["kind"] != "multiple" else [row.challenge["answer"][0]]


def test_a_check_holds_the_stretch_until_a_right_answer_credits_it(viewer, course):
    reply, at = watch_to_check(viewer)
    check = reply["check"]
    assert check["kind"] == "question" and check["rewind_to"] == 0 and check["seconds_left"] == 60
    assert check["question"]["stem"] in {stem for _kind, stem, *_rest in BANK}
    assert reply["lesson"]["covered_seconds"] == 0  # held, not credited
    viewer.clock.advance(15)
    waiting = viewer.beat([[at, at + 15]], position=at + 15)  # heartbeats go on, credit nothing
    assert waiting["credited_seconds"] == 0 and waiting["check"]["nonce"] == check["nonce"]
    passed = answer(viewer, check)
    assert passed["verdict"] == "passed" and passed["credited_seconds"] == pytest.approx(at + 15)
    assert progress(viewer.user, course.lessons[0]).covered_seconds == pytest.approx(at + 15)
    assert "answer" not in json.dumps(passed)


def test_a_wrong_answer_leaves_the_stretch_uncredited_and_says_where_to_rewatch(viewer, course):
    reply, at = watch_to_check(viewer)
    failed = answer(viewer, reply["check"], wrong_choice(viewer))
    assert failed["verdict"] == "failed" and failed["credited_seconds"] == 0 and failed["rewind_to"] == 0
    assert "重新观看" in failed["message"] and "answer" not in failed
    held = progress(viewer.user, course.lessons[0])
    assert held is None or held.covered_seconds == 0
    assert events(viewer.user, "check_failed")
    again, at = watch_to_check(viewer, start=0)  # re-watched from the start: asked again
    assert again["check"]["nonce"] != reply["check"]["nonce"]
    assert answer(viewer, again["check"])["verdict"] == "passed"
    assert progress(viewer.user, course.lessons[0]).covered_seconds == pytest.approx(at)


def test_a_check_missed_past_its_window_drops_the_stretch(viewer, course):
    reply, at = watch_to_check(viewer)
    viewer.clock.advance(75)
    later = viewer.beat([], position=at)
    assert later["check_result"]["state"] == "missed" and later["check_result"]["rewind_to"] == 0
    assert "check" not in later
    assert events(viewer.user, "check_missed")
    assert answer(viewer, reply["check"], expect=409)["error"]["code"] == "check_answered"


def test_an_answer_after_the_window_is_refused_and_recorded(viewer):
    reply, _at = watch_to_check(viewer)
    viewer.clock.advance(61)
    assert answer(viewer, reply["check"], expect=410)["error"]["code"] == "check_expired"
    assert events(viewer.user, "check_missed")


def test_a_replayed_nonce_is_refused_and_recorded(viewer):
    reply, _at = watch_to_check(viewer)
    answer(viewer, reply["check"])
    assert answer(viewer, reply["check"], [0], expect=409)["error"]["code"] == "check_answered"
    assert events(viewer.user, "check_replayed")


def test_a_nonce_of_another_session_is_refused_and_recorded(viewer, course):
    reply, at = watch_to_check(viewer)
    first = viewer.session_id
    viewer.open(course.lessons[0].id)  # the same lesson on a new page: the check follows, with a new nonce
    viewer.clock.advance(5)
    moved = viewer.beat([], position=at)["check"]
    assert moved["nonce"] != reply["check"]["nonce"]
    assert answer(viewer, moved, session_id=first, expect=409)["error"]["code"] == "other_session"
    assert events(viewer.user, "check_foreign_session")
    assert answer(viewer, reply["check"], expect=422)["error"]["code"] == "unknown_nonce"


def test_an_answer_to_a_question_not_asked_is_refused_and_recorded(viewer):
    reply, _at = watch_to_check(viewer)
    other = (reply["check"]["question"]["id"] or 0) + 1000
    assert answer(viewer, reply["check"], question_id=other, expect=422)["error"]["code"] == "question_not_asked"
    assert events(viewer.user, "check_not_asked")
    assert due_row(viewer) is not None  # still due: the trainee may answer the real one


@pytest.mark.parametrize(("body", "code"), [
    ({}, "invalid_nonce"),
    ({"nonce": 5}, "invalid_nonce"),
    ({"nonce": "f" * 32, "answer": [0]}, "unknown_nonce"),
])
def test_bad_answers_are_refused(viewer, body, code):
    watch_to_check(viewer)
    response = viewer.client.post(f"/api/v1/sessions/{viewer.session_id}/checks", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code


def test_an_answer_that_is_no_choice_is_refused_and_the_check_stays_due(viewer):
    reply, _at = watch_to_check(viewer)
    assert answer(viewer, reply["check"], ["A"], expect=422)["error"]["code"] == "invalid_answer"
    assert due_row(viewer) is not None


def test_another_trainees_session_is_not_found(viewer, make_viewer, make_user):
    reply, _at = watch_to_check(viewer)
    other = make_viewer(make_user(region_code=GUANGDONG_REGION))
    response = other.client.post(f"/api/v1/sessions/{viewer.session_id}/checks",
                                 json={"nonce": reply["check"]["nonce"], "answer": [0]})
    assert response.status_code == 404


def test_misses_over_the_allowance_flag_the_course_for_review(viewer):
    for _round in range(3):  # Guangdong allows 2
        reply, _at = watch_to_check(viewer, start=0)
        failed = answer(viewer, reply["check"], wrong_choice(viewer))
    assert failed["review"] is True
    assert events(viewer.user, "checks_over_allowance")


def test_nothing_the_player_receives_tells_a_question_or_the_schedule_before_it_is_due(
        app, make_viewer, make_user, make_course, store_rules):
    store_rules(*QUESTIONS_ONLY)
    course = add_bank(make_course(title="两次弹题", lessons=1, lesson_seconds=1800))  # two checks
    viewer = make_viewer(make_user(region_code=GUANGDONG_REGION))
    lesson = course.lessons[0]
    received = []
    original = viewer.client.post

    def post(*args, **kwargs):
        response = original(*args, **kwargs)
        received.append(response.get_data(as_text=True))
        return response

    viewer.client.post = post
    viewer.open(lesson.id)
    with app.app_context():
        first, second = checks.plan(check_store.key(), viewer.user.id, lesson.id, 1800, {"question": 4})
    secrets = [stem for _kind, stem, *_rest in BANK] + [f"{first.position}", f"{second.position}"]
    reply, _at = watch_to_check(viewer)
    *before, due = received
    for body in before:
        assert not any(secret in body for secret in secrets), body
    assert '"answer"' not in due and f"{second.position}" not in due
    answer(viewer, reply["check"])
    assert all('"answer"' not in body and "explanation" not in body for body in received)


def test_without_checks_a_heartbeat_reads_no_check(app, make_viewer, make_user, make_course, store_rules, clock):
    store_rules(*QUESTIONS_ONLY)
    course = add_bank(make_course(title="河南", lessons=1, lesson_seconds=600))
    viewer = make_viewer(make_user(region_code="410102"))  # Henan: checks off
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 30)
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        clock.advance(15)
        assert viewer.beat([[30, 45]])["credited_seconds"] == 15
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert statements and not any("watch_checks" in statement for statement in statements)


def test_a_lesson_already_complete_asks_nothing_when_watched_again(make_viewer, make_user, course):
    viewer = make_viewer(make_user(region_code=GUANGDONG_REGION))
    complete_lessons(viewer.user, course)
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 600)
    db.session.expire_all()
    assert db.session.scalars(select(WatchCheck)).all() == []
