"""Saturated web processes answer 503 with Retry-After, not 20 s later (issue 22), through
the README's nginx block and gunicorn started as bin/run starts it.

The workers are frozen (SIGSTOP) while heartbeats arrive, as when every thread is busy for
seconds in a rush: the heartbeats wait in gunicorn's queue. Once the workers go on, each
one that waited longer than ``MAX_QUEUE_SECONDS`` is refused at once, before any work, and
counted nothing; sent again when Retry-After says, it is taken and credited once.
"""
import http.client
import os
import signal
import threading
import time

from bench import readme_stack as nginx_stack
from tests.learning.nginx_stack import needs_nginx

SEGMENT = 0.25
MAX_WAIT = 1  # seconds a request may wait for a thread (ZHIXIN_MAX_QUEUE_SECONDS)
FROZEN = 2.5  # seconds the workers stand still: every heartbeat sent meanwhile waits longer


def send(s, viewer, seq: int, answers: dict) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
    try:
        answers[viewer.index] = nginx_stack.heartbeat(connection, viewer, seq, SEGMENT)
    finally:
        connection.close()


def everyone_sends(s, viewers, seq: int, frozen: list[int] = ()) -> dict:
    """Each viewer sends heartbeat ``seq`` at once, while the ``frozen`` processes stand still
    for FROZEN seconds. The answers by viewer."""
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    answers: dict = {}
    threads = [threading.Thread(target=send, args=(s, v, seq, answers)) for v in viewers]
    for thread in threads:
        thread.start()
    if frozen:
        time.sleep(FROZEN)
    for pid in frozen:
        os.kill(pid, signal.SIGCONT)
    for thread in threads:
        thread.join()
    return answers


@needs_nginx
def test_heartbeats_that_waited_for_frozen_workers_are_refused_with_retry_after(tmp_path):
    with nginx_stack.stack(tmp_path, 12, env={"ZHIXIN_MAX_QUEUE_SECONDS": str(MAX_WAIT)}) as s:
        viewers = nginx_stack.open_sessions(s, 12)
        assert {a[0] for a in everyone_sends(s, viewers, 1).values()} == {200}
        refused = everyone_sends(s, viewers, 2, frozen=s.workers())
        again = everyone_sends(s, viewers, 2)  # the player sends the same heartbeat again
        for v in viewers:
            v.acked = 2 if again[v.index][0] == 200 else 1
        problems = nginx_stack.harness.verify(s.world, viewers, SEGMENT)
        answers = s.nginx_statuses()

    assert [status for status, _h, _r in refused.values()] == [503] * len(viewers)
    assert {headers["Retry-After"] for _s, headers, _r in refused.values()} == {str(2 * MAX_WAIT)}
    assert {reply["error"]["code"] for _s, _h, reply in refused.values()} == {"overloaded"}
    assert answers.count("503 503") == len(viewers)  # gunicorn's answer, passed on by nginx
    assert {status for status, _h, _r in again.values()} == {200}
    assert problems == []  # nothing of the refused heartbeats counted; each second credited once
