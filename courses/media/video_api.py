"""v1 video calls: a video's processing state, and Retry for a failed one; a lesson's
fresh media links, which the player asks for when signed links expire.

Visible to the producers of the owner's organisation (the owner included), reviewers
and admins; anyone else gets 404, as for a video that does not exist. Retry is for
the producers only.
"""
from datetime import UTC, datetime

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import login_required
from core.extensions import db
from core.http import ApiError
from courses.access import STAFF_ROLES, can_view_video
from courses.media import links
from courses.media.backstage import can_retry, start_retry, visible_video
from courses.models import Lesson, Video

bp = Blueprint("video_api", __name__, url_prefix="/api/v1")


def video_json(video: Video, *, staff: bool) -> dict:
    """The state of ``video`` as the v1 contract gives it; ffmpeg's last lines for staff only.
    Media links are the caller's (signed for them when MEDIA_LINK_SECRET is set)."""
    media = links.video_links(video, current_user, datetime.now(UTC))
    widths = {r["height"]: r.get("width") for r in video.renditions or []}
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
            {"height": r["height"], "width": widths.get(r["height"]), "url": r["url"]} for r in media["renditions"]
        ] if video.status == "ready" else [],
        "poster": media["poster"],
        "captions": media["captions"],
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



@bp.get("/lessons/<int:lesson_id>/media")
@login_required
def lesson_media(lesson_id: int):
    """Fresh links of the lesson's video (``courses.media.links.video_links``) for whoever may
    play it, as the rendition route decides: 401 to the anonymous, 404 to anyone else."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or not can_view_video(current_user, lesson.video):
        raise ApiError(404, "not_found", _("这一讲不存在。"))
    response = jsonify(links.video_links(lesson.video, current_user, datetime.now(UTC)))
    response.cache_control.no_store = True  # the links are this viewer's
    response.cache_control.private = True
    return response
