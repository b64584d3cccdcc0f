"""The job around the pipeline: one worker per video, heartbeats, stale pickup, retry,
failures recorded on the row, and a real Huey consumer process doing the work.

Time is injected (``now``) or written into the rows; nothing sleeps.
"""
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from accounts.models import User
from app import create_app
from core.db import utcnow
from core.extensions import db
from courses.media import pipeline, tasks
from courses.models import Video
from tests.conftest import app_config, make_id_number, make_phone
from tests.courses.test_pipeline_support import add_upload, check_ready, leftovers, made_files, process, sample

ROOT = Path(__file__).resolve().parents[2]
STALE = 10


@pytest.fixture
def queued(producer, media_root):
    """A video whose upload just finished: processing, never started."""
    return add_upload(producer, sample("bear_vp9_odd_161x121_noaudio.webm"), media_root=media_root)


def test_only_one_worker_can_claim_a_job(queued):
    now = utcnow()
    first = pipeline.claim(queued.id, now, STALE)
    db.session.commit()
    assert first == 1
    assert pipeline.claim(queued.id, now + timedelta(minutes=STALE - 1), STALE) is None
    assert pipeline.beat(queued.id, first, 40, now + timedelta(minutes=1))
    db.session.commit()
    video = db.session.get(Video, queued.id)
    assert (video.progress, video.attempts) == (40, 1)


def test_a_silent_job_is_taken_over_and_the_old_worker_stops(queued):
    now = utcnow()
    old = pipeline.claim(queued.id, now, STALE)
    later = now + timedelta(minutes=STALE + 1)
    new = pipeline.claim(queued.id, later, STALE)
    db.session.commit()
    assert (old, new) == (1, 2)
    assert not pipeline.beat(queued.id, old, 50, later)  # the old worker learns it lost the job
    report = tasks._reporter(queued.id, old)
    with pytest.raises(pipeline.ClaimLost):
        report(60)
    assert db.session.get(Video, queued.id).progress == 0


def test_a_lost_claim_stops_the_work_and_leaves_no_temporary_file(queued, media_root, app):
    settings = pipeline.Settings.from_config(app.config)

    def report(percent):
        if percent > 1:
            raise pipeline.ClaimLost(queued.id)

    with pytest.raises(pipeline.ClaimLost):
        pipeline.produce(queued.id, media_root / queued.original_path, settings, report)
    assert made_files(media_root, queued) == [] and leftovers(media_root) == []


def test_temporary_files_of_a_dead_worker_are_cleared_by_the_next_run(queued, media_root):
    dead = [media_root / f"renditions/{queued.id}/.120p.mp4.0badc0ffee00.tmp",
            media_root / f"posters/.{queued.id}.jpg.0badc0ffee00.tmp"]
    for path in dead:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half an mp4")
    assert process(queued) == "ready"
    assert not any(path.exists() for path in dead)
    check_ready(queued, media_root, duration=1.0)


def test_stale_selection(make_user, producer):
    now = utcnow()
    minutes = timedelta(minutes=1)

    def video(status="processing", heartbeat=None, updated=now):
        row = Video(owner=producer, status=status, heartbeat_at=heartbeat, updated_at=updated)
        db.session.add(row)
        db.session.flush()
        return row.id

    never_started_long_ago = video(updated=now - 11 * minutes)
    never_started_recently = video(updated=now - 9 * minutes)
    silent_worker = video(heartbeat=now - 11 * minutes, updated=now - 11 * minutes)
    live_worker = video(heartbeat=now - 1 * minutes, updated=now - 60 * minutes)
    video(status="ready", updated=now - 60 * minutes)
    video(status="failed", heartbeat=now - 60 * minutes, updated=now - 60 * minutes)
    db.session.commit()
    assert live_worker and never_started_recently
    assert pipeline.stale_video_ids(now, STALE) == [never_started_long_ago, silent_worker]
    assert pipeline.stale_video_ids(now + 2 * minutes, STALE) == [never_started_long_ago, never_started_recently,
                                                                  silent_worker]


def test_sweep_requeues_a_dead_workers_job_and_gives_up_after_three_starts(queued, media_root):
    now = utcnow()
    for attempt in (1, 2, 3):
        assert pipeline.claim(queued.id, now, STALE) == attempt
        db.session.commit()
        now += timedelta(minutes=STALE + 1)  # the worker died: no heartbeat since
        requeued = pipeline.sweep(now, STALE, media_root)
        db.session.commit()
        video = db.session.get(Video, queued.id)
        if attempt < 3:
            assert requeued == [queued.id]
            assert (video.status, video.heartbeat_at, video.updated_at) == ("processing", None, now)
            # Queued again: not re-queued on every sweep while it waits for a worker.
            assert pipeline.sweep(now + timedelta(minutes=1), STALE, media_root) == []
    assert requeued == []
    assert (video.status, video.error_code) == ("failed", "stalled")
    assert "3" in video.error
    assert pipeline.stale_video_ids(now + timedelta(days=1), STALE) == []


