"""A trainee churning sessions on two lessons from two threads, then through two web
processes, over real HTTP and on the real clock: the seconds credited never exceed the
wall-clock time × the top rate + one slack. (With the budget kept per session, as before,
each new session brought its own slack: about 3 s a claim.)"""
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from tests.conftest import app_config
from tests.learning.test_budget import covered
from tests.learning.test_concurrency import post, together

SLACK, CLAIMS = 3.0, 20


@pytest.fixture
def app_overrides():
    return {"WATCH_SESSION_OPENS_PER_MINUTE": 0}  # the budget alone, without the pacing of openings


@pytest.fixture
def churner(make_user, make_course):
    user = make_user()
    _row, token = issue_token(user, "test", utcnow())
    db.session.commit()
    return user, token, make_course(lessons=2, lesson_seconds=1350).lessons


def churn(base: str, token: str, lesson_id: int) -> list[int]:
    """A fresh session before every 3-second claim, as the scripted cheat does."""
    statuses = []
    for n in range(CLAIMS):
        status, session = post(f"{base}/api/v1/lessons/{lesson_id}/sessions", token, {})
        if status != 201:
            statuses.append(status)
            continue
        status, _body = post(f"{base}/api/v1/sessions/{session['id']}/heartbeats", token,
                             {"seq": 1, "segments": [[n * 3.0, n * 3.0 + 3]], "rate": 1}, session["watch_token"])
        statuses.append(status)
    return statuses


def assert_within_wall_clock(user, started, finished) -> None:
    elapsed = (finished - started).total_seconds()
    assert covered(user) <= elapsed + SLACK + 1e-6, f"{covered(user):.1f} s credited in {elapsed:.1f} s"


def test_two_threads_churning_sessions_on_two_lessons(server, churner):
    user, token, (first, second) = churner
    started = utcnow()
    results = together([lambda: churn(server, token, first.id), lambda: churn(server, token, second.id)])
    finished = utcnow()
    assert {status for statuses in results for status in statuses} <= {200, 409}
    assert_within_wall_clock(user, started, finished)


@contextmanager
def second_web_process(tmp_path) -> Iterator[str]:
    """Another process serving the same database, as a second gunicorn worker or host would."""
    config = app_config(tmp_path, WATCH_SESSION_OPENS_PER_MINUTE=0)
    with subprocess.Popen([sys.executable, "-m", "tests.learning.second_server", json.dumps(config),
                           str(tmp_path / "instance-2")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as process:
        try:
            yield f"http://127.0.0.1:{int(process.stdout.readline())}"
        finally:
            process.stdin.close()
            process.wait(timeout=60)


def test_two_web_processes_serving_one_churning_trainee(server, churner, tmp_path):
    user, token, (first, second) = churner
    with second_web_process(tmp_path) as elsewhere:
        started = utcnow()
        results = together([lambda: churn(server, token, first.id), lambda: churn(elsewhere, token, second.id)])
        finished = utcnow()
    assert {status for statuses in results for status in statuses} <= {200, 409}
    assert_within_wall_clock(user, started, finished)
