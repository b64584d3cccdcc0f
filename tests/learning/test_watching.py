"""Honest hours through the v1 watch calls: what a trainee earns, and what a cheat does not."""
import pytest
from sqlalchemy import select

from core.extensions import db
from learning.models import WatchCheck
from tests.learning.conftest import credits, events, progress


@pytest.fixture
def course(make_course):
    return make_course(title="网络安全意识", lessons=2, lesson_seconds=1350)  # 2 × 22.5 min = 1.0 学时


def test_an_honest_viewer_is_credited_the_course_once(make_viewer, course):
    viewer = make_viewer()
    first, second = course.lessons
    not_yet = {"id": course.id, "completed": False, "credited_hours": 0.0, "exam_pending": False}
    done = {"id": course.id, "completed": True, "credited_hours": 1.0, "exam_pending": False}
    opened = viewer.open(first.id)
    assert opened["resume_position"] == 0
    assert opened["course"] == not_yet
    body = viewer.watch(0, 1350)
    assert body["lesson"]["completed"] and not body["course"]["completed"]
    assert viewer.open(second.id)["course"] == not_yet
    body = viewer.watch(0, 1350)
    assert body["course"] == done
    [record] = credits(viewer.user)
    assert (record.hours, record.year, record.basis) == (1.0, 2026, "completion")
    # Coming back, the player knows the course is done before its first heartbeat.
    assert viewer.open(first.id)["course"] == done
    viewer.watch(0, 300)  # watching again credits nothing more
    assert len(credits(viewer.user)) == 1 and events(viewer.user) == []


def test_the_resume_position_is_kept_between_sessions(make_viewer, course):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 95)
    assert viewer.open(course.lessons[0].id)["resume_position"] == 95


def test_completion_needs_95_percent_coverage(make_viewer, course):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 1350 * 0.95 - 15)
    assert not progress(viewer.user, course.lessons[0]).completed_at
    body = viewer.watch(1350 * 0.95 - 15, 1350 * 0.95)
    assert body["lesson"]["completed"]


def test_jumping_to_the_end_covers_only_the_seconds_played(make_viewer, course):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    body = viewer.watch(1335, 1350)
    assert body["lesson"]["covered_seconds"] == 15 and not body["lesson"]["completed"]


