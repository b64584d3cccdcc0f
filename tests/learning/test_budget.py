"""One wall-clock budget per trainee, through the v1 calls: no fresh allowance from a new
session, another lesson or course, an answered attention check or a course published again;
session openings paced; out-of-range numbers refused without a trace in the record."""
import json

import pytest
from sqlalchemy import select

from core.extensions import db
from courses.studio import publishing
from learning.models import LessonProgress, WatchBudget, WatchCheck, WatchSession
from tests.learning.conftest import events, progress

SLACK = 3.0


@pytest.fixture
def course(make_course):
    return make_course(title="应急管理概论", lessons=2, lesson_seconds=1350)


def covered(user) -> float:
    db.session.expire_all()
    return sum(db.session.scalars(select(LessonProgress.covered_seconds).where(LessonProgress.user_id == user.id)))


@pytest.fixture
def unpaced(app):
    app.config["WATCH_SESSION_OPENS_PER_MINUTE"] = 0


def test_a_new_session_before_every_claim_earns_no_more_than_real_time(unpaced, make_viewer, course, clock):
    viewer = make_viewer()
    for n in range(40):  # the scripted cheat of the issue: 40 sessions in 1.2 s
        viewer.open(course.lessons[0].id)
        clock.advance(0.03)
        viewer.beat([[n * 3.0, n * 3.0 + 3]])
    assert covered(viewer.user) <= 1.2 + SLACK + 1e-6
    assert len(events(viewer.user, "faster_than_real_time")) >= 38


def test_lessons_of_two_courses_share_the_budget(unpaced, make_viewer, make_course, course, clock):
    other = make_course(title="知识产权保护", lessons=1, lesson_seconds=1350)
    viewer = make_viewer()
    for n in range(10):  # each claim on another lesson, of one course or the other
        lesson = (course.lessons[0], course.lessons[1], other.lessons[0])[n % 3]
        viewer.open(lesson.id)
        clock.advance(1)
        position = (n // 3) * 15.0
        viewer.beat([[position, position + 15]])
    assert covered(viewer.user) <= 10 + SLACK + 1e-6


def test_an_honest_reload_and_lesson_switch_lose_nothing(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 120)
    clock.advance(2)  # reload: the page opens a new session and resumes
    assert viewer.open(course.lessons[0].id)["resume_position"] == 120
    viewer.watch(120, 240)
    clock.advance(1)
    viewer.open(course.lessons[1].id)
    viewer.watch(0, 90)
    assert covered(viewer.user) == 240 + 90 and events(viewer.user) == []


def test_answering_an_attention_check_does_not_make_the_wait_claimable(app, make_viewer, course, clock, client):
    app.config["ATTENTION_CHECK_MINUTES"] = 1
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 60)
    clock.advance(15)
    check = viewer.beat([[60, 75]])["check"]
    clock.advance(300)  # five minutes before the trainee answers
    right = db.session.scalar(select(WatchCheck).where(WatchCheck.kind == "idle")).challenge["answer"]
    assert client.post(f"/api/v1/sessions/{viewer.session_id}/checks",
                       json={"nonce": check["nonce"], "question_id": None, "answer": right}).status_code == 200
    clock.advance(1)
    assert viewer.beat([[60, 90]])["credited_seconds"] == 1 + SLACK


def test_a_new_session_does_not_dodge_a_waiting_attention_check(app, make_viewer, course, clock):
    app.config["ATTENTION_CHECK_MINUTES"] = 1
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 60)
    clock.advance(15)
    assert viewer.beat([[60, 75]])["check"]["kind"] == "idle"
    clock.advance(1)
    viewer.open(course.lessons[1].id)  # the other lesson, instead of answering
    clock.advance(15)
    reply = viewer.beat([[0, 15]])
    assert reply["check"]["kind"] == "idle" and reply["credited_seconds"] == 0


def test_a_session_from_before_a_withdrawal_stays_closed_when_the_course_returns(
        make_viewer, make_user, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 30)
    old_session = viewer.session_id
    clock.advance(60)
    publishing.withdraw_course(course, clock.now)
    course.status = "published"  # published again after review
    db.session.commit()
    clock.advance(3600)
    refused = viewer.beat([[30, 45]], expect=410)
    assert refused["error"]["code"] == "session_expired"
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 30
    assert not db.session.get(WatchSession, old_session).open
    viewer.open(course.lessons[0].id)  # a new session works, and starts from now
    clock.advance(15)
    assert viewer.beat([[30, 45]])["credited_seconds"] == 15


def test_opening_sessions_too_often_is_refused_with_429(app, make_viewer, course, clock):
    app.config["WATCH_SESSION_OPENS_PER_MINUTE"] = 3
    viewer = make_viewer()
    for _ in range(3):
        viewer.open(course.lessons[0].id)
    kept = viewer.session_id
    response = viewer.client.post(f"/api/v1/lessons/{course.lessons[1].id}/sessions")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_sessions"
    assert "频繁" in response.get_json()["error"]["message"]
    assert response.headers["Retry-After"] == "20"
    db.session.expire_all()
    assert db.session.get(WatchSession, kept).open  # the open session goes on
    assert len(db.session.scalars(select(WatchSession)).all()) == 3
    assert [e.lesson_id for e in events(viewer.user, "session_rate_limited")] == [course.lessons[1].id]
    clock.advance(20)
    viewer.open(course.lessons[1].id)


def test_a_session_from_before_budgets_gets_one_on_its_first_heartbeat(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    db.session.delete(db.session.get(WatchBudget, viewer.user.id))
    db.session.commit()
    clock.advance(15)
    assert viewer.beat([[0, 15]])["credited_seconds"] == 15
    assert db.session.get(WatchBudget, viewer.user.id).played_until == clock.now


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("raw,code", [
    ('{"seq": 1, "segments": [[0, 1%s]]}' % ("0" * 400), "invalid_segments"),
    ('{"seq": 1, "segments": [[0, 15]], "rate": 1%s}' % ("0" * 400), "invalid_rate"),
    (f'{{"seq": {2**63}, "segments": [[0, 15]]}}', "invalid_seq"),
    ('{"seq": 1%s, "segments": [[0, 15]]}' % ("0" * 30), "invalid_seq"),
    (f'{{"seq": 1, "segments": {deep(5_000)}}}', "invalid_body"),
    (deep(5_000), "invalid_body"),
])
def test_numbers_beyond_range_and_deep_nesting_are_refused_and_recorded(make_viewer, course, clock, raw, code):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    response = viewer.send_raw(raw)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert [e.details["code"] for e in events(viewer.user, "invalid_heartbeat")] == [code]
    assert db.session.get(WatchSession, viewer.session_id).last_seq == 0
    assert progress(viewer.user, course.lessons[0]) is None
    assert viewer.beat([[0, 15]])["credited_seconds"] == 15  # and the next honest heartbeat counts


def test_a_deeply_nested_check_answer_is_refused(app, make_viewer, course, client):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    response = client.post(f"/api/v1/sessions/{viewer.session_id}/checks", data=deep(5_000),
                           content_type="application/json")
    assert response.status_code == 422
    assert json.loads(response.get_data())["error"]["code"] == "invalid_nonce"
