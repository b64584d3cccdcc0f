"""Overload is explicit: an API call that waited too long behind nginx is answered 503 with
Retry-After at once, and changes nothing (core/overload.py, issue 22). The whole stack,
nginx and gunicorn, is in tests/learning/test_nginx_overload.py."""
import time

import pytest
from sqlalchemy import select

from core.extensions import db
from core.overload import retry_after, waited
from learning.models import WatchSession
from tests.conftest import sign_in_as

MAX_WAIT = 2.0


@pytest.fixture
def app_overrides():
    return {"MAX_QUEUE_SECONDS": MAX_WAIT, "RATELIMIT_ENABLED": False}


def stamp(seconds_ago: float) -> dict:
    """nginx's header for a request it passed on ``seconds_ago``."""
    return {"X-Request-Start": f"t={time.time() - seconds_ago:.3f}"}


def test_the_wait_is_read_from_nginx_s_stamp():
    assert waited("t=1000.250", now=1003.0) == pytest.approx(2.75)
    assert waited("1000", now=1001.5) == 1.5
    for unreadable in (None, "", "t=", "t=soon", "t=nan", "t=inf"):
        assert waited(unreadable, now=1000.0) is None


def test_the_client_is_asked_back_after_twice_the_longest_wait():
    assert retry_after(5.0) == 10
    assert retry_after(0.2) == 1


@pytest.fixture
def heartbeat(client, make_user, make_course):
    """A trainee's open session on a lesson; returns a function sending heartbeat ``seq``."""
    lesson = make_course(lessons=1, lesson_seconds=600).lessons[0]
    sign_in_as(client, make_user())
    opened = client.post(f"/api/v1/lessons/{lesson.id}/sessions").get_json()
    session_id = opened["id"]

    def send(seq: int, headers: dict):
        return client.post(f"/api/v1/sessions/{session_id}/heartbeats",
                           headers={"X-Watch-Token": opened["watch_token"], **headers},
                           json={"seq": seq, "segments": [], "position": 0})

    send.session_id = session_id
    return send


def last_seq(session_id: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(WatchSession.last_seq).where(WatchSession.id == session_id))


def test_a_heartbeat_that_waited_too_long_is_refused_at_once_and_changes_nothing(heartbeat):
    refused = heartbeat(1, stamp(MAX_WAIT + 3))
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "4"
    assert refused.get_json()["error"] == {"code": "overloaded", "message": "服务器繁忙，请稍后再试。"}
    assert last_seq(heartbeat.session_id) == 0
    # Sent again when told, the same heartbeat is taken.
    assert heartbeat(1, stamp(0.01)).status_code == 200
    assert last_seq(heartbeat.session_id) == 1


def test_without_the_stamp_or_within_the_wait_nothing_changes(heartbeat):
    assert heartbeat(1, {}).status_code == 200
    assert heartbeat(2, stamp(MAX_WAIT - 1)).status_code == 200
    assert heartbeat(3, {"X-Request-Start": "t=garbled"}).status_code == 200


def test_pages_are_never_refused(client):
    assert client.get("/", headers=stamp(MAX_WAIT + 30)).status_code == 200


def test_the_refusal_is_in_the_trainee_s_language(client):
    client.set_cookie("lang", "en")
    refused = client.get("/api/v1/me", headers=stamp(MAX_WAIT + 3))
    assert refused.status_code == 503
    assert refused.get_json()["error"]["message"] == "The server is busy. Try again shortly."


@pytest.mark.parametrize("app_overrides", [{"MAX_QUEUE_SECONDS": 0}])
def test_zero_turns_it_off(heartbeat):
    assert heartbeat(1, stamp(3600)).status_code == 200
