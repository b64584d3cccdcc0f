"""The producer's video pages: the list with live progress, a video's page, Retry."""
import re

import pytest

from accounts.models import AuditLog
from core.extensions import db
from courses.models import Video
from tests.courses.test_pipeline_support import ORG, add_upload, sample


@pytest.fixture
def owner(make_user):
    return make_user("producer", organisation=ORG, real_name="周明远")


def no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert " style=" not in html and not re.search(r"\son[a-z]+=", html)


def test_list_shows_my_organisations_videos_with_live_progress(client, sign_in, make_user, make_video, owner):
    colleague = make_user("producer", organisation=ORG, real_name="李晓梅")
    mine = make_video(owner=owner, status="processing", progress=37, original_filename="第一讲<b>.mp4")
    theirs = make_video(owner=colleague, status="ready", original_filename="第二讲.mp4", duration=95)
    other = make_video(owner=make_user("producer", organisation="另一家机构"), original_filename="别人的.mp4")
    sign_in(owner)
    response = client.get("/studio/videos")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第一讲&lt;b&gt;.mp4" in html and "第二讲.mp4" in html and "别人的.mp4" not in html
    assert f'href="/studio/videos/{mine.id}"' in html and f'href="/studio/videos/{theirs.id}"' in html
    assert f'data-api="/api/v1/videos/{mine.id}"' in html
    assert re.search(r'<progress max="100" value="37"', html)
    assert "1:35" in html  # the ready one's duration
    assert '<script type="module" src="/static/js/videos.js"></script>' in html
    no_inline_code(html)
    assert other.id


def test_list_of_a_producer_without_organisation_is_their_own(client, sign_in, make_user, make_video, owner):
    loner = make_user("producer", organisation="")
    make_video(owner=make_user("producer", organisation=""), original_filename="另一个人.mp4")
    make_video(owner=loner, original_filename="自己的.mp4")
    sign_in(loner)
    html = client.get("/studio/videos").get_data(as_text=True)
    assert "自己的.mp4" in html and "另一个人.mp4" not in html


@pytest.mark.parametrize("role", ["trainee", "bureau"])
def test_list_is_not_for_trainees_or_bureau(client, sign_in, make_user, role):
    sign_in(make_user(role))
    assert client.get("/studio/videos").status_code == 403


def test_failed_video_page_shows_the_reason_and_ffmpeg_lines_to_staff_only(client, sign_in, make_user,
                                                                           make_video, owner):
    video = make_video(owner=owner, status="failed", error_code="no_video_stream",
                       error="文件中没有视频画面（可能是纯音频文件）。",
                       log_tail="Stream map '0:v:0' matches no streams")
    sign_in(owner)
    html = client.get(f"/studio/videos/{video.id}").get_data(as_text=True)
    assert "文件中没有视频画面" in html and "no_video_stream" in html
    assert "matches no streams" not in html
    assert f'action="/studio/videos/{video.id}/retry"' in html and 'name="csrf_token"' in html
    no_inline_code(html)
    sign_in(make_user("reviewer"))
    html = client.get(f"/studio/videos/{video.id}").get_data(as_text=True)
    assert "matches no streams" in html
    assert "/retry" not in html  # reviewers look, producers retry


def test_video_page_of_another_organisation_is_404(client, sign_in, make_user, make_video, owner):
    video = make_video(owner=owner, status="failed")
    sign_in(make_user("producer", organisation="另一家机构"))
    assert client.get(f"/studio/videos/{video.id}").status_code == 404
    assert client.post(f"/studio/videos/{video.id}/retry").status_code == 404


def test_ready_video_page_has_a_player_with_poster_and_captions(client, sign_in, make_video, owner):
    video = make_video(owner=owner, status="ready", renditions=[
        {"height": 360, "width": 640, "path": "renditions/1/360p.mp4", "bytes": 1},
        {"height": 720, "width": 1280, "path": "renditions/1/720p.mp4", "bytes": 1}],
        poster_path="posters/1.jpg", captions_path="captions/1.vtt")
    sign_in(owner)
    html = client.get(f"/studio/videos/{video.id}").get_data(as_text=True)
    sources = re.findall(r'<source src="([^"]+)"', html)
    assert sources == [f"/media/videos/{video.id}/720p.mp4", f"/media/videos/{video.id}/360p.mp4"]
    assert f'poster="/media/videos/{video.id}/poster.jpg"' in html
    assert f'src="/media/videos/{video.id}/captions.vtt"' in html
    no_inline_code(html)


def test_processing_video_page_follows_progress(client, sign_in, make_video, owner):
    video = make_video(owner=owner, status="processing", progress=12)
    sign_in(owner)
    html = client.get(f"/studio/videos/{video.id}").get_data(as_text=True)
    assert "data-reload-when-done" in html and 'value="12"' in html


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_retry_button_needs_the_csrf_token_then_retries(client, sign_in, owner, media_root, app_overrides):
    video = add_upload(owner, sample("bear_vp9_odd_161x121_noaudio.webm"), media_root=media_root)
    video.status, video.error_code, video.error = "failed", "timeout", "转码超时"
    db.session.commit()
    sign_in(owner)
    assert client.post(f"/studio/videos/{video.id}/retry").status_code == 400
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == "failed"
    page = client.get(f"/studio/videos/{video.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/studio/videos/{video.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == f"/studio/videos/{video.id}"
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == "ready"  # the queue ran it at once
    assert db.session.scalar(db.select(AuditLog.target).where(AuditLog.action == "video_retry")) == f"video:{video.id}"
    assert "已重新开始处理" in client.get(f"/studio/videos/{video.id}").get_data(as_text=True)
