"""Videos behind the catalogue, shared by the videos pages and the v1 video calls: which
videos a producer or staff member sees and lists, who may retry a failed one, the retry
itself, and the one set of names for a video's processing status.

Producers see their organisation's videos (only their own when they have no
organisation); reviewers and admins see every video. Retry is for producers only.
"""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.access import STAFF_ROLES, is_backstage
from courses.media import pipeline
from courses.media.tasks import process_video
from courses.models import Video

# The names the upload page and the videos pages show (tests/e2e: 可用, 处理失败).
VIDEO_STATUS_NAMES = {
    "uploading": _l("上传中"), "processing": _l("处理中"), "ready": _l("可用"), "failed": _l("处理失败"),
}


def visible_video(video_id: int) -> Video | None:
    """The video if the current user may see its processing state, else None."""
    video = db.session.get(Video, video_id)
    return video if video is not None and is_backstage(current_user, video) else None


def listed_videos(user: User):
    """A query of the videos ``user`` manages, newest first."""
    query = select(Video).order_by(Video.created_at.desc(), Video.id.desc())
    if user.role in STAFF_ROLES:
        return query
    if user.organisation:
        return query.join(User, Video.owner_id == User.id).where(User.organisation == user.organisation)
    return query.where(Video.owner_id == user.id)


def can_retry(user, video: Video) -> bool:
    return user.role == "producer" and is_backstage(user, video)


def start_retry(video: Video) -> None:
    """Reset ``video``, record who asked, commit, then queue the job. It commits, unlike a
    helper, because the job must find the reset committed: the page and the call that use
    it are its edge."""
    pipeline.retry(video, utcnow())
    audit.record("video_retry", target=f"video:{video.id}", filename=video.original_filename[:100])
    db.session.commit()
    process_video(video.id)
    db.session.expire_all()


def rendition_sources(video: Video) -> list[dict]:
    """Renditions in the order a browser should try them: 720p or the best below, then the rest."""
    return sorted(video.renditions or [], key=lambda r: (r["height"] > 720, -r["height"]))