def test_the_periodic_task_picks_up_a_job_nobody_runs(queued, media_root):
    queued.updated_at = utcnow() - timedelta(hours=1)  # queued an hour ago, the queue lost it
    db.session.commit()
    assert tasks.requeue_stale_videos.call_local() == [queued.id]
    db.session.expire_all()  # immediate mode: the job ran as it was enqueued
    check_ready(db.session.get(Video, queued.id), media_root, duration=1.0)


def test_a_job_that_is_not_processing_is_skipped(make_video):
    video = make_video(status="ready")
    assert tasks.process_video.call_local(video.id) == "skipped"
    assert tasks.process_video.call_local(987654) == "skipped"


def test_retry_resets_a_failed_video(queued, media_root):
    queued.original_path = "originals/gone.mp4"
    db.session.commit()
    assert process(queued) == "missing_original"
    video = db.session.get(Video, queued.id)
    assert (video.status, video.attempts) == ("failed", 1)
    now = utcnow()
    pipeline.retry(video, now)
    db.session.commit()
    assert (video.status, video.progress, video.error_code, video.error, video.log_tail,
            video.attempts, video.heartbeat_at) == ("processing", 0, "", "", "", 0, None)
    with pytest.raises(ValueError):
        pipeline.retry(video, now)


def test_a_server_fault_is_recorded_as_internal_and_the_worker_goes_on(app, queued, media_root):
    app.config["FFPROBE"] = "/nonexistent/ffprobe"
    assert process(queued) == "internal"
    video = db.session.get(Video, queued.id)
    assert (video.status, video.error_code) == ("failed", "internal")
    assert "FileNotFoundError" in video.log_tail
    assert made_files(media_root, video) == []
    app.config["FFPROBE"] = "ffprobe"
    pipeline.retry(video, utcnow())
    db.session.commit()
    assert process(video) == "ready"


def test_progress_and_heartbeat_are_committed_by_the_reporter(queued):
    claimed_at = utcnow() - timedelta(minutes=5)
    token = pipeline.claim(queued.id, claimed_at, STALE)
    db.session.commit()
    tasks._reporter(queued.id, token)(42)
    db.session.rollback()  # what the reporter wrote is committed, not pending
    video = db.session.get(Video, queued.id)
    assert video.progress == 42
    assert video.heartbeat_at > claimed_at  # the beat moved the worker's sign of life on


def _wait_for(predicate, seconds: float = 120.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("queue_kind", [
    "sqlite",
    pytest.param("redis", marks=pytest.mark.skipif(not os.environ.get("ZHIXIN_TEST_REDIS_URL"),
                                                   reason="ZHIXIN_TEST_REDIS_URL not set")),
])
def test_a_real_worker_process_transcodes_a_queued_upload(tmp_path, queue_kind):
    """``flask worker`` (a Huey consumer in its own process) takes the job from the queue."""
    url = os.environ["ZHIXIN_TEST_REDIS_URL"] if queue_kind == "redis" else f"sqlite:///{tmp_path / 'q.db'}"
    database = f"sqlite:///{tmp_path / 'worker.db'}"
    media = tmp_path / "worker-media"
    worker_app = create_app(app_config(tmp_path, QUEUE_IMMEDIATE=False, QUEUE_URL=url, DATABASE_URL=database,
                                       SQLALCHEMY_ENGINE_OPTIONS={}, MEDIA_ROOT=str(media)),
                            instance_path=str(tmp_path / "worker-instance"))
    from core.queue import huey
    with worker_app.app_context():
        db.create_all()
        id_number = make_id_number()
        owner = User(role="producer", real_name="周明远", id_number=id_number, phone=make_phone(),
                     region_code=id_number[:6], password_hash="-", organisation="知新制作中心")
        db.session.add(owner)
        db.session.commit()
        video = add_upload(owner, sample("flower_vp8_vorbis.webm"), media_root=media)
        video_id = video.id
        huey.flush()
        tasks.process_video(video_id)  # enqueued, not run: the queue is not immediate
        assert huey.pending_count() == 1
    env = {**os.environ, "ZHIXIN_QUEUE_URL": url, "ZHIXIN_DATABASE_URL": database, "ZHIXIN_MEDIA_ROOT": str(media),
           "ZHIXIN_SECRET_KEY": "t", "ZHIXIN_TASK_MODULES": json.dumps(["courses.media.tasks"])}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def status():
        with worker_app.app_context():
            return db.session.scalar(db.select(Video.status).where(Video.id == video_id))

    try:
        assert _wait_for(lambda: status() in ("ready", "failed")), "the worker never finished the job"
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    with worker_app.app_context():
        check_ready(db.session.get(Video, video_id), media, duration=5.059, tolerance=0.35)
        db.drop_all()
        db.engine.dispose()
    if queue_kind == "redis":
        huey.flush()
