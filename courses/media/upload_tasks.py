"""Removing unfinished tus uploads: on request (termination) and when they expire (a periodic task).

An unfinished upload is three things: its ``uploads`` row, the partial file
``uploads/<id>.part`` and the video it was to become (status "uploading"). They go
together. Finished uploads are never touched here: their bytes became a video.

Each removal takes the partial file's lock first (``uploads.locked``), so an upload a
PATCH is writing to right now is left alone, and commits before it lets go, so that no
PATCH can start on a row that is about to disappear. These functions therefore commit:
they are the edge of the termination call and of the periodic task.
"""
import os
import re
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select

from core import queue
from core.db import utcnow
from core.extensions import db
from courses.media import storage, uploads
from courses.models import Upload

_PART_NAME = re.compile(r"([0-9a-f]{32})\.part")


def remove(upload: Upload) -> bool:
    """Remove an unfinished upload (row, "uploading" video, partial file) and commit.

    Returns False, changing nothing, while a PATCH holds the upload.
    """
    path = storage.resolve(storage.upload_part_path(upload.id))
    try:
        with uploads.locked(path):
            _delete_rows(upload)
            db.session.commit()
            path.unlink(missing_ok=True)
    except uploads.Busy:
        return False
    except FileNotFoundError:  # the partial file is already gone: the rows still must go
        _delete_rows(upload)
        db.session.commit()
    return True


def _delete_rows(upload: Upload) -> None:
    video = upload.video
    db.session.delete(upload)
    if video is not None and video.status == "uploading":
        db.session.delete(video)
    db.session.flush()


def purge_expired(now: datetime) -> int:
    """Remove every unfinished upload whose expiry has passed at ``now``; returns how many.

    Also deletes partial files that no row names (left by a crash while creating an
    upload) once they are older than ``UPLOAD_EXPIRY_HOURS``. Commits.
    """
    expired = db.session.scalars(
        select(Upload).where(Upload.completed_at.is_(None), Upload.expires_at <= now)
    ).all()
    removed = sum(remove(upload) for upload in expired)
    _remove_orphan_parts(now - timedelta(hours=current_app.config["UPLOAD_EXPIRY_HOURS"]))
    return removed


def _remove_orphan_parts(older_than: datetime) -> None:
    folder = storage.media_root() / "uploads"
    if not folder.is_dir():
        return
    parts = {m.group(1): entry for entry in os.scandir(folder) if (m := _PART_NAME.fullmatch(entry.name))}
    if not parts:
        return
    known = set(db.session.scalars(select(Upload.id).where(Upload.id.in_(list(parts)))))
    for upload_id, entry in parts.items():
        if upload_id not in known and entry.stat().st_mtime < older_than.timestamp():
            os.unlink(entry.path)


@queue.periodic_task(crontab(minute="*/10"))
def purge_expired_uploads() -> int:
    """Every ten minutes: remove expired partial uploads (see :func:`purge_expired`)."""
    return purge_expired(utcnow())
