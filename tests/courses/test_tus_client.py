"""A real tus client that no one here wrote (``tuspy``) uploads through a live server and resumes.

The app runs on a free port of 127.0.0.1 (werkzeug's server in a thread), with CSRF on
as in production: tuspy authenticates with a Bearer token, which needs no CSRF token.
The queue is not immediate, so a finished upload is queued, not processed.
"""
import hashlib
import http.client
import io
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask, got_request_exception
from tusclient.client import TusClient
from tusclient.storage.filestorage import FileStorage
from werkzeug.serving import make_server

from accounts.models import User
from accounts.tokens import issue_token
from app import create_app
from core.db import utcnow
from core.extensions import db
from courses.media import storage
from courses.models import Upload, Video
from tests.conftest import app_config, make_id_number

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
SAMPLE = SAMPLES / "timestamps_320x240_moov_at_end.mp4"  # 1.6 MB, the longest sample
CHUNK = 256 * 1024

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason=f"the shared samples are not at {SAMPLES}")


@dataclass
class Live:
    base_url: str
    app: Flask
    token: str
    errors: list = field(default_factory=list)

    def client(self) -> TusClient:
        return TusClient(self.base_url + "/api/v1/uploads", headers={"Authorization": f"Bearer {self.token}"})


@pytest.fixture
def live(tmp_path):
    """The app served in a background thread, with one producer holding an API token."""
    config = app_config(tmp_path, TESTING=False, QUEUE_IMMEDIATE=False, WTF_CSRF_ENABLED=True)
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        db.drop_all()
        db.create_all()
        producer = User(role="producer", real_name="李华", id_number=make_id_number(), phone="13700000002",
                        organisation="知新制作中心", region_code="110105", password_hash="!")
        db.session.add(producer)
        _, token = issue_token(producer, "tuspy", utcnow())
        db.session.commit()
    live = Live("", app, token)

    def record(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        got_request_exception.disconnect(record, app)
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    assert not live.errors, f"the server raised: {live.errors!r}"


class Sample(io.BytesIO):
    """The sample's bytes in a stream that stays open.

    tuspy leaks the file it opens from a path (a ResourceWarning, an error here) and closes
    the stream it fingerprints for URL storage, so the tests hand it this instead.
    """

    def __init__(self):
        super().__init__(SAMPLE.read_bytes())

    def close(self):
        pass


def video_of(live: Live, url: str) -> Video:
    with live.app.app_context():
        video = db.session.get(Video, int(url.rsplit("/", 1)[1]))
        db.session.expunge(video)
        return video


def original_bytes(live: Live, video: Video) -> bytes:
    with live.app.app_context():
        return storage.resolve(video.original_path).read_bytes()


def upload_count(live: Live) -> int:
    with live.app.app_context():
        return len(db.session.scalars(db.select(Upload)).all())


def test_tuspy_uploads_a_sample_that_becomes_the_video_named_by_its_location(live):
    uploader = live.client().uploader(file_stream=Sample(), chunk_size=CHUNK, upload_checksum=True,
                                      metadata={"filename": "第1讲 数字经济.mp4", "filetype": "video/mp4"})
    uploader.upload()
    assert uploader.offset == SAMPLE.stat().st_size
    video = video_of(live, uploader.url)
    assert uploader.request.response_headers["zhixin-video-id"] == str(video.id)
    assert (video.status, video.original_filename) == ("processing", "第1讲 数字经济.mp4")
    assert hashlib.sha256(original_bytes(live, video)).digest() == hashlib.sha256(SAMPLE.read_bytes()).digest()


def test_an_interrupted_upload_resumes_from_its_offset(live, tmp_path):
    urls = FileStorage(str(tmp_path / "tus-urls.json"))
    try:
        first = live.client().uploader(file_stream=Sample(), chunk_size=CHUNK, store_url=True, url_storage=urls,
                                       metadata={"filename": "lecture.mp4"})
        first.upload(stop_at=3 * CHUNK)
        assert first.offset == 3 * CHUNK
        # A new client process, later: it finds the upload's URL by the file's fingerprint.
        second = live.client().uploader(file_stream=Sample(), chunk_size=CHUNK, store_url=True,
                                        url_storage=urls)
        assert (second.url, second.offset) == (first.url, 3 * CHUNK)
        second.upload()
    finally:
        urls.close()
    video = video_of(live, second.url)
    assert video.status == "processing" and original_bytes(live, video) == SAMPLE.read_bytes()
    assert upload_count(live) == 1


def test_a_dropped_connection_keeps_what_arrived_and_tuspy_resumes_from_there(live):
    data = SAMPLE.read_bytes()
    first = live.client().uploader(file_stream=Sample(), metadata={"filename": "lecture.mp4"})
    first.set_url(first.create_url())
    sent = 700_001
    _patch_and_hang_up(live, first.url, data[:sent], declared=len(data))
    assert _offset_once_settled(live, first.url, sent) == sent
    resumed = live.client().uploader(file_stream=Sample(), url=first.url)
    assert resumed.offset == sent
    resumed.upload()
    assert original_bytes(live, video_of(live, first.url)) == data


def _patch_and_hang_up(live: Live, url: str, body: bytes, declared: int) -> None:
    """Start a PATCH announcing ``declared`` bytes, send ``body``, and drop the connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("PATCH", parts.path)
        for name, value in {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {live.token}",
                            "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream",
                            "Content-Length": str(declared)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        connection.send(body)
    finally:
        connection.close()


def _offset_once_settled(live: Live, url: str, expected: int) -> int:
    """The upload's offset once the server has noticed the hang-up and committed what arrived."""
    headers = {"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {live.token}"}
    offset = None
    for _ in range(200):
        response = requests.head(url, headers=headers, timeout=10)
        offset = int(response.headers["Upload-Offset"])
        if offset == expected:
            break
        time.sleep(0.05)
    return offset
