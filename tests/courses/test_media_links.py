"""Signed media links: with MEDIA_LINK_SECRET, every page and call that shows a viewer a video
gives links nginx checks alone (secure_link); without it, the app's own routes, as before.
The real nginx checking these links: tests/courses/test_media_links_nginx.py."""
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from courses.media import links
from openapi.openapi import spec
from tests.courses.test_media import ORG, write_media
from tests.openapi.openapi_checker import Checker

SECRET = "test-media-link-secret"
NOW = datetime(2026, 12, 4, 5, 30, 10, tzinfo=UTC)


# --- sign(), without the app ---------------------------------------------------------------

def test_sign_gives_what_nginx_secure_link_md5_computes():
    # printf '%s' "1798761600/signed-media/renditions/7/720p.mp442 s3cret" \
    #   | openssl md5 -binary | openssl base64 | tr +/ -_ | tr -d =
    assert links.sign("renditions/7/720p.mp4", 42, 1798761600, "s3cret") == (
        "/signed-media/renditions/7/720p.mp4?u=42&e=1798761600&s=3QYDbTu5wKkFQEsOHsoggg")


def test_the_checksum_binds_file_user_expiry_and_secret():
    base = links.checksum("/signed-media/posters/7.jpg", 42, 1798761600, "s3cret")
    assert len(base) == 22 and re.fullmatch(r"[A-Za-z0-9_-]+", base)
    assert base != links.checksum("/signed-media/posters/8.jpg", 42, 1798761600, "s3cret")
    assert base != links.checksum("/signed-media/posters/7.jpg", 43, 1798761600, "s3cret")
    assert base != links.checksum("/signed-media/posters/7.jpg", 42, 1798761660, "s3cret")
    assert base != links.checksum("/signed-media/posters/7.jpg", 42, 1798761600, "other")


def test_expiry_is_rounded_up_to_the_minute():
    start = int(NOW.timestamp())
    assert links.expiry(NOW, 600) == start - 10 + 660  # 05:30:10 + 10 min → 05:41:00
    assert links.expiry(datetime(2026, 12, 4, 5, 30, tzinfo=UTC), 600) == start - 10 + 600


# --- the app ---------------------------------------------------------------------------------

@pytest.fixture
def app_overrides():
    return {"MEDIA_LINK_SECRET": SECRET, "MEDIA_LINK_SECONDS": 300}


@pytest.fixture
def lesson(make_course, make_user):
    course = make_course(lessons=1, producer=make_user("producer", organisation=ORG))
    write_media(course.lessons[0].video, height=720)
    return course.lessons[0]


def assert_signed(url: str, relative: str, user_id: int, now: datetime = NOW) -> None:
    """``url`` is a link nginx accepts for ``relative`` and ``user_id``, expiring within minutes."""
    parts = urlsplit(url)
    args = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert parts.path == f"/signed-media/{relative}"
    assert args["u"] == str(user_id)
    assert 0 < int(args["e"]) - now.timestamp() <= 300 + 60
    assert args["s"] == links.checksum(parts.path, user_id, int(args["e"]), SECRET)


def test_the_lesson_page_carries_links_signed_for_the_viewer(client, sign_in, make_user, lesson):
    trainee = make_user("trainee")
    sign_in(trainee)
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    now = datetime.now(UTC)
    video = lesson.video
    found = {
        "source": re.search(r'<source src="([^"]+)"', page).group(1),
        "poster": re.search(r'poster="([^"]+)"', page).group(1),
        "track": re.search(r'<track [^>]*src="([^"]+)"', page).group(1),
    }
    for url, relative in zip(found.values(), (video.renditions[0]["path"], video.poster_path,
                                               video.captions_path), strict=True):
        assert_signed(url.replace("&amp;", "&"), relative, trainee.id, now)
    assert "/media/videos/" not in page  # nothing goes through the app's check any more
    assert f'data-media-url="/api/v1/lessons/{lesson.id}/media"' in page


