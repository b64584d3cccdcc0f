"""Heartbeats of one session that arrive together never credit twice, on SQLite and PostgreSQL.

Real HTTP against a threaded server, so the requests truly overlap in separate
connections and transactions; the server's clock is the test's, so the budget is known.
"""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from learning.models import WatchSession
from tests.learning.conftest import progress


@pytest.fixture
def token_viewer(make_user, make_course):
    user = make_user()
    _row, token = issue_token(user, "test", utcnow())
    db.session.commit()
    course = make_course(lessons=1, lesson_seconds=1350)
    return user, token, course.lessons[0]


def post(url: str, token: str, body: dict, watch_token: str = "") -> tuple[int, dict]:
    """POST ``body`` with the API token (a heartbeat: with the session's watch token too)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if watch_token:
        headers["X-Watch-Token"] = watch_token
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def together(calls):
    """Run the calls at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_the_same_heartbeat_sent_eight_times_at_once_counts_once(server, token_viewer, clock):
    user, token, lesson = token_viewer
    status, session = post(f"{server}/api/v1/lessons/{lesson.id}/sessions", token, {})
    assert status == 201
    clock.advance(60)
    url = f"{server}/api/v1/sessions/{session['id']}/heartbeats"
    replies = together([lambda: post(url, token, {"seq": 1, "segments": [[0, 15]]}, session["watch_token"])] * 8)
    assert all(status == 200 for status, _ in replies)
    assert sum(body["credited_seconds"] for _, body in replies) == 15
    assert sum(1 for _, body in replies if body.get("duplicate")) == 7
    assert progress(user, lesson).covered_seconds == 15


def test_racing_heartbeats_cannot_overdraw_the_wall_clock(server, token_viewer, clock):
    user, token, lesson = token_viewer
    _status, session = post(f"{server}/api/v1/lessons/{lesson.id}/sessions", token, {})
    clock.advance(20)  # 20 s elapsed: 23 s may be claimed in all, whoever gets there first
    url = f"{server}/api/v1/sessions/{session['id']}/heartbeats"
    calls = [lambda n=n: post(url, token, {"seq": n + 1, "segments": [[n * 10, n * 10 + 10]]}, session["watch_token"])
             for n in range(8)]
    replies = together(calls)
    assert all(status == 200 for status, _ in replies)
    credited = sum(body["credited_seconds"] for _, body in replies)
    db.session.expire_all()
    played = db.session.get(WatchSession, session["id"]).played_seconds
    assert credited == pytest.approx(progress(user, lesson).covered_seconds)  # no update lost
    assert played == pytest.approx(credited) and played <= 23 + 1e-6  # no budget spent twice
