"""The tus 1.0.0 server at /api/v1/uploads, rule by rule, through the test client.

Uploads authenticate with a Bearer token unless a test is about the browser (session
cookie + CSRF). The queue is not immediate, so a finished upload is only queued: the
pipeline's work is tested elsewhere.
"""
import base64
import hashlib
import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.http import parse_date

from accounts.tokens import issue_token
from core import queue
from core.db import utcnow
from core.extensions import db
from courses.media import storage, uploads
from courses.models import Upload, Video

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"
DATA = random.Random(3).randbytes(300_000)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def bearer(user) -> dict:
    """Headers of a tus client holding a fresh API token of ``user``."""
    _, plain = issue_token(user, "tus", utcnow())
    db.session.commit()
    return {**TUS, "Authorization": f"Bearer {plain}"}


def create(client, headers: dict, length: int, metadata: str | None = None):
    extra = {"Upload-Length": str(length)}
    if metadata is not None:
        extra["Upload-Metadata"] = metadata
    return client.post("/api/v1/uploads", headers={**headers, **extra})


def created_url(client, headers: dict, length: int = len(DATA), **kw) -> str:
    response = create(client, headers, length, **kw)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.headers["Location"]


def send(client, url: str, headers: dict, offset: int, body, **extra):
    return client.patch(url, data=body, headers={**headers, "Upload-Offset": str(offset),
                                                  "Content-Type": OCTETS, **extra})


def stream(client, url: str, headers: dict, offset: int, body, length: int | None = None,
           terminated: bool = False, **extra):
    """A PATCH whose body is read from ``body`` as the server reads it, never built whole.

    ``terminated`` hands it over as gunicorn does (the server ends the stream; a
    chunked body has no Content-Length).
    """
    headers = {**headers, "Upload-Offset": str(offset), "Content-Type": OCTETS, **extra}
    environ = {"wsgi.input": body}
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    if terminated:
        environ["wsgi.input_terminated"] = True
    return client.patch(url, headers=headers, environ_overrides=environ)


def upload_of(url: str) -> Upload:
    db.session.expire_all()
    return db.session.scalar(select(Upload).where(Upload.video_id == int(url.rsplit("/", 1)[1])))


def part_file(url: str):
    return storage.resolve(storage.upload_part_path(upload_of(url).id))


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def app_overrides():
    return {"QUEUE_IMMEDIATE": False, "MAX_UPLOAD_BYTES": 64 * 1024 * 1024}


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation="知新制作中心")


@pytest.fixture
def tus(producer) -> dict:
    return bearer(producer)


def test_options_advertises_version_extensions_size_and_checksums(client):
    response = client.options("/api/v1/uploads")
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Extension"].split(",") == ["creation", "termination", "checksum", "expiration"]
    assert response.headers["Tus-Max-Size"] == str(64 * 1024 * 1024)
    assert set(response.headers["Tus-Checksum-Algorithm"].split(",")) == {"sha1", "md5", "sha256"}
    assert client.options("/api/v1/uploads/12").status_code == 204


def test_creation_allocates_the_video_named_by_the_location(client, tus, producer):
    metadata = f"filename {b64('第1讲 <b>开场</b>.mp4')},filetype {b64('video/mp4')},relativePath"
    response = create(client, tus, len(DATA), metadata)
    assert response.status_code == 201
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert parse_date(response.headers["Upload-Expires"]) > utcnow()
    location = response.headers["Location"]
    assert re.fullmatch(r"/api/v1/uploads/\d+", location)
    video = db.session.get(Video, int(location.rsplit("/", 1)[1]))
    assert (video.status, video.progress, video.owner_id) == ("uploading", 0, producer.id)
    assert video.original_filename == "第1讲 <b>开场</b>.mp4"
    upload = upload_of(location)
    assert re.fullmatch(r"[0-9a-f]{32}", upload.id) and upload.id not in location
    assert (upload.length, upload.offset, upload.filetype) == (len(DATA), 0, "video/mp4")
    assert upload.upload_metadata["relativePath"] == ""
    # The client's name is metadata only: the only file is named by the server's id.
    assert [p.name for p in storage.media_root().rglob("*") if p.is_file()] == [f"{upload.id}.part"]


def test_head_reports_offset_length_and_metadata_and_is_never_cached(client, tus):
    metadata = f"filename {b64('讲座.webm')},filetype {b64('video/webm')}"
    url = created_url(client, tus, metadata=metadata)
    send(client, url, tus, 0, DATA[:1000])
    response = client.head(url, headers=tus)
    assert response.status_code == 200
    assert response.headers["Upload-Offset"] == "1000"
    assert response.headers["Upload-Length"] == str(len(DATA))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert uploads.parse_metadata(response.headers["Upload-Metadata"]) == {
        "filename": "讲座.webm", "filetype": "video/webm"}
    assert "Upload-Expires" in response.headers


