"""The worker's side of face checks: judging a capture off the hot path, taking up captures a
lost task left pending, and deleting capture images once their year has been locked long
enough (faces.retention). Each task reads and writes through a session of its own: with
``QUEUE_IMMEDIATE`` (tests) it runs inside the request's commit hook, where the request's
session can no longer emit SQL."""
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import queue
from core.db import utcnow
from core.extensions import db
from faces import retention
from faces.judging import judge_capture
from faces.models import FaceCapture

STALE_MINUTES = 5  # a capture pending this long lost its task: judged again by the sweep


@queue.task(retries=2, retry_delay=30)
def judge(capture_id: int) -> str | None:
    """Judge one capture and commit its verdict; the verdict's status."""
    with Session(db.engine) as session:
        capture = judge_capture(session, capture_id, utcnow(), float(current_app.config["FACE_MATCH_THRESHOLD"]))
        status = capture.status if capture is not None else None
        session.commit()
    return status


@queue.periodic_task(crontab(minute="*/5"))
def sweep_pending() -> int:
    """Every five minutes: judge the captures pending for longer than :data:`STALE_MINUTES`."""
    before = utcnow() - timedelta(minutes=STALE_MINUTES)
    with Session(db.engine) as session:
        ids = list(session.scalars(select(FaceCapture.id).where(
            FaceCapture.status == "pending", FaceCapture.submitted_at < before).limit(500)))
    for capture_id in ids:
        judge.call_local(capture_id)
    return len(ids)


@queue.periodic_task(crontab(minute="17", hour="3"))
def purge_expired() -> int:
    """Every night: delete the capture images past their retention (faces.retention.purge)."""
    removed = retention.purge(utcnow())
    db.session.commit()
    return removed
