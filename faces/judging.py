"""A capture judged by the model, in the worker (faces.tasks) — apart from faces.captures, which
queues the judgement, so that the task and the module queueing it do not import each other."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import User
from faces import model, storage
from faces.models import FaceCapture, FaceProfile
from learning.models import IntegrityEvent
from notices.models import Notice


def integrity_event(session: Session, capture: FaceCapture, now: datetime) -> None:
    """A refused or replayed capture as an integrity event (flush-free: the caller commits)."""
    session.add(IntegrityEvent(user_id=capture.user_id, session_id=capture.watch_session_id or None,
                               lesson_id=capture.lesson_id, kind=f"face_{capture.code}"[:32],
                               claimed_seconds=capture.held_seconds, credited_seconds=0.0,
                               details={"check_id": capture.check_id}, at=now))


def judge_capture(session: Session, capture_id: int, now: datetime, threshold: float) -> FaceCapture | None:
    """Judge one pending capture in ``session`` (the caller commits): passed when its one face is
    the reference's person; failed (for a person to review) when it is another person or the
    frame shows no usable face — light, a mask, a broken camera; refused when it is no image.
    A capture judged already is left as it is (a task may run twice)."""
    capture = session.get(FaceCapture, capture_id)
    if capture is None or capture.status != "pending":
        return capture
    reference = session.get(FaceProfile, capture.user_id)
    capture.judged_at = now
    if reference is None or reference.embedding is None or capture.path is None:
        capture.status, capture.code = "failed", "no_reference"
        return capture
    try:
        embedded = model.embed(storage.read(capture.path))
    except model.Refusal as e:
        capture.status, capture.code = ("refused" if e.code == "not_an_image" else "failed"), e.code
    else:
        verdict = model.compare(model.Embedding.from_bytes(reference.embedding), embedded, threshold)
        capture.distance = verdict.distance
        capture.status, capture.code = ("passed", "") if verdict.same_person else ("failed", "not_same_person")
    if capture.status == "refused":
        integrity_event(session, capture, now)
    elif capture.status == "failed":
        _tell_reviewers(session, capture, now)
    return capture


def _tell_reviewers(session: Session, capture: FaceCapture, now: datetime) -> None:
    """A notice to each administrator of the capture's unit (in the worker's session: not mailed)."""
    if capture.unit_id is None:
        return
    name = session.scalar(select(User.real_name).where(User.id == capture.user_id))
    for admin_id in session.scalars(select(User.id).where(User.role == "unit_admin", User.unit_id == capture.unit_id,
                                                          User.active)):
        session.add(Notice(user_id=admin_id, kind="face_review", title=_("%(name)s 的人脸抓拍待复核", name=name)[:128],
                           body=_("人脸核验未能自动通过，请对照本人照片复核。"), link=f"/faces/review/{capture.id}",
                           created_at=now))