def test_fresh_links_are_for_whoever_may_play_the_lesson(client, sign_in, make_user, make_course, lesson):
    checker = Checker(spec())
    template = "/api/v1/lessons/{lesson_id}/media"

    def call(lesson_id):
        return checker.check(client.get(f"/api/v1/lessons/{lesson_id}/media"), template, "get")

    assert call(lesson.id).status_code == 401
    trainee = make_user("trainee")
    sign_in(trainee)
    answer = call(lesson.id)
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]
    body = answer.get_json()
    assert_signed(body["renditions"][0]["url"], lesson.video.renditions[0]["path"], trainee.id,
                  datetime.now(UTC))
    assert body["renditions"][0]["height"] == 720
    assert 240 < body["expires_in"] <= 360
    assert call(99999).status_code == 404
    draft = make_course(status="draft", lessons=1).lessons[0]
    assert call(draft.id).get_json()["error"]["code"] == "not_found"
    assert {status for _path, _method, status in checker.seen} == {"200", "401", "404"}
    operations = {(p, m) for p, item in spec()["paths"].items() for m, op in item.items() if "media" in op["tags"]}
    assert operations == {(template, "get")}


def test_the_catalogue_call_signs_for_a_signed_in_caller_only(client, sign_in, make_user, lesson):
    url = f"/api/v1/courses/{lesson.course_id}"
    anonymous = client.get(url).get_json()["lessons"][0]
    assert anonymous["sources"][0]["url"] == f"/media/videos/{lesson.video_id}/720p.mp4"  # leads to login
    trainee = make_user("trainee")
    sign_in(trainee)
    mine = client.get(url).get_json()["lessons"][0]
    now = datetime.now(UTC)
    assert_signed(mine["sources"][0]["url"], lesson.video.renditions[0]["path"], trainee.id, now)
    assert mine["sources"][0]["width"] == 640
    assert_signed(mine["captions"], lesson.video.captions_path, trainee.id, now)
    listed = client.get("/api/v1/courses").get_json()["items"][0]
    assert listed["poster"] == f"/media/videos/{lesson.video_id}/poster.jpg"  # public, cacheable


def test_backstage_pages_and_calls_sign_for_the_producer(client, sign_in, lesson):
    producer = lesson.course.producer
    sign_in(producer)
    video = lesson.video
    now = datetime.now(UTC)
    state = client.get(f"/api/v1/videos/{video.id}").get_json()
    assert_signed(state["renditions"][0]["url"], video.renditions[0]["path"], producer.id, now)
    assert_signed(state["poster"], video.poster_path, producer.id, now)
    studio = client.get(f"/api/v1/studio/courses/{lesson.course_id}").get_json()["lessons"][0]
    assert_signed(studio["captions"], video.captions_path, producer.id, now)
    for page in (f"/studio/videos/{video.id}", f"/studio/courses/{lesson.course_id}/preview"):
        html = client.get(page).get_data(as_text=True)
        source = re.search(r'<source src="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert_signed(source, video.renditions[0]["path"], producer.id, now)
        assert "js/player/media.js" in html


def test_a_secret_that_is_not_a_string_is_refused(app, client, sign_in, make_user, lesson):
    app.config["MEDIA_LINK_SECRET"] = 12345  # ZHIXIN_MEDIA_LINK_SECRET=12345 parses as a number
    sign_in(make_user("trainee"))
    with pytest.raises(TypeError, match="MEDIA_LINK_SECRET"):
        client.get(f"/api/v1/lessons/{lesson.id}/media")


class TestWithoutSecret:
    """No MEDIA_LINK_SECRET: every link is the app's route, which checks each request."""

    @pytest.fixture
    def app_overrides(self):
        return {}

    def test_the_page_and_the_call_give_the_apps_routes(self, client, sign_in, make_user, lesson):
        sign_in(make_user("trainee"))
        page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
        assert f'<source src="/media/videos/{lesson.video_id}/720p.mp4"' in page
        assert f'poster="/media/videos/{lesson.video_id}/poster.jpg"' in page
        assert "/signed-media/" not in page
        body = client.get(f"/api/v1/lessons/{lesson.id}/media").get_json()
        assert body == {"renditions": [{"height": 720, "url": f"/media/videos/{lesson.video_id}/720p.mp4"}],
                        "poster": f"/media/videos/{lesson.video_id}/poster.jpg",
                        "captions": f"/media/videos/{lesson.video_id}/captions.vtt",
                        "expires_at": None, "expires_in": None}
        assert client.get(body["renditions"][0]["url"], buffered=True).status_code == 200
