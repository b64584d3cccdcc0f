"""Expired partial uploads are removed by a periodic task: rows, videos and files; nothing else."""
import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core import queue
from core.db import utcnow
from core.extensions import db
from courses.media import storage, uploads
from courses.media.upload_tasks import purge_expired, purge_expired_uploads
from courses.models import Upload, Video
from tests.courses.test_tus import DATA, bearer, created_url, send, upload_of


@pytest.fixture
def app_overrides():
    return {"QUEUE_IMMEDIATE": False}


@pytest.fixture
def tus(make_user) -> dict:
    return bearer(make_user("producer", organisation="知新制作中心"))


def started(client, tus, expires_at: datetime) -> Upload:
    """An unfinished upload of 100 bytes so far, expiring at ``expires_at``."""
    url = created_url(client, tus)
    send(client, url, tus, 0, DATA[:100])
    upload = upload_of(url)
    upload.expires_at = expires_at
    db.session.commit()
    return upload


def part(upload_id: str):
    return storage.resolve(storage.upload_part_path(upload_id))


def test_purge_removes_expired_uploads_their_videos_and_files_and_nothing_else(client, tus):
    now = utcnow()
    old = started(client, tus, now - timedelta(seconds=1))
    old_id, old_video = old.id, old.video_id
    fresh = started(client, tus, now + timedelta(hours=1))
    finished_url = created_url(client, tus)
    send(client, finished_url, tus, 0, DATA)
    finished = upload_of(finished_url)
    finished.expires_at = now - timedelta(days=3)
    db.session.commit()

    assert purge_expired(now) == 1

    db.session.expire_all()
    assert db.session.get(Upload, old_id) is None and db.session.get(Video, old_video) is None
    assert not part(old_id).exists()
    assert db.session.get(Upload, fresh.id).offset == 100 and part(fresh.id).read_bytes() == DATA[:100]
    video = db.session.get(Video, finished.video_id)
    assert video.status == "processing" and storage.resolve(video.original_path).read_bytes() == DATA
    assert client.head(f"/api/v1/uploads/{old_video}", headers=tus).status_code == 404
    assert purge_expired(now) == 0


def test_purge_leaves_an_upload_that_a_patch_is_writing(client, tus):
    now = utcnow()
    upload = started(client, tus, now - timedelta(minutes=1))
    with uploads.locked(part(upload.id)):
        assert purge_expired(now) == 0
    assert db.session.get(Upload, upload.id) is not None
    assert purge_expired(now) == 1


def test_purge_removes_rows_whose_partial_file_is_already_gone(client, tus):
    now = utcnow()
    upload = started(client, tus, now - timedelta(minutes=1))
    part(upload.id).unlink()
    assert purge_expired(now) == 1
    db.session.expire_all()
    assert db.session.scalars(select(Upload)).all() == []


def test_purge_removes_old_partial_files_that_no_row_names(app, client, tus):
    now = utcnow()
    keep = started(client, tus, now + timedelta(hours=1))
    folder = storage.media_root() / "uploads"
    stray, recent = folder / f"{'a' * 32}.part", folder / f"{'b' * 32}.part"
    other = folder / "notes.txt"
    for path in (stray, recent, other):
        path.write_bytes(b"x")
    day_old = (now - timedelta(hours=app.config["UPLOAD_EXPIRY_HOURS"] + 1)).timestamp()
    for path in (stray, other, part(keep.id)):
        os.utime(path, (day_old, day_old))
    purge_expired(now)
    assert not stray.exists()
    assert recent.exists() and other.exists() and part(keep.id).exists()


def test_the_purge_runs_every_ten_minutes_on_the_queue(client, tus):
    task_class = purge_expired_uploads.task_class
    assert queue.huey._registry.string_to_task("courses.media.upload_tasks.purge_expired_uploads") is task_class
    # The consumer asks with naive UTC times (the queue is ``utc=True``).
    runs = [minute for minute in range(60) if task_class().validate_datetime(datetime(2026, 3, 1, 8, minute))]
    assert runs == [0, 10, 20, 30, 40, 50]
    upload = started(client, tus, utcnow() - timedelta(minutes=1))
    assert purge_expired_uploads.call_local() == 1
    db.session.expire_all()
    assert db.session.get(Upload, upload.id) is None
