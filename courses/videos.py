"""Producer pages for uploaded videos: the list with live progress, and one video's page
with its player preview, the reason it failed (ffmpeg's last lines for staff) and Retry.

Producers see their organisation's videos (only their own when they have no
organisation); reviewers and admins see every video. Others get 404.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from accounts.access import role_required
from accounts.models import User
from core.extensions import db
from core.paging import page_number
from courses.access import STAFF_ROLES
from courses.models import Video
from courses.video_api import can_retry, start_retry, visible_video

bp = Blueprint("videos", __name__, url_prefix="/studio/videos")

PER_PAGE = 20
STATUS_NAMES = {
    "uploading": _l("上传中"),
    "processing": _l("处理中"),
    "ready": _l("可用"),
    "failed": _l("失败"),
}


class RetryForm(FlaskForm):
    """Only the CSRF token: the video is in the URL."""


@bp.context_processor
def _names():
    return {"status_names": STATUS_NAMES}


def listed_videos(user: User):
    """The videos ``user`` manages, newest first."""
    query = select(Video).order_by(Video.created_at.desc(), Video.id.desc())
    if user.role in STAFF_ROLES:
        return query
    if user.organisation:
        return query.join(User, Video.owner_id == User.id).where(User.organisation == user.organisation)
    return query.where(Video.owner_id == user.id)


@bp.get("")
@role_required("producer", "reviewer", "admin")
def index():
    page = db.paginate(listed_videos(current_user), page=page_number(),
                       per_page=PER_PAGE, error_out=False)
    return render_template("videos/index.html", page=page)


@bp.get("/<int:video_id>")
@role_required("producer", "reviewer", "admin")
def detail(video_id: int):
    video = visible_video(video_id)
    if video is None:
        abort(404)
    sources = sorted(video.renditions or [], key=lambda r: (r["height"] > 720, -r["height"]))
    return render_template("videos/detail.html", video=video, sources=sources, form=RetryForm(),
                           staff=current_user.role in STAFF_ROLES,
                           may_retry=can_retry(current_user, video) and video.status == "failed")


@bp.post("/<int:video_id>/retry")
@role_required("producer")
def retry(video_id: int):
    video = visible_video(video_id)
    if video is None:
        abort(404)
    if not RetryForm().validate_on_submit():
        abort(400)
    if video.status != "failed":
        flash(_("只有处理失败的视频可以重试。"), "error")
    else:
        start_retry(video)
        flash(_("已重新开始处理。"), "success")
    return redirect(url_for("videos.detail", video_id=video_id))
