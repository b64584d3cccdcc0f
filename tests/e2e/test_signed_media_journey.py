"""A trainee plays a lesson through nginx with signed media links (issue 16): the README's nginx
block in front of the live app, MEDIA_LINK_SECRET set to the block's secret. nginx serves the
rendition, poster and captions alone (no media request reaches the app), and when a link
stops working (here: spoilt, as an expired one would be) the player fetches fresh links from
the app and plays on from where it was. The plain-HTTP checks of that nginx:
tests/courses/test_media_links_nginx.py."""
import re

import pytest
from playwright.sync_api import expect

from tests.courses.test_media_links_nginx import readme_nginx, readme_secret
from tests.e2e.conftest import checked_page, click_to_play, sign_in
from tests.learning.nginx_stack import needs_nginx

pytestmark = [pytest.mark.e2e, needs_nginx]

from bench import readme_stack as nginx_stack  # noqa: E402

SECRET = readme_secret(nginx_stack.readme_nginx_block())


@pytest.fixture
def live_overrides():
    return {"MEDIA_LINK_SECRET": SECRET, "HEARTBEAT_SECONDS": 2}


@pytest.fixture
def nginx_page(browser, live_server, tmp_path, request, screenshot):
    """A browser page whose relative URLs go to nginx (the README's block) in front of the live app."""
    app_port = int(live_server.base_url.rsplit(":", 1)[1])
    with readme_nginx(tmp_path, app_port) as port:
        context = browser.new_context(base_url=f"http://127.0.0.1:{port}", locale="zh-CN",
                                      viewport={"width": 1280, "height": 900})
        with checked_page(context, request, screenshot) as page:
            page.nginx_log = tmp_path / "nginx" / "access.log"
            yield page


def test_a_lesson_plays_from_nginx_alone_and_renews_a_spoilt_link(nginx_page, seeded_course, trainee):
    page = nginx_page
    sign_in(page, trainee)
    lesson_id = seeded_course["lesson_ids"][0]
    page.goto(f"/lessons/{lesson_id}")
    video = page.locator("#lesson-video")
    source = page.locator("video source").first
    expect(source).to_have_attribute("src", re.compile(r"^/signed-media/renditions/\d+/360p\.mp4\?u=\d+&e=\d+&s="))
    expect(video).to_have_attribute("poster", re.compile(r"^/signed-media/posters/"))
    click_to_play(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1.5")
    video.evaluate("v => v.pause()")
    at = video.evaluate("v => v.currentTime")

    # An expired link answers 410, a spoilt one 403: either way the element fails, and the
    # player asks the app for fresh links, swaps them in and comes back to where it was.
    video.evaluate("""v => { const s = v.querySelector('source');
                             s.src = s.getAttribute('src').replace(/s=[^&]+/, 's=spoilt'); v.load(); }""")
    expect(source).to_have_attribute("src", re.compile(r"s=(?!spoilt)[\w-]{22}$"), timeout=20_000)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.wait_for_function(f"() => Math.abs(document.querySelector('video').currentTime - {at}) < 0.5")
    video.evaluate("v => v.play()")
    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)

    lines = page.nginx_log.read_text().splitlines()
    media = [line for line in lines if '"GET /signed-media/' in line]
    assert any(line.startswith("206 - ") for line in media)  # ranges, served by nginx alone
    assert any(line.startswith("403 - ") and "s=spoilt" in line for line in media)
    assert all(line.split()[1] == "-" for line in media)  # no media request reached the app
    assert any(f"/api/v1/lessons/{lesson_id}/media" in line and line.startswith("200 200") for line in lines)
    # only the home page's public posters still come from the app (published courses' posters)
    assert not [line for line in lines if re.search(r'"GET /media/videos/\d+/(\d+p\.mp4|captions)', line)]
