"""Producer pages for uploaded videos: the list with live progress, and one video's page
with its player preview, the reason it failed (ffmpeg's last lines for staff) and Retry.

Producers see their organisation's videos (only their own when they have no
organisation); reviewers and admins see every video (``courses.media.backstage``). Others get 404.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from accounts.access import role_required
from core.extensions import db
from core.paging import page_number
from courses.access import STAFF_ROLES
from courses.media.backstage import (
    VIDEO_STATUS_NAMES,
    can_retry,
    listed_videos,
    rendition_sources,
    start_retry,
    visible_video,
)

bp = Blueprint("videos", __name__, url_prefix="/studio/videos")

PER_PAGE = 20


class RetryForm(FlaskForm):
    """Only the CSRF token: the video is in the URL."""


@bp.context_processor
def _names():
    return {"video_status_names": VIDEO_STATUS_NAMES}


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
    return render_template("videos/detail.html", video=video, sources=rendition_sources(video), form=RetryForm(),
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
