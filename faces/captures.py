"""A capture, from the frame the player posts to its verdict. The seam (the checks of issue 19,
in the heartbeat path) calls two functions, both flush-only:

- :func:`submit_capture` with the watch session, the check whose one-use nonce it has already
  validated, the frame and ``now``: the frame is checked cheaply (size, type, a frame sent
  before), stored outside the web root and queued for :func:`faces.judging.judge_capture` once the
  transaction commits. The heartbeat never waits on the model.
- :func:`verdict_for` with the check's id: ``None`` before a capture, else a :class:`CaptureVerdict`
  whose ``credit`` says whether the held stretch may now be credited (passed by the model, or
  accepted by a reviewer) and ``settled`` whether anything is still to come.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.http import Refused
from faces import model, profiles, storage
from faces.judging import integrity_event, judge_capture  # noqa: F401 (judge_capture: the seam's name)
from faces.models import FaceCapture
from learning.models import WatchSession
from learning.rules import credit_year
from units.links import current_link

log = logging.getLogger(__name__)
PENDING = "faces_pending_capture_ids"
RECENT = 200  # a frame is compared with this many of the trainee's latest captures
NOTES = {
    "pending": _l("照片已收到，正在核验。"),
    "passed": _l("人脸核验通过。"),
    "failed": _l("人脸核验未通过，已转单位管理员人工核验；核验前本段学习不计学时。"),
    "refused": _l("照片无效，本段学习不计学时，请重新观看本段。"),
    "accepted": _l("人工核验通过，本段学时已计入。"),
    "rejected": _l("人工核验未通过，本段学习不计学时，请重新观看本段。"),
}


@dataclass(frozen=True)
class CaptureVerdict:
    status: str  # pending, passed, failed (awaiting review), refused, accepted, rejected
    code: str  # why it failed or was refused (no_face, several_faces, not_same_person, …)
    distance: float | None
    message: str  # for the player, in the trainee's language

    @property
    def credit(self) -> bool:
        return self.status in ("passed", "accepted")

    @property
    def settled(self) -> bool:
        return self.status not in ("pending", "failed")


def submit_capture(session: WatchSession, check_id: int, image_bytes: bytes, now: datetime,
                   held_seconds: float = 0.0) -> FaceCapture:
    """Store the frame for the check and queue its judgement. Refused: 409 ``not_enrolled`` (no
    reference), 409 ``capture_exists`` (the check has one), 413 ``image_too_large``, 422
    ``not_an_image``. A frame sent before is kept as a capture with status ``refused`` (code
    ``duplicate_frame``) and an integrity event, and is not judged."""
    if profiles.status(session.user_id) != "enrolled":
        raise Refused(409, "not_enrolled", _("您还没有采集人脸照片，请先完成人脸采集。"))
    if db.session.scalar(select(FaceCapture.id).where(FaceCapture.check_id == check_id)):
        raise Refused(409, "capture_exists", _("这次核验已经提交过照片。"))
    found = _checked_type(image_bytes)
    try:
        fingerprint = model.fingerprint(image_bytes)
    except (OSError, ValueError, SyntaxError):
        raise Refused(422, "not_an_image", _("上传的文件不是可以识别的照片（请使用 JPG 或 PNG 图片）。")) from None
    capture = _row(session, check_id, image_bytes, fingerprint, now, held_seconds)
    if _seen_before(session.user_id, capture):
        capture.status, capture.code, capture.judged_at = "refused", "duplicate_frame", now
        db.session.add(capture)
        integrity_event(db.session, capture, now)
        db.session.flush()
        return capture
    capture.path = storage.save("captures", session.user_id, image_bytes, found[1])
    db.session.add(capture)
    db.session.flush()
    judge_after_commit(capture.id)
    return capture


def _checked_type(image_bytes: bytes) -> tuple[str, str]:
    if len(image_bytes) > int(current_app.config["FACE_MAX_IMAGE_BYTES"]):
        raise Refused(413, "image_too_large", _("照片太大。"))
    found = storage.image_type(image_bytes)
    if found is None:
        raise Refused(422, "not_an_image", _("上传的文件不是可以识别的照片（请使用 JPG 或 PNG 图片）。"))
    return found


def _row(session: WatchSession, check_id: int, image_bytes: bytes, fingerprint: bytes, now: datetime,
         held_seconds: float) -> FaceCapture:
    link = current_link(session.user_id)
    return FaceCapture(
        check_id=check_id, user_id=session.user_id, watch_session_id=session.id, lesson_id=session.lesson_id,
        unit_id=link.unit_id if link is not None and link.status == "confirmed" else None,
        region_code=session.user.region_code, year=credit_year(now), held_seconds=max(float(held_seconds), 0.0),
        sha256=model.sha256(image_bytes), fingerprint=fingerprint, submitted_at=now)


def _seen_before(user_id: int, capture: FaceCapture) -> bool:
    recent = db.session.execute(select(FaceCapture.sha256, FaceCapture.fingerprint)
                                .where(FaceCapture.user_id == user_id)
                                .order_by(FaceCapture.id.desc()).limit(RECENT)).all()
    return any(sha == capture.sha256 or model.near_duplicate(fp, capture.fingerprint) for sha, fp in recent)


def verdict_for(check_id: int) -> CaptureVerdict | None:
    """The verdict on the check's capture, or None when no frame was posted for it."""
    capture = db.session.scalar(select(FaceCapture).where(FaceCapture.check_id == check_id))
    if capture is None:
        return None
    return CaptureVerdict(capture.status, capture.code, capture.distance, str(NOTES[capture.status]))


def judge_after_commit(capture_id: int) -> None:
    """Queue :func:`faces.tasks.judge` for the capture once the current transaction commits."""
    session = db.session()
    session.info.setdefault(PENDING, set()).add(capture_id)
    if not event.contains(session, "after_commit", _enqueue_pending):
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_rollback", _forget_pending)


def _enqueue_pending(session: Session) -> None:
    from faces import tasks

    for capture_id in sorted(session.info.pop(PENDING, ())):
        try:
            tasks.judge(capture_id)
        except Exception:  # the capture stays pending; faces.tasks.sweep takes it up again
            log.exception("faces: could not enqueue the judgement of capture %s", capture_id)


def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING, None)
