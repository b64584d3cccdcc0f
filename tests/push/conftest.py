"""A push world: endpoints registered through the service, ledger rows written through the
ledger, and real HTTP receivers on free ports served in threads (docs/push_receiver.py)."""
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from core.db import utcnow
from core.extensions import db
from docs.push_receiver import Receiver
from learning.entries import add_entry
from push import endpoints


@pytest.fixture
def app_overrides() -> dict:
    # Deliveries are made by the tests, as the consumer would; the queue only collects hand-overs.
    return {"QUEUE_IMMEDIATE": False, "PUSH_TIMEOUT_SECONDS": 1}


@contextmanager
def receiving(wsgi) -> Iterator[str]:
    """Serve ``wsgi`` on a free port of 127.0.0.1 until the block ends; yields its URL."""
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def free_port_url() -> str:
    """An address where nothing listens (a receiver that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/events"


class Switch:
    """A receiver whose behaviour the test changes: "ok" (the reference receiver), "500",
    "hang" (answers after the sender gave up) or "hangup" (stores, then drops the connection)."""

    def __init__(self, secret: str):
        self.receiver = Receiver(secret)
        self.mode = "ok"
        self.requests = 0
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        self.requests += 1
        if self.mode == "500":
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"down"]
        if self.mode == "hang":
            self.release.wait(5)
        if self.mode == "hangup":
            self.receiver(environ, lambda *_args: None)  # stored, but the answer never leaves
            sock = environ["werkzeug.socket"]
            sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            return []
        return self.receiver(environ, start_response)


@pytest.fixture
def register(app, make_user):
    def make(url: str, region: str = "330000", **fields):
        officer = make_user("bureau", region_code=region)
        endpoint, secret = endpoints.register(
            endpoints.EndpointInput(fields.get("name", "Province"), region, url, fields.get("profile", "zhixin")),
            officer, utcnow())
        db.session.commit()
        return endpoint, secret
    return make


_sources = iter(range(1000, 10**6))


def write_row(user, hours_tenths: int = 10, basis: str = "declared"):
    """One ledger row through learning.entries (a declaration's, or a 补录), committed."""
    row = add_entry(user, basis=basis, year=utcnow().year, hours_tenths=hours_tenths, subject_type="gongxu",
                    now=utcnow(), title="Offline training", source_id=next(_sources) if basis == "declared" else None,
                    reason="Correction" if basis == "correction" else "")
    db.session.commit()
    return row


def wait_until(check, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.02)
