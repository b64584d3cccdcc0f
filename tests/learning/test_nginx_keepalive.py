"""Behind nginx a heartbeat never meets a 502 from a kept-alive upstream connection (issue 22).

nginx keeps idle connections to gunicorn open (the README's ``keepalive 32``) and does not
retry a POST. If gunicorn closed an idle one first, a heartbeat nginx sent on it at that
moment would come back 502. So the README's upstream ``keepalive_timeout`` must be shorter
than gunicorn's ``--keep-alive`` in bin/run, and with the two in that order, heartbeats sent
after every kind of idle pause, over connections nginx reuses, are all answered by the app.
"""
import http.client
import threading
import time

from bench import readme_stack as nginx_stack
from tests.learning.nginx_stack import needs_nginx

SEGMENT = 0.25  # seconds one heartbeat claims


def test_nginx_closes_idle_upstream_connections_before_gunicorn():
    args = nginx_stack.bin_run_gunicorn_args()
    block = nginx_stack.readme_nginx_block()
    assert "keepalive" in block  # nginx does keep upstream connections, so the order matters
    assert nginx_stack.nginx_keepalive_timeout(block) < int(nginx_stack.option(args, "--keep-alive"))
    readme = (nginx_stack.ROOT / "README.md").read_text()
    assert f"--keep-alive {nginx_stack.option(args, '--keep-alive')}" in readme  # the README's gunicorn too


def _pauses(nginx_timeout: float, gunicorn_timeout: float) -> list[float]:
    """Idle pauses on both sides of both timeouts, and just at them."""
    marks = (nginx_timeout, gunicorn_timeout, gunicorn_timeout + 1)  # gthread checks once a second
    return sorted({0.2, *(m + d for m in marks for d in (-0.15, -0.05, 0.0, 0.05, 0.15))})


def _busy(s, viewer, stop: threading.Event, statuses: list) -> None:
    """Heartbeats back to back, claiming nothing: keeps gunicorn's threads and its loop busy."""
    connection = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    seq = 0
    while not stop.is_set():
        seq += 1
        statuses.append(nginx_stack.heartbeat(connection, viewer, seq, 0)[0])
    connection.close()


def _pausing(s, viewer, pauses: list[float], offset: int, statuses: list) -> None:
    """An honest player whose heartbeats come after each of ``pauses`` in turn, on one
    connection to nginx (whose upstream connections are pooled across all clients)."""
    connection = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    for n, pause in enumerate(pauses[offset:] + pauses[:offset]):
        status, _headers, _reply = nginx_stack.heartbeat(connection, viewer, n + 1, SEGMENT)
        statuses.append(status)
        if status == 200:
            viewer.acked = n + 1
        time.sleep(pause)
    connection.close()


@needs_nginx
def test_heartbeats_after_idle_pauses_never_meet_a_502(tmp_path):
    # The README's and bin/run's settings, with their timeouts shortened (same order) so
    # that pauses longer than both fit in a test: nginx 1 s, gunicorn 2 s.
    block = nginx_stack.readme_nginx_block().replace("keepalive_timeout 60s;", "keepalive_timeout 1s;")
    args = nginx_stack.bin_run_gunicorn_args()
    args[args.index("--keep-alive") + 1] = "2"
    pauses = _pauses(1.0, 2.0)
    with nginx_stack.stack(tmp_path, 20, block=block, gunicorn_args=args) as s:
        viewers = nginx_stack.open_sessions(s, 20)
        pausing, busy = viewers[:16], viewers[16:]
        statuses, load, stop = [], [], threading.Event()
        threads = [threading.Thread(target=_busy, args=(s, v, stop, load)) for v in busy]
        players = [threading.Thread(target=_pausing, args=(s, v, pauses, k % len(pauses), statuses))
                   for k, v in enumerate(pausing)]
        for thread in threads + players:
            thread.start()
        for thread in players:
            thread.join()
        stop.set()
        for thread in threads:
            thread.join()
        problems = nginx_stack.harness.verify(s.world, pausing, SEGMENT)
        answers = s.nginx_statuses()
        upstream_ports = s.upstream_ports()

    assert statuses == [200] * len(pausing) * len(pauses)
    assert set(load) == {200}
    assert not [a for a in answers if a.startswith("502")]
    assert problems == []  # every acknowledged second credited once
    # nginx did reuse its upstream connections (far fewer connections than requests)
    assert len(set(upstream_ports)) < len(upstream_ports) / 4