def test_claiming_a_whole_lesson_in_one_heartbeat_is_cut_and_recorded(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(1350)
    body = viewer.beat([[0, 1350]])
    assert body["credited_seconds"] == 33  # two heartbeat intervals at 1× plus 3 s slack
    [event] = events(viewer.user, "oversized_heartbeat")
    assert event.claimed_seconds == 1350 and event.session_id == viewer.session_id


def test_segments_faster_than_real_time_earn_the_wall_clock_only(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(5)
    assert viewer.beat([[0, 15]])["credited_seconds"] == 8  # 5 s elapsed + 3 s slack
    assert events(viewer.user, "faster_than_real_time")


def test_a_16x_playback_rate_earns_real_time_only(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    total = 0
    for n in range(5):  # 16×: 240 s of lesson every 15 s of wall clock
        clock.advance(15)
        total += viewer.beat([[n * 240.0, n * 240.0 + 240]], rate=16)["credited_seconds"]
    assert total <= 75 + 3
    kinds = {event.kind for event in events(viewer.user)}
    assert {"rate_above_limit", "oversized_heartbeat"} <= kinds


def test_a_second_screen_stops_the_first(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    first_session = viewer.session_id
    viewer.watch(0, 30)
    viewer.open(course.lessons[1].id)  # another tab or device
    clock.advance(15)
    refused = viewer.beat([[30, 45]], seq=3, session_id=first_session, expect=409)
    assert refused["error"]["code"] == "playing_elsewhere"
    assert "其他窗口或设备" in refused["error"]["message"]
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 30
    assert events(viewer.user, "closed_session")


def test_a_repeated_seq_is_answered_with_the_state_and_changes_nothing(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    first = viewer.beat([[0, 15]], seq=1)
    clock.advance(15)
    # The reply was lost (a crash after the commit): the browser sends the same heartbeat again.
    again = viewer.beat([[0, 15]], seq=1)
    assert again["duplicate"] and again["credited_seconds"] == 0
    assert again["lesson"]["covered_seconds"] == first["lesson"]["covered_seconds"] == 15
    clock.advance(15)
    viewer.beat([[15, 30]], seq=3)
    stale = viewer.beat([[30, 45]], seq=2)  # out of order: older than what was applied
    assert stale["credited_seconds"] == 0 and stale["lesson"]["covered_seconds"] == 30
    assert len(events(viewer.user, "repeated_seq")) == 2


def test_heartbeats_queued_offline_are_credited_when_they_arrive(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(125)  # two minutes played with the network down, then all flushed at once
    for n in range(8):
        viewer.beat([[n * 15, n * 15 + 15]], position=n * 15 + 15)
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 120
    assert events(viewer.user) == []


def test_someone_elses_session_is_not_found(make_viewer, make_user, course, clock):
    owner, intruder = make_viewer(), None
    owner.open(course.lessons[0].id)
    session_id = owner.session_id
    intruder = make_viewer(make_user(real_name="李四"))
    intruder.open(course.lessons[0].id)
    clock.advance(15)
    # The intruder's own watch token, sent for the owner's session.
    refused = intruder.beat([[0, 15]], seq=1, session_id=session_id, token=intruder.token, expect=404)
    assert refused["error"]["code"] == "not_found"
    assert progress(owner.user, course.lessons[0]) is None
    assert events(intruder.user, "foreign_session")


@pytest.mark.parametrize("segments,code", [
    ([[1300, 1400]], "segment_out_of_range"),
    ([[-10, 5]], "segment_out_of_range"),
    ([[15, 0]], "segments_unordered"),
    ([[0, "15"]], "invalid_segments"),
    ([[i * 0.1, i * 0.1 + 0.05] for i in range(60)], "too_many_segments"),
    ("all of it", "invalid_segments"),
])
def test_malformed_segments_are_refused_with_422(make_viewer, course, clock, segments, code):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    refused = viewer.beat(segments, expect=422)
    assert refused["error"]["code"] == code
    assert progress(viewer.user, course.lessons[0]) is None
    assert events(viewer.user, "invalid_heartbeat")[0].details == {"code": code}


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(make_viewer, course, clock, client, literal):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    response = viewer.send_raw(f'{{"seq": 1, "segments": [[0, {literal}]]}}')
    assert response.status_code == 422
    assert progress(viewer.user, course.lessons[0]) is None


@pytest.fixture
def eight_segments_a_heartbeat(app):
    app.config["HEARTBEAT_MAX_SEGMENTS"] = 8


def test_the_session_tells_the_player_how_many_segments_a_heartbeat_may_carry(
        eight_segments_a_heartbeat, make_viewer, course, clock):
    viewer = make_viewer()
    assert viewer.open(course.lessons[0].id)["max_segments"] == 8
    clock.advance(15)
    too_many = [[i * 2.0, i * 2.0 + 1] for i in range(9)]
    assert viewer.beat(too_many, expect=422)["error"]["code"] == "too_many_segments"
    # The same playback split at the limit, as the player sends it, is credited in full.
    viewer.beat(too_many[:8])
    viewer.beat(too_many[8:])
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 9


def test_thousands_of_tiny_segments_or_an_oversized_body_are_refused(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    refused = viewer.beat([[i * 0.1, i * 0.1 + 0.05] for i in range(3000)], expect=413)
    assert refused["error"]["code"] == "too_large"
    response = viewer.send_raw(b'{"seq": 1, "pad": "' + b"x" * 100_000 + b'"}')
    assert response.status_code == 413
    assert progress(viewer.user, course.lessons[0]) is None
    assert len(events(viewer.user, "oversized_body")) == 2


@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn"])
def test_unpublished_lessons_cannot_be_watched_for_credit(make_viewer, make_course, status):
    course = make_course(status=status)
    viewer = make_viewer()
    response = viewer.client.post(f"/api/v1/lessons/{course.lessons[0].id}/sessions")
    assert response.status_code == 404


def test_a_course_withdrawn_mid_lesson_stops_crediting_and_keeps_what_was_earned(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 60)
    course.status = "withdrawn"
    db.session.commit()
    clock.advance(15)
    assert viewer.beat([[60, 75]], expect=410)["error"]["code"] == "lesson_unavailable"
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 60
    assert events(viewer.user, "unpublished_lesson")


def test_anonymous_heartbeats_are_401(client, course):
    response = client.post("/api/v1/sessions/abc/heartbeats", json={"seq": 1, "segments": []})
    assert response.status_code == 401


@pytest.fixture
def attention_every_minute(app):
    app.config["ATTENTION_CHECK_MINUTES"] = 1


def test_an_idle_check_is_a_server_challenge_that_stops_crediting_until_answered(
        attention_every_minute, make_viewer, course, clock, client):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 60)
    clock.advance(15)
    pending = viewer.beat([[60, 75]])
    check = pending["check"]
    assert pending["credited_seconds"] == 0 and check["kind"] == "idle" and check["question"]["stem"]
    assert "answer" not in check["question"] and events(viewer.user, "attention_pending")
    url = f"/api/v1/sessions/{viewer.session_id}/checks"
    # A script that only "clicks the confirm button" sends no answer: refused, nothing credited.
    assert client.post(url, json={"nonce": check["nonce"], "question_id": None}).status_code == 422
    right = db.session.scalar(select(WatchCheck).where(WatchCheck.kind == "idle")).challenge["answer"]
    wrong = [(right[0] + 1) % 4]
    failed = client.post(url, json={"nonce": check["nonce"], "question_id": None, "answer": wrong}).get_json()
    assert failed["verdict"] == "failed"
    clock.advance(15)
    again = viewer.beat([[60, 75]])
    assert again["credited_seconds"] == 0 and again["check"]["nonce"] != check["nonce"]
    db.session.expire_all()
    right = db.session.scalar(select(WatchCheck).where(WatchCheck.state == "due")).challenge["answer"]
    answered = client.post(url, json={"nonce": again["check"]["nonce"], "question_id": None, "answer": right})
    assert answered.get_json()["verdict"] == "passed"
    clock.advance(15)
    assert viewer.beat([[60, 75]])["credited_seconds"] == 15


def test_an_idle_check_of_a_closed_session_expires_when_the_new_one_asks_again(
        attention_every_minute, make_viewer, course, clock, client):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 60)
    clock.advance(15)
    first = viewer.beat([[60, 75]])["check"]
    viewer.open(course.lessons[1].id)  # another lesson instead of answering: still asked
    clock.advance(15)
    second = viewer.beat([[0, 15]])["check"]
    assert second["nonce"] != first["nonce"]
    right = db.session.scalar(select(WatchCheck).where(WatchCheck.state == "due")).challenge["answer"]
    late = client.post(f"/api/v1/sessions/{viewer.session_id}/checks",
                       json={"nonce": first["nonce"], "question_id": None, "answer": right})
    assert late.status_code == 409 and events(viewer.user, "check_foreign_session")
    db.session.expire_all()
    assert [c.state for c in db.session.scalars(select(WatchCheck).order_by(WatchCheck.id))] == ["expired", "due"]
