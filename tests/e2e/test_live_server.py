"""The live server as a browser meets it: real headers, real CSRF refusal; and its teardown."""
import json
import socket
import struct
import threading
import time
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from sqlalchemy import func, select

from core.extensions import db
from learning.models import LessonProgress
from tests.e2e.conftest import serving

pytestmark = pytest.mark.e2e


def test_home_page_is_served_with_its_security_headers(page):
    response = page.goto("/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_a_post_without_csrf_token_is_refused_in_chinese(page, live_server):
    response = page.request.post(live_server.url("/logout"), form={"x": "1"},
                                 headers={"Accept": "text/html"})
    assert response.status == 400
    assert "安全令牌" in response.text()


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_request_still_being_answered_at_teardown_ends_before_the_tables_go(app):
    """The live server stops by waiting for its requests: only then are the tables dropped.

    The request reads lesson_progress in an open transaction (on PostgreSQL that holds a lock
    DROP TABLE must wait for) and is answered only once the server has begun to close.
    """
    log: list[str] = []
    reading = threading.Event()
    live: dict = {}

    @app.get("/slow")
    def slow():
        rows = db.session.scalar(select(func.count()).select_from(LessonProgress))
        reading.set()
        wait_until(lambda: live["server"].socket.fileno() == -1)  # server_close() has begun
        log.append("answered")
        return {"rows": rows}

    answers: list[bytes] = []
    with serving(app) as server:
        live["server"] = server
        url = f"http://127.0.0.1:{server.server_address[1]}/slow"
        asking = threading.Thread(target=lambda: answers.append(urlopen(url, timeout=60).read()))
        asking.start()
        assert reading.wait(timeout=30)
    log.append("server closed")
    db.session.remove()
    db.drop_all()  # what the live server's teardown does next
    asking.join(timeout=30)

    assert log == ["answered", "server closed"]
    assert [json.loads(answer) for answer in answers] == [{"rows": 0}]


def test_a_download_the_client_resets_leaves_no_file_open(live_server):
    """A browser that navigates away resets the connection of a file still arriving. The
    file must be closed all the same: an unclosed one is a ResourceWarning, an error here."""
    address = urlsplit(live_server.base_url)
    for _ in range(30):
        with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
            conn.sendall(b"GET /static/vendor/uppy/uppy.min.js HTTP/1.1\r\nHost: test\r\n\r\n")
            assert conn.recv(12) == b"HTTP/1.1 200"
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close resets
