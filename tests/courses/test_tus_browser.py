"""Uploads as a browser (Uppy) makes them: the session cookie, CSRF on, big bodies."""
import hashlib
import re

import pytest

from core.extensions import db
from courses.media import storage
from courses.models import Video
from tests.conftest import sign_in_as
from tests.courses.test_tus import OCTETS, TUS, Chunks, error_code, part_file, stream, upload_of

BIG = 50 * 1024 * 1024


@pytest.fixture
def app_overrides():
    # MAX_CONTENT_LENGTH stays at its 16 MB default: tus bodies must not be bound by it.
    return {"QUEUE_IMMEDIATE": False, "WTF_CSRF_ENABLED": True, "MAX_UPLOAD_BYTES": 64 * 1024 * 1024}


@pytest.fixture
def browser(client, make_user):
    """A producer signed in by session cookie; returns the page's CSRF token."""
    user = make_user("producer", organisation="知新制作中心")
    sign_in_as(client, user)
    page = client.get("/catalogue").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def create(client, length: int, token: str | None):
    headers = {**TUS, "Upload-Length": str(length)}
    if token:
        headers["X-CSRFToken"] = token
    return client.post("/api/v1/uploads", headers=headers)


def test_unsafe_calls_without_the_csrf_token_are_refused(client, browser):
    assert create(client, 100, None).status_code == 400
    assert db.session.query(Video).count() == 0
    url = create(client, 100, browser).headers["Location"]
    response = client.patch(url, data=b"x" * 10, headers={**TUS, "Upload-Offset": "0", "Content-Type": OCTETS})
    assert response.status_code == 400 and error_code(response) == "csrf_failed"
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert upload_of(url).offset == 0 and part_file(url).stat().st_size == 0
    assert client.delete(url, headers=TUS).status_code == 400
    assert upload_of(url) is not None
    assert client.head(url, headers=TUS).status_code == 200  # reading needs no token


def test_a_50_mb_body_streams_to_disk_past_max_content_length(client, browser):
    url = create(client, BIG, browser).headers["Location"]
    response = stream(client, url, TUS, 0, Chunks(BIG), length=BIG, **{"X-CSRFToken": browser})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.headers["Upload-Offset"] == str(BIG)
    video = db.session.get(Video, int(url.rsplit("/", 1)[1]))
    assert video.status == "processing" and video.original_size == BIG
    expected, source = hashlib.sha256(), Chunks(BIG)
    while chunk := source.read(1024 * 1024):
        expected.update(chunk)
    actual = hashlib.sha256()
    with storage.resolve(video.original_path).open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            actual.update(chunk)
    assert actual.hexdigest() == expected.hexdigest()
