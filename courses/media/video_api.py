"""v1 video calls: a video's processing state, and Retry for a failed one.

Visible to the producers of the owner's organisation (the owner included), reviewers
and admins; anyone else gets 404, as for a video that does not exist. Retry is for
the producers only.
"""
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import login_required
from core.http import ApiError
from courses.access import STAFF_ROLES
from courses.media.backstage import can_retry, start_retry, visible_video
from courses.models import Video

bp = Blueprint("video_api", __name__, url_prefix="/api/v1")


def video_json(video: Video, *, staff: bool) -> dict:
    """The state of ``video`` as the v1 contract gives it; ffmpeg's last lines for staff only."""
    data = {
        "id": video.id,
        "status": video.status,
        "progress": video.progress,
        "error_code": video.error_code or None,
        "error": video.error or None,
        "duration_seconds": round(video.duration_seconds or 0, 3),
        "width": video.width,
        "height": video.height,
        "original_filename": video.original_filename,
        "renditions": [
            {"height": r["height"], "width": r.get("width"),
             "url": url_for("media.rendition", video_id=video.id, height=r["height"])}
            for r in sorted(video.renditions or [], key=lambda r: r["height"])
        ] if video.status == "ready" else [],
        "poster": url_for("media.poster", video_id=video.id) if video.poster_path else None,
        "captions": url_for("media.captions", video_id=video.id) if video.captions_path else None,
    }
    if staff:
        data["log_tail"] = video.log_tail or None
    return data


@bp.get("/videos/<int:video_id>")
@login_required
def video(video_id: int):
    found = visible_video(video_id)
    if found is None:
        raise ApiError(404, "not_found", _("视频不存在。"))
    return video_json(found, staff=current_user.role in STAFF_ROLES)


@bp.post("/videos/<int:video_id>/retry")
@login_required
def retry(video_id: int):
    found = visible_video(video_id)
    if found is None:
        raise ApiError(404, "not_found", _("视频不存在。"))
    if not can_retry(current_user, found):
        raise ApiError(403, "forbidden", _("只有本单位的课程制作方可以重新处理视频。"))
    if found.status != "failed":
        raise ApiError(409, "not_failed", _("只有处理失败的视频可以重试。"))
    start_retry(found)
    return video_json(found, staff=False), 202