def test_patches_append_at_the_offset_and_the_last_byte_makes_the_video(client, tus, producer):
    url = created_url(client, tus, metadata=f"filename {b64('课程.mp4')}")
    first = send(client, url, tus, 0, DATA[:100_000])
    assert first.status_code == 204
    assert first.headers["Upload-Offset"] == "100000"
    assert "Upload-Expires" in first.headers and "Zhixin-Video-Id" not in first.headers
    assert part_file(url).read_bytes() == DATA[:100_000]
    last = send(client, url, tus, 100_000, DATA[100_000:])
    assert last.status_code == 204
    assert last.headers["Upload-Offset"] == str(len(DATA))
    video_id = int(url.rsplit("/", 1)[1])
    assert last.headers["Zhixin-Video-Id"] == str(video_id)
    video = db.session.get(Video, video_id)
    assert (video.status, video.owner_id, video.original_filename) == ("processing", producer.id, "课程.mp4")
    assert (video.original_path, video.original_size) == (f"originals/{video_id}/source", len(DATA))
    assert storage.resolve(video.original_path).read_bytes() == DATA
    assert upload_of(url).completed_at is not None
    assert not any(storage.resolve("uploads").iterdir())
    head = client.head(url, headers=tus)
    assert head.headers["Upload-Offset"] == str(len(DATA))
    assert head.headers["Zhixin-Video-Id"] == str(video_id)


def test_the_finished_upload_is_queued_for_processing(client, tus):
    queue.huey.flush()
    url = created_url(client, tus)
    assert send(client, url, tus, 0, DATA).status_code == 204
    pending = [(type(task).__module__, task.name, task.args) for task in queue.huey.pending()]
    assert pending == [("courses.media.tasks", "process_video", (int(url.rsplit("/", 1)[1]),))]


def test_a_zero_byte_upload_is_finished_at_creation(client, tus):
    response = create(client, tus, 0)
    assert response.status_code == 201
    video = db.session.get(Video, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert response.headers["Zhixin-Video-Id"] == str(video.id)
    assert video.status == "processing" and storage.resolve(video.original_path).read_bytes() == b""


def test_an_offset_mismatch_is_409_and_writes_nothing(client, tus):
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA[:500])
    for offset in (0, 499, 501):
        response = send(client, url, tus, offset, DATA[offset:offset + 100])
        assert response.status_code == 409
        assert error_code(response) == "offset_mismatch"
        assert "500" in response.get_json()["error"]["message"]
    assert upload_of(url).offset == 500 and part_file(url).read_bytes() == DATA[:500]


@pytest.mark.parametrize("value", [None, "0.2.2", "1.0"])
def test_a_request_without_tus_resumable_1_0_0_is_412(client, tus, value):
    headers = {k: v for k, v in tus.items() if k != "Tus-Resumable"}
    if value:
        headers["Tus-Resumable"] = value
    url = created_url(client, tus)
    answers = [
        client.post("/api/v1/uploads", headers={**headers, "Upload-Length": "10"}),
        client.head(url, headers=headers),
        send(client, url, headers, 0, b"abc"),
        client.delete(url, headers=headers),
    ]
    for response in answers:
        assert response.status_code == 412
        assert response.headers["Tus-Version"] == "1.0.0"
        assert response.headers["Tus-Resumable"] == "1.0.0"
    assert answers[0].get_json()["error"]["code"] == "unsupported_version"
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 1
    assert upload_of(url).offset == 0


def test_a_patch_of_another_content_type_is_415(client, tus):
    url = created_url(client, tus)
    response = send(client, url, tus, 0, DATA[:10], **{"Content-Type": "application/octet-stream"})
    assert response.status_code == 415
    assert "application/offset+octet-stream" in response.get_json()["error"]["message"]
    assert upload_of(url).offset == 0


@pytest.mark.parametrize("algorithm", ["sha1", "md5", "sha256"])
def test_a_matching_checksum_is_accepted(client, tus, algorithm):
    url = created_url(client, tus)
    digest = base64.b64encode(hashlib.new(algorithm, DATA[:4096]).digest()).decode()
    response = send(client, url, tus, 0, DATA[:4096], **{"Upload-Checksum": f"{algorithm} {digest}"})
    assert response.status_code == 204 and response.headers["Upload-Offset"] == "4096"


