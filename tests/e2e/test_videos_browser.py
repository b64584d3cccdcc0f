"""The video pages in a real browser: videos.js follows a job's progress live, and shows
the outcome (the list updates in place; the video's page reloads to show the reason)."""
import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from accounts.models import User
from core.extensions import db
from courses.models import Video
from tests.conftest import make_id_number, make_phone

pytestmark = pytest.mark.e2e
PASSWORD = "correct-horse-9"


@pytest.fixture
def producer_video(live_server):
    """A signed-up producer and one of their videos, processing at 10 %."""
    with live_server.app.app_context():
        producer = User(role="producer", real_name="周明远", id_number=make_id_number(), phone=make_phone(),
                        region_code="110105", organisation="知新制作中心",
                        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
        video = Video(owner=producer, status="processing", progress=10, original_filename="第一讲.mp4")
        db.session.add(video)
        db.session.commit()
        return producer.phone, video.id


def set_video(live_server, video_id: int, **fields) -> None:
    with live_server.app.app_context():
        video = db.session.get(Video, video_id)
        for name, value in fields.items():
            setattr(video, name, value)
        db.session.commit()


def sign_in(page, phone: str) -> None:
    page.goto("/login")
    page.fill("input[name=identifier]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_progress_is_followed_live_and_a_failure_shows_its_reason(page, live_server, producer_video, screenshot):
    phone, video_id = producer_video
    sign_in(page, phone)
    page.goto(f"/studio/videos/{video_id}")
    bar = page.locator("progress[data-progress]")
    assert bar.get_attribute("value") == "10"
    set_video(live_server, video_id, progress=55)
    expect(bar).to_have_attribute("value", "55")
    expect(page.locator("[data-progress-text]")).to_have_text("55%")
    screenshot(page, "processing")
    set_video(live_server, video_id, status="failed", progress=0, error_code="no_video_stream",
              error="文件中没有视频画面（可能是纯音频文件）。")
    page.wait_for_selector(".video-failure")  # the page reloaded by itself
    assert "文件中没有视频画面" in page.locator(".video-failure").inner_text()
    assert page.locator("form[action$='/retry'] button").is_visible()
    screenshot(page, "failed")


def test_the_list_updates_a_finished_video_in_place(page, live_server, producer_video):
    phone, video_id = producer_video
    sign_in(page, phone)
    page.goto("/studio/videos")
    assert page.locator("[data-status-label]").inner_text() == "处理中"
    set_video(live_server, video_id, status="ready", progress=100)
    expect(page.locator("[data-status-label]")).to_have_text("可用")
    expect(page.locator("progress")).to_have_count(0)
