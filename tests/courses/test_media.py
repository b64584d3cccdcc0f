"""Serving lesson media: who gets it, which bytes, and the HTTP around them."""
import json
import os
import random
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from gunicorn.http.wsgi import FileWrapper as GunicornFileWrapper
from werkzeug.test import EnvironBuilder

from core.extensions import db
from courses.media import storage

ORG = "知新制作中心"
DATA = random.Random(20260101).randbytes(2000)
SIZE = len(DATA)
POSTER = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\n欢迎学习本课程\n"


def write_media(video, mp4: bytes = DATA, jpg: bytes = POSTER, height: int = 360) -> None:
    """Put a rendition, poster and captions for ``video`` on disk and in its row."""
    files = {
        storage.rendition_path(video.id, height): mp4,
        storage.poster_path(video.id): jpg,
        storage.captions_path(video.id): CAPTIONS.encode(),
    }
    for relative, content in files.items():
        path = storage.resolve(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    video.renditions = [{"height": height, "width": 640, "path": storage.rendition_path(video.id, height),
                         "bytes": len(mp4)}]
    video.poster_path = storage.poster_path(video.id)
    video.captions_path = storage.captions_path(video.id)
    db.session.commit()



@pytest.fixture
def owner(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def course_video(make_course, owner):
    """``make(status)``: the one video of a course in ``status``, with its media written."""

    def make(status: str = "published"):
        video = make_course(status=status, producer=owner, lessons=1).lessons[0].video
        write_media(video)
        return video

    return make


@pytest.fixture
def video(course_video):
    return course_video("published")


@pytest.fixture
def trainee(make_user, sign_in):
    user = make_user("trainee")
    sign_in(user)
    return user


def fetch(client, url: str, headers: dict | None = None, method: str = "GET"):
    """One request, its body read and the app's file closed (the test client's
    ``buffered``), so that a file the app leaves open shows up as a ResourceWarning."""
    return client.open(url, method=method, headers=headers or {}, buffered=True)


def rendition_url(video, height: int = 360) -> str:
    return f"/media/videos/{video.id}/{height}p.mp4"


def poster_url(video) -> str:
    return f"/media/videos/{video.id}/poster.jpg"


def captions_url(video) -> str:
    return f"/media/videos/{video.id}/captions.vtt"


# --- who gets what ----------------------------------------------------------------------

VIEWERS = ("anonymous", "trainee", "bureau", "other_producer", "same_org_producer", "owner",
           "reviewer", "admin")
BACKSTAGE = {"same_org_producer", "owner", "reviewer", "admin"}


def expected(viewer: str, published: bool) -> dict:
    if viewer == "anonymous":
        return {"rendition": 302, "captions": 302, "poster": 200 if published else 404}
    status = 200 if published or viewer in BACKSTAGE else 404
    return {"rendition": status, "captions": status, "poster": status}


@pytest.fixture
def viewer_user(make_user, owner):
    def make(viewer: str):
        return {
            "anonymous": None,
            "trainee": lambda: make_user("trainee"),
            "bureau": lambda: make_user("bureau"),
            "other_producer": lambda: make_user("producer", organisation="另一家制作公司"),
            "same_org_producer": lambda: make_user("producer", organisation=ORG),
            "owner": lambda: owner,
            "reviewer": lambda: make_user("reviewer"),
            "admin": lambda: make_user("admin"),
        }[viewer]

    return make


@pytest.mark.parametrize("published", [True, False], ids=["published", "draft"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_access_matrix(client, sign_in, course_video, viewer_user, viewer, published):
    video = course_video("published" if published else "draft")
    if (factory := viewer_user(viewer)) is not None:
        sign_in(factory())
    statuses = {
        "rendition": fetch(client, rendition_url(video)).status_code,
        "captions": fetch(client, captions_url(video)).status_code,
        "poster": fetch(client, poster_url(video)).status_code,
    }
    assert statuses == expected(viewer, published)


def test_anonymous_visitors_asking_for_a_rendition_are_sent_to_log_in(client, video):
    response = fetch(client, rendition_url(video))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [rendition_url(video)]


def test_anonymous_api_clients_get_401_json(client, video):
    response = fetch(client, rendition_url(video), {"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_anonymous_visitors_cannot_tell_which_videos_exist(client, video):
    assert fetch(client, f"/media/videos/{video.id + 1000}/360p.mp4").status_code == 302
    assert fetch(client, f"/media/videos/{video.id + 1000}/poster.jpg").status_code == 404


def test_unknown_video_height_or_file_is_404(client, trainee, video):
    assert fetch(client, f"/media/videos/{video.id + 1000}/360p.mp4").status_code == 404
    assert fetch(client, f"/media/videos/{video.id + 1000}/captions.vtt").status_code == 404
    assert fetch(client, rendition_url(video, 720)).status_code == 404
    storage.resolve(storage.rendition_path(video.id, 360)).unlink()
    assert fetch(client, rendition_url(video)).status_code == 404


def test_a_video_without_poster_or_captions_answers_404(client, trainee, video):
    video.poster_path, video.captions_path = "", ""
    db.session.commit()
    assert fetch(client, poster_url(video)).status_code == 404
    assert fetch(client, captions_url(video)).status_code == 404
    assert fetch(client, rendition_url(video)).status_code == 200


def test_files_outside_the_media_root_are_never_served(app, client, trainee, video, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"TOP SECRET")
    video.renditions = [{"height": 360, "width": 640, "path": "../secret.txt", "bytes": 10}]
    video.poster_path = str(secret)
    video.captions_path = "captions/../../secret.txt"
    db.session.commit()
    for url in (rendition_url(video), poster_url(video), captions_url(video),
                f"/media/videos/{video.id}/../../secret.txt"):
        response = fetch(client, url)
        assert response.status_code == 404, url
        assert b"TOP SECRET" not in response.data


# --- the bytes and the HTTP around them ------------------------------------------------------

def test_full_response(client, trainee, video):
    response = fetch(client, rendition_url(video))
    assert response.status_code == 200
    assert response.data == DATA
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == str(SIZE)
    assert response.mimetype == "video/mp4"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert response.cache_control.private and not response.cache_control.public


def test_head_sends_headers_only(client, trainee, video):
    response = fetch(client, rendition_url(video), method="HEAD")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(SIZE)
    assert response.data == b""


@pytest.mark.parametrize("header, start, stop", [
    ("bytes=0-99", 0, 100),
    ("bytes=100-", 100, SIZE),
    ("bytes=-100", SIZE - 100, SIZE),
    ("bytes=1990-999999", 1990, SIZE),  # an end past the file is cut to it
    ("bytes=-999999", 0, SIZE),  # a suffix longer than the file is all of it
    ("bytes=1999-1999", 1999, SIZE),
])
def test_byte_ranges(client, trainee, video, header, start, stop):
    response = fetch(client, rendition_url(video), {"Range": header})
    assert response.status_code == 206
    assert response.data == DATA[start:stop]
    assert response.headers["Content-Range"] == f"bytes {start}-{stop - 1}/{SIZE}"
    assert response.headers["Content-Length"] == str(stop - start)
    assert response.mimetype == "video/mp4"


def test_a_range_under_gunicorn_is_sent_from_its_start(app, client, trainee, video):
    """Under gunicorn, whose file wrapper cannot seek, the body must still start at the range.

    gunicorn sendfile()s ``Content-Length`` bytes from the file's current offset; a body that
    reads and drops the bytes before the range instead (Werkzeug's range wrapper) read
    the whole lecture for a seek near its end.
    """
    cookie = app.config["SESSION_COOKIE_NAME"]
    environ = EnvironBuilder(rendition_url(video), headers={
        "Range": "bytes=1500-1599", "Cookie": f"{cookie}={client.get_cookie(cookie).value}",
    }).get_environ()
    environ["wsgi.file_wrapper"] = GunicornFileWrapper
    started = []
    body = app(environ, lambda status, headers, exc_info=None: started.append(status))
    try:
        assert started == ["206 PARTIAL CONTENT"] and isinstance(body, GunicornFileWrapper)
        assert os.lseek(body.filelike.fileno(), 0, os.SEEK_CUR) == 1500
        assert b"".join(body) == DATA[1500:1600]
    finally:
        body.close()


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", "bytes=5000-6000"])
def test_unsatisfiable_range_is_416_with_content_range(client, trainee, video, header):
    response = fetch(client, rendition_url(video), {"Range": header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{SIZE}"
    assert DATA[:100] not in response.data


def test_unsatisfiable_range_in_json_keeps_content_range(client, trainee, video):
    response = fetch(client, rendition_url(video), {"Range": "bytes=5000-", "Accept": "application/json"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{SIZE}"
    assert response.get_json()["error"]["code"] == "range_not_satisfiable"


@pytest.mark.parametrize("header", ["bytes=0-9,20-29", "items=0-5", "bytes=abc", "bytes=9-3"])
def test_ranges_that_must_or_may_be_ignored_get_the_whole_file(client, trainee, video, header):
    response = fetch(client, rendition_url(video), {"Range": header})
    assert response.status_code == 200
    assert response.data == DATA


def validators(client, video) -> tuple[str, str]:
    response = fetch(client, rendition_url(video), method="HEAD")
    return response.headers["ETag"], response.headers["Last-Modified"]


def test_if_none_match_answers_304(client, trainee, video):
    etag, _ = validators(client, video)
    response = fetch(client, rendition_url(video), {"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert fetch(client, rendition_url(video), {"If-None-Match": f"W/{etag}"}).status_code == 304
    assert fetch(client, rendition_url(video), {"If-None-Match": '"other"'}).status_code == 200


def test_if_modified_since_answers_304(client, trainee, video):
    etag, last_modified = validators(client, video)
    assert fetch(client, rendition_url(video), {"If-Modified-Since": last_modified}).status_code == 304
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(client, rendition_url(video), {"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert fetch(client, rendition_url(video), both).status_code == 200


def test_not_modified_comes_before_the_range(client, trainee, video):
    etag, _ = validators(client, video)
    response = fetch(client, rendition_url(video), {"Range": "bytes=0-9", "If-None-Match": etag})
    assert response.status_code == 304


def test_if_range_with_the_current_validator_gives_the_range(client, trainee, video):
    etag, last_modified = validators(client, video)
    for validator in (etag, last_modified):
        response = fetch(client, rendition_url(video), {"Range": "bytes=0-9", "If-Range": validator})
        assert response.status_code == 206, validator
        assert response.data == DATA[:10]


@pytest.mark.parametrize("stale", ['"other"', "weak", "Mon, 01 Jan 2001 00:00:00 GMT", "later"])
def test_if_range_with_another_validator_gives_the_whole_file(client, trainee, video, stale):
    etag, _ = validators(client, video)
    stale = {"weak": f"W/{etag}", "later": "Fri, 01 Jan 2100 00:00:00 GMT"}.get(stale, stale)
    for wanted in ("bytes=0-9", "bytes=5000-"):
        response = fetch(client, rendition_url(video), {"Range": wanted, "If-Range": stale})
        assert response.status_code == 200, wanted
        assert response.data == DATA


def test_a_changed_file_has_a_new_etag(client, trainee, video):
    etag, _ = validators(client, video)
    path = storage.resolve(storage.rendition_path(video.id, 360))
    path.write_bytes(DATA[::-1])
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2_000_000_000))
    response = fetch(client, rendition_url(video), {"If-None-Match": etag})
    assert response.status_code == 200
    assert response.data == DATA[::-1]
    assert response.headers["ETag"] != etag


def test_poster_and_captions_types_and_caching(client, owner, sign_in, video, course_video):
    response = fetch(client, poster_url(video))
    assert (response.status_code, response.mimetype, response.data) == (200, "image/jpeg", POSTER)
    assert response.cache_control.public and not response.cache_control.private
    sign_in(owner)
    hidden = course_video("draft")
    response = fetch(client, poster_url(hidden))
    assert response.status_code == 200
    assert response.cache_control.private and not response.cache_control.public
    response = fetch(client, captions_url(video))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.get_data(as_text=True) == CAPTIONS
    assert response.cache_control.private


# --- nginx serves the bytes ----------------------------------------------------------------

class TestAccelRedirect:
    @pytest.fixture(params=["/protected-media/", "/protected-media"])
    def app_overrides(self, request):
        return {"MEDIA_ACCEL_REDIRECT": request.param}

    def test_rendition_is_handed_to_nginx(self, client, trainee, video):
        for headers in ({}, {"Range": "bytes=0-99"}):
            response = fetch(client, rendition_url(video), headers)
            assert response.status_code == 200
            expected_target = f"/protected-media/renditions/{video.id}/360p.mp4"
            assert response.headers["X-Accel-Redirect"] == expected_target
            assert response.data == b""
            assert response.mimetype == "video/mp4"
            assert response.cache_control.private

    def test_poster_and_captions_are_handed_to_nginx(self, client, trainee, video):
        response = fetch(client, poster_url(video))
        assert response.headers["X-Accel-Redirect"] == f"/protected-media/posters/{video.id}.jpg"
        assert (response.mimetype, response.data) == ("image/jpeg", b"")
        assert response.cache_control.public
        response = fetch(client, captions_url(video))
        assert response.headers["X-Accel-Redirect"] == f"/protected-media/captions/{video.id}.vtt"
        assert response.headers["Content-Type"] == "text/vtt; charset=utf-8"

    def test_access_is_checked_first(self, client, sign_in, make_user, course_video, video):
        assert fetch(client, rendition_url(video)).status_code == 302
        hidden = course_video("draft")
        sign_in(make_user("trainee"))
        urls = (rendition_url(hidden), poster_url(hidden), captions_url(hidden), rendition_url(video, 720))
        for url in urls:
            response = fetch(client, url)
            assert response.status_code == 404, url
            assert "X-Accel-Redirect" not in response.headers

    def test_paths_outside_the_media_root_are_refused(self, client, trainee, video):
        video.renditions = [{"height": 360, "width": 640, "path": "../../etc/passwd", "bytes": 1}]
        db.session.commit()
        response = fetch(client, rendition_url(video))
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response.headers


# --- a real clip ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """A 2-second H.264 MP4 and a JPEG poster made by ffmpeg, once per module."""
    folder = tmp_path_factory.mktemp("clip")
    mp4, jpg = folder / "clip.mp4", folder / "poster.jpg"
    ffmpeg = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10"]
    encode = ["-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]
    subprocess.run([*ffmpeg, *encode, str(mp4)], check=True, timeout=120)
    subprocess.run([*ffmpeg, "-frames:v", "1", str(jpg)], check=True, timeout=60)
    return mp4.read_bytes(), jpg.read_bytes()


def probe(path) -> dict:
    result = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                            capture_output=True, check=True, timeout=60)
    return json.loads(result.stdout)["streams"][0]


@pytest.mark.slow
def test_a_real_clip_is_served_playable(client, trainee, video, clip, tmp_path):
    mp4, jpg = clip
    write_media(video, mp4=mp4, jpg=jpg)
    response = fetch(client, rendition_url(video))
    assert (response.status_code, response.mimetype) == (200, "video/mp4")
    served = tmp_path / "served.mp4"
    served.write_bytes(response.data)
    stream = probe(served)
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("h264", 320, 180)
    head = fetch(client, rendition_url(video), {"Range": "bytes=0-11"})
    assert head.status_code == 206 and head.data[4:8] == b"ftyp"
    poster = fetch(client, poster_url(video))
    assert poster.mimetype == "image/jpeg"
    (tmp_path / "served.jpg").write_bytes(poster.data)
    assert probe(tmp_path / "served.jpg")["codec_name"] == "mjpeg"