def test_a_checksum_mismatch_is_460_and_appends_nothing(client, tus):
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA[:1000])
    wrong = base64.b64encode(hashlib.sha1(b"something else").digest()).decode()
    response = send(client, url, tus, 1000, DATA[1000:2000], **{"Upload-Checksum": f"sha1 {wrong}"})
    assert response.status_code == 460
    assert error_code(response) == "checksum_mismatch"
    assert upload_of(url).offset == 1000 and part_file(url).read_bytes() == DATA[:1000]
    assert client.head(url, headers=tus).headers["Upload-Offset"] == "1000"


@pytest.mark.parametrize("header, code", [("crc32 AAAAAA==", "unsupported_checksum"),
                                          ("sha1 not-base64!", "bad_checksum"),
                                          ("sha1 " + base64.b64encode(b"short").decode(), "bad_checksum")])
def test_an_unusable_checksum_header_is_400(client, tus, header, code):
    url = created_url(client, tus)
    response = send(client, url, tus, 0, DATA[:10], **{"Upload-Checksum": header})
    assert response.status_code == 400 and error_code(response) == code
    assert upload_of(url).offset == 0


def test_creation_over_the_size_limit_is_413_and_creates_nothing(client, tus):
    response = create(client, tus, 64 * 1024 * 1024 + 1)
    assert response.status_code == 413
    assert "64 MiB" in response.get_json()["error"]["message"]
    assert db.session.scalar(select(func.count()).select_from(Video)) == 0
    assert create(client, tus, 64 * 1024 * 1024).status_code == 201


@pytest.mark.parametrize("length", [None, "", "-1", "1.5", "ten"])
def test_creation_needs_a_valid_upload_length(client, tus, length):
    headers = dict(tus) if length is None else {**tus, "Upload-Length": length}
    response = client.post("/api/v1/uploads", headers=headers)
    assert response.status_code == 400 and error_code(response) == "bad_length"


@pytest.mark.parametrize("metadata", ["filename !!!", f"filename {b64('a')},filename {b64('b')}",
                                      f"file name {b64('a')}", "filename " + base64.b64encode(b"\xff\xfe").decode()])
def test_malformed_metadata_is_400(client, tus, metadata):
    response = create(client, tus, 10, metadata)
    assert response.status_code == 400 and error_code(response) == "bad_metadata"


def test_a_patch_past_the_upload_length_is_413_and_writes_nothing(client, tus):
    url = created_url(client, tus, length=1000)
    send(client, url, tus, 0, DATA[:400])
    response = send(client, url, tus, 400, DATA[:601])
    assert response.status_code == 413 and error_code(response) == "exceeds_length"
    assert upload_of(url).offset == 400 and part_file(url).read_bytes() == DATA[:400]


def test_a_streamed_body_without_length_past_the_upload_length_is_413(client, tus):
    """As gunicorn hands over a chunked body: no Content-Length, the server ends the stream."""
    url = created_url(client, tus, length=3 * uploads.CHUNK_BYTES)
    response = stream(client, url, tus, 0, Chunks(4 * uploads.CHUNK_BYTES), terminated=True)
    assert response.status_code == 413
    assert upload_of(url).offset == 0 and part_file(url).stat().st_size == 0


@pytest.mark.parametrize("app_overrides", [{"QUEUE_IMMEDIATE": False, "MAX_UPLOAD_BYTES": 3 * uploads.CHUNK_BYTES}])
def test_an_upload_of_exactly_the_maximum_size_streams_as_gunicorn_hands_it_over(client, tus):
    size = 3 * uploads.CHUNK_BYTES
    url = created_url(client, tus, length=size)
    response = stream(client, url, tus, 0, Chunks(size), length=size, terminated=True)
    assert response.status_code == 204 and response.headers["Upload-Offset"] == str(size)


def test_an_expired_upload_is_refused_but_may_still_be_terminated(client, tus):
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA[:100])
    upload = upload_of(url)
    upload.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.head(url, headers=tus).status_code == 410
    response = send(client, url, tus, 100, DATA[100:200])
    assert response.status_code == 410 and error_code(response) == "upload_expired"
    assert upload_of(url).offset == 100
    assert client.delete(url, headers=tus).status_code == 204
    assert client.head(url, headers=tus).status_code == 404


def test_each_patch_moves_the_expiry_ahead(client, tus):
    url = created_url(client, tus)
    upload = upload_of(url)
    soon = utcnow() + timedelta(minutes=5)
    upload.expires_at = soon
    db.session.commit()
    response = send(client, url, tus, 0, DATA[:10])
    assert parse_date(response.headers["Upload-Expires"]) > soon
    assert upload_of(url).expires_at > soon


