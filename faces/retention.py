"""How long capture images are kept: until ``FACE_CAPTURE_RETENTION_DAYS`` after the capture's
credit year is locked for the trainee's region (its rule set's lock date; a rule set without
one closes the year when the last of its study windows for that year ends). Then the image is
deleted and the row keeps its verdict, with ``deleted_at``. References live while consent stands and go
with its withdrawal (faces.profiles). Run nightly by faces.tasks and by ``flask faces purge``."""
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from accounts.audit import record
from core import policy
from core.extensions import db
from core.policy.rulebook import SUBJECT_TYPES, china_date
from faces import storage
from faces.models import FaceCapture

BATCH = 1000


def closed_on(region: str, year: int) -> date:
    """The day the region's credit year closes: its lock date, else the end of its last window."""
    rules = policy.rules_for(region, year)
    lock = rules.lock_date(year)
    return lock if lock is not None else max(rules.window(kind, year)[1] for kind in SUBJECT_TYPES)


def expired_groups(now: datetime, days: int) -> list[tuple[str, int]]:
    """The (region, year) pairs with images kept whose year closed more than ``days`` days ago."""
    groups = db.session.execute(select(FaceCapture.region_code, FaceCapture.year).where(
        FaceCapture.path.is_not(None)).distinct()).all()
    today = china_date(now)
    return [(region, year) for region, year in groups if today > closed_on(region, year) + timedelta(days=days)]


def purge(now: datetime) -> int:
    """Delete the expired capture images (flushed; audited once with the count); how many."""
    removed = 0
    for region, year in expired_groups(now, int(current_app.config["FACE_CAPTURE_RETENTION_DAYS"])):
        rows = db.session.execute(select(FaceCapture.id, FaceCapture.path).where(
            FaceCapture.region_code == region, FaceCapture.year == year, FaceCapture.path.is_not(None))
            .limit(BATCH)).all()
        for _, path in rows:
            storage.remove(path)
        db.session.execute(update(FaceCapture).where(FaceCapture.id.in_([row.id for row in rows]))
                           .values(path=None, deleted_at=now))
        removed += len(rows)
    if removed:
        record("face_captures_purged", target="face_captures", count=removed)
    db.session.flush()
    return removed
