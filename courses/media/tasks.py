"""Background work of the courses room: processing uploaded videos, picking up stalled jobs.

These are the edges that commit: the claim, each heartbeat (so progress is visible
while ffmpeg runs, and a dead worker shows by its silence), and the outcome.
"""
import logging
import traceback

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from huey import crontab

from core import queue
from core.db import utcnow
from core.extensions import db
from courses.media import pipeline
from courses.media.probe import Refused
from courses.models import Video

log = logging.getLogger(__name__)


@queue.task(retries=0)
def process_video(video_id: int) -> str:
    """Probe and transcode video ``video_id`` if it is processing and no live worker has
    it. Never raises: every failure is recorded on the row (status failed, reason).
    Returns what happened: ``ready``, a refusal code, ``skipped`` or ``lost``."""
    settings = pipeline.Settings.from_config(current_app.config)
    token = pipeline.claim(video_id, utcnow(), settings.stale_minutes)
    db.session.commit()
    if token is None:
        return "skipped"
    # The reason is stored for everyone: in the platform's language, not the requester's.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        outcome = _work(video_id, token, settings)
    db.session.commit()
    return outcome


def _work(video_id: int, token: int, settings: pipeline.Settings) -> str:
    video = db.session.get(Video, video_id)
    keep_captions = bool(video.captions_path)  # attached by a producer: never overwritten
    try:
        original = pipeline.original_of(video, settings.media_root)
        db.session.commit()  # no transaction stays open while ffmpeg runs
        product = pipeline.produce(video_id, original, settings, _reporter(video_id, token),
                                   extract_captions=not keep_captions)
    except pipeline.ClaimLost:
        log.warning("video %s: taken over by another worker, stopping", video_id)
        return "lost"
    except Refused as refused:
        pipeline.fail(video_id, token, refused, utcnow(), settings.media_root)
        return refused.code
    except Exception:
        log.exception("video %s: processing failed", video_id)
        db.session.rollback()
        internal = Refused("internal", _("处理时发生内部错误，我们已记录此问题。请稍后点击“重试”。"),
                           "\n".join(traceback.format_exc().splitlines()[-30:]))
        pipeline.fail(video_id, token, internal, utcnow(), settings.media_root)
        return "internal"
    return "ready" if pipeline.finish(video_id, token, product, utcnow()) else "lost"


def _reporter(video_id: int, token: int):
    def report(percent: int) -> None:
        alive = pipeline.beat(video_id, token, percent, utcnow())
        db.session.commit()
        if not alive:
            raise pipeline.ClaimLost(video_id)

    return report


@queue.periodic_task(crontab(minute="*"))
def requeue_stale_videos() -> list[int]:
    """Every minute: jobs silent for ``TRANSCODE_STALE_MINUTES`` are queued again (a
    worker died, or the queue lost them) or, after ``pipeline.MAX_ATTEMPTS`` starts,
    failed with a reason. Never "processing" forever."""
    settings = pipeline.Settings.from_config(current_app.config)
    ids = pipeline.sweep(utcnow(), settings.stale_minutes, settings.media_root)
    db.session.commit()
    for video_id in ids:
        process_video(video_id)
    return ids