def test_termination_removes_the_partial_file_the_row_and_the_video(client, tus):
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA[:100])
    part = part_file(url)
    response = client.delete(url, headers=tus)
    assert response.status_code == 204 and response.headers["Tus-Resumable"] == "1.0.0"
    assert not part.exists()
    assert upload_of(url) is None
    assert db.session.get(Video, int(url.rsplit("/", 1)[1])) is None
    assert client.head(url, headers=tus).status_code == 404
    assert send(client, url, tus, 100, DATA[100:200]).status_code == 404


def test_a_finished_upload_cannot_be_terminated(client, tus):
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA)
    response = client.delete(url, headers=tus)
    assert response.status_code == 409 and error_code(response) == "upload_finished"
    assert db.session.get(Video, int(url.rsplit("/", 1)[1])).status == "processing"
    assert send(client, url, tus, len(DATA), b"").status_code == 409


def test_an_upload_being_written_is_locked(client, tus):
    url = created_url(client, tus)
    with uploads.locked(part_file(url)):
        assert send(client, url, tus, 0, DATA[:10]).status_code == 423
        assert client.delete(url, headers=tus).status_code == 423
    assert upload_of(url).offset == 0
    assert send(client, url, tus, 0, DATA[:10]).status_code == 204


def test_another_producers_upload_is_404(client, tus, make_user):
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA[:100])
    other = bearer(make_user("producer", organisation="知新制作中心"))
    assert client.head(url, headers=other).status_code == 404
    assert send(client, url, other, 100, DATA[100:200]).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    assert upload_of(url).offset == 100 and part_file(url).exists()


@pytest.mark.parametrize("role", ["trainee", "reviewer", "bureau", "admin"])
def test_only_producers_upload(client, tus, make_user, role):
    url = created_url(client, tus)
    headers = bearer(make_user(role))
    assert create(client, headers, 10).status_code == 403
    assert client.head(url, headers=headers).status_code == 403
    assert send(client, url, headers, 0, DATA[:10]).status_code == 403
    assert upload_of(url).offset == 0


def test_anonymous_callers_are_401(client, tus):
    url = created_url(client, tus)
    response = create(client, TUS, 10)
    assert response.status_code == 401 and error_code(response) == "unauthorized"
    assert client.head(url, headers=TUS).status_code == 401
    assert send(client, url, TUS, 0, DATA[:10]).status_code == 401


def test_a_cut_off_patch_keeps_what_arrived_unless_it_had_a_checksum(client, tus):
    url = created_url(client, tus, length=10 * 4096)
    response = stream(client, url, tus, 0, Chunks(4 * 4096), length=10 * 4096)
    assert response.status_code == 204
    assert upload_of(url).offset == 4 * 4096 and part_file(url).read_bytes() == Chunks(4 * 4096).read()
    digest = base64.b64encode(hashlib.sha1(b"whatever").digest()).decode()
    response = stream(client, url, tus, 4 * 4096, Chunks(2 * 4096), length=6 * 4096,
                      **{"Upload-Checksum": f"sha1 {digest}"})
    assert response.status_code == 460
    assert upload_of(url).offset == 4 * 4096 and part_file(url).stat().st_size == 4 * 4096


def test_method_override_patches_and_deletes(client, tus):
    url = created_url(client, tus)
    response = client.post(url, data=DATA[:10], headers={
        **tus, "X-HTTP-Method-Override": "PATCH", "Upload-Offset": "0", "Content-Type": OCTETS})
    assert response.status_code == 204 and response.headers["Upload-Offset"] == "10"
    assert client.post(url, headers={**tus, "X-HTTP-Method-Override": "DELETE"}).status_code == 204
    assert upload_of(url) is None


def test_errors_are_json_in_chinese_with_tus_headers(client, tus):
    response = client.head("/api/v1/uploads/999999", headers=tus)
    assert response.status_code == 404 and response.headers["Tus-Resumable"] == "1.0.0"
    response = send(client, "/api/v1/uploads/999999", tus, 0, b"x")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "上传不存在。"}}
    assert client.get("/api/v1/uploads/abc", headers=tus).headers["Tus-Resumable"] == "1.0.0"


class Chunks:
    """A request body made on the fly: ``size`` bytes of a repeating pattern, never held whole."""

    PATTERN = bytes(range(256)) * 16

    def __init__(self, size: int):
        self.left = size
        self.sent = 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        start = self.sent % len(self.PATTERN)
        chunk = (self.PATTERN * (n // len(self.PATTERN) + 2))[start:start + n]
        self.left -= n
        self.sent += n
        return chunk
