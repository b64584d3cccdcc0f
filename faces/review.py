"""People settle what the model could not: a failed capture (another person, no usable face)
goes to the trainee's unit administrator and to the bureau officers whose region covers the
trainee. Accepting it lets the seam credit the held stretch (faces.captures.verdict_for says
``credit``); rejecting it is an integrity event (``face_rejected``) and the stretch stays
uncredited (the trainee re-watches it). Flushes only; the caller commits.

Who may see a capture's images: the admin of the capture's unit and officers of its region;
every other is not found (404), an officer outside the region is refused (403). Each image
shown is audited (``face_image_viewed``), each decision too (``face_review_accepted`` /
``face_review_rejected``).
"""
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from accounts.audit import record
from accounts.models import User
from bureau.scope import ScopeError, scope_for
from core.extensions import db
from core.http import Refused
from faces.models import FaceCapture, FaceProfile
from learning.ledger import record_event
from notices.service import notify

CODE_NAMES = {
    "not_same_person": _l("与本人照片不一致"), "no_face": _l("未检测到人脸"), "several_faces": _l("画面中有多张人脸"),
    "face_too_small": _l("人脸太小"), "face_blurred": _l("人脸模糊"), "no_reference": _l("没有本人照片"),
    "image_too_large": _l("照片过大"),
}


def code_name(code: str) -> str:
    return str(CODE_NAMES.get(code, code))


def queue_for(user: User) -> list[FaceCapture]:
    """Failed captures waiting for ``user``'s review, oldest first (unit admin or bureau)."""
    stmt = select(FaceCapture).where(FaceCapture.status == "failed").order_by(FaceCapture.submitted_at)
    if user.role == "unit_admin":
        return list(db.session.scalars(stmt.where(FaceCapture.unit_id == user.unit_id)))
    return list(db.session.scalars(stmt.where(_scope(user).condition(FaceCapture.region_code))))


def _scope(user: User):
    try:
        return scope_for(user)
    except ScopeError as e:
        raise Refused(403, "out_of_region", e.message) from None


def may_review(user: User, capture: FaceCapture) -> bool:
    if user.role == "unit_admin":
        return capture.unit_id is not None and user.unit_id == capture.unit_id
    if user.role == "bureau":
        return _scope(user).covers(capture.region_code)
    return False


def capture_for(user: User, capture_id: int) -> FaceCapture:
    """A capture ``user`` reviews: 404 when there is none or it is another unit's, 403 outside
    an officer's region."""
    capture = db.session.get(FaceCapture, capture_id) if 0 < capture_id < 2**62 else None
    if capture is None or user.role not in ("unit_admin", "bureau") or \
            (user.role == "unit_admin" and not may_review(user, capture)):
        raise Refused(404, "not_found", _("没有这次人脸抓拍。"))
    if not may_review(user, capture):
        raise Refused(403, "out_of_region", _("这次人脸抓拍不在您的管辖范围内。"))
    return capture


def image_path(user: User, capture: FaceCapture, which: str) -> str:
    """The stored image ``which`` (``capture`` or ``reference``) of a capture ``user`` reviews,
    audited; Refused 404 when it was deleted (withdrawal, retention)."""
    if which == "capture":
        path = capture.path
    else:
        found = db.session.get(FaceProfile, capture.user_id)
        path = found.reference_path if found is not None else None
    if not path:
        raise Refused(404, "image_deleted", _("照片已删除。"))
    record("face_image_viewed", target=f"face_capture:{capture.id}", actor=user, image=which)
    return path


def decide(reviewer: User, capture: FaceCapture, accept: bool, note: str, now: datetime) -> FaceCapture:
    """Accept (the held stretch may be credited) or reject (an integrity event) a failed capture."""
    if capture.status != "failed":
        raise Refused(409, "not_pending", _("这次人脸抓拍已经处理过了。"))
    note = (note or "").strip()[:1000]
    if not accept and not note:
        raise Refused(422, "invalid_reason", _("不通过时请写明原因。"), "note")
    capture.status = "accepted" if accept else "rejected"
    capture.reviewed_by_id, capture.reviewed_at, capture.review_note = reviewer.id, now, note
    db.session.flush()
    record("face_review_accepted" if accept else "face_review_rejected", target=f"face_capture:{capture.id}",
           actor=reviewer, check_id=capture.check_id)
    if not accept:
        record_event(capture.user_id, "face_rejected", now, session_id=capture.watch_session_id or None,
                     lesson_id=capture.lesson_id, claimed=capture.held_seconds, check_id=capture.check_id)
    notify(capture.user_id, "face_reviewed",
           _("人脸核验人工复核通过") if accept else _("人脸核验人工复核未通过"),
           _("该段学习的学时已计入。") if accept else _("原因：%(note)s。该段学习不计学时，请重新观看。", note=note),
           link="/me/face")
    return capture
