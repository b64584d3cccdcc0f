"""GET /api/v1/videos/<id> and POST /api/v1/videos/<id>/retry: who sees what, and Retry."""
import pytest

from accounts.models import AuditLog
from core.extensions import db
from courses.models import Video
from tests.courses.test_pipeline_support import ORG, add_upload, sample


@pytest.fixture
def owner(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def failed(make_video, owner):
    return make_video(owner=owner, status="failed", progress=0, error_code="damaged",
                      error="文件已损坏或不完整", log_tail="[mov @ 0x1] moov atom not found", attempts=1)


@pytest.mark.parametrize("role, organisation, status", [
    ("producer", ORG, 200),  # a colleague of the owner
    ("producer", "另一家机构", 404),
    ("producer", "", 404),
    ("reviewer", "", 200),
    ("admin", "", 200),
    ("trainee", "", 404),
    ("bureau", "", 404),
])
def test_who_may_see_a_video(client, sign_in, make_user, failed, role, organisation, status):
    sign_in(make_user(role, organisation=organisation))
    response = client.get(f"/api/v1/videos/{failed.id}")
    assert response.status_code == status
    if status == 404:
        assert response.json["error"]["code"] == "not_found"
        assert "moov" not in response.get_data(as_text=True)


def test_anonymous_gets_401_and_a_missing_video_404(client, sign_in, owner):
    assert client.get("/api/v1/videos/1").status_code == 401
    sign_in(owner)
    assert client.get("/api/v1/videos/999999").status_code == 404


def test_failed_video_shows_its_reason_and_ffmpeg_lines_to_staff_only(client, sign_in, make_user, owner, failed):
    sign_in(owner)
    body = client.get(f"/api/v1/videos/{failed.id}").json
    assert (body["status"], body["error_code"], body["error"]) == ("failed", "damaged", "文件已损坏或不完整")
    assert "log_tail" not in body
    sign_in(make_user("reviewer"))
    assert "moov atom not found" in client.get(f"/api/v1/videos/{failed.id}").json["log_tail"]


def test_ready_video_lists_its_renditions_poster_and_captions(client, sign_in, make_video, owner):
    video = make_video(owner=owner, status="ready", progress=100, duration=5.005, width=960, height=540,
                       renditions=[{"height": 540, "width": 960, "path": "renditions/1/540p.mp4", "bytes": 9},
                                   {"height": 360, "width": 640, "path": "renditions/1/360p.mp4", "bytes": 5}],
                       poster_path="posters/1.jpg", captions_path="captions/1.vtt")
    sign_in(owner)
    body = client.get(f"/api/v1/videos/{video.id}").json
    assert body == {
        "id": video.id, "status": "ready", "progress": 100, "error_code": None, "error": None,
        "duration_seconds": 5.005, "width": 960, "height": 540, "original_filename": "",
        "renditions": [{"height": 360, "width": 640, "url": f"/media/videos/{video.id}/360p.mp4"},
                       {"height": 540, "width": 960, "url": f"/media/videos/{video.id}/540p.mp4"}],
        "poster": f"/media/videos/{video.id}/poster.jpg", "captions": f"/media/videos/{video.id}/captions.vtt",
    }


def test_retry_processes_the_video_again(client, sign_in, owner, media_root):
    video = add_upload(owner, sample("bear_vp9_odd_161x121_noaudio.webm"), media_root=media_root)
    video.status, video.error_code, video.error, video.attempts = "failed", "internal", "出错了", 3
    db.session.commit()
    sign_in(owner)
    response = client.post(f"/api/v1/videos/{video.id}/retry")
    assert response.status_code == 202
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    # The queue runs jobs at once in tests: the retried job has already finished.
    assert (video.status, video.error_code, video.attempts) == ("ready", "", 1)
    assert response.json["id"] == video.id
    entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "video_retry"))
    assert (entry.actor_id, entry.target) == (owner.id, f"video:{video.id}")


def test_retry_is_for_the_organisations_producers_and_failed_videos_only(client, sign_in, make_user, make_video,
                                                                          owner, failed):
    sign_in(make_user("producer", organisation="另一家机构"))
    assert client.post(f"/api/v1/videos/{failed.id}/retry").status_code == 404
    sign_in(make_user("reviewer"))
    assert client.post(f"/api/v1/videos/{failed.id}/retry").status_code == 403
    sign_in(owner)
    ready = make_video(owner=owner, status="ready")
    response = client.post(f"/api/v1/videos/{ready.id}/retry")
    assert (response.status_code, response.json["error"]["code"]) == (409, "not_failed")
    db.session.expire_all()
    assert db.session.get(Video, failed.id).status == "failed"
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "video_retry")) is None
