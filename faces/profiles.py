"""Consent and enrolment (个人信息保护法 §28–29) and the human route. Flushes only; the caller
commits. Every change is audited (face_consent_given, face_consent_declined,
face_consent_withdrawn, face_enrolled, face_in_person_confirmed); no image, embedding or ID
number is ever written to the audit log.

Withdrawal deletes the reference photo, the embedding and every capture image of the trainee;
the capture rows stay (with their verdicts, which credited or held time) without images.
Declining or withdrawing tells the unit's administrators, who then confirm the trainee in person
(the human route): nobody is locked out silently.
"""
import io
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts.audit import record
from accounts.models import User
from core.extensions import db
from core.http import Refused
from faces import model, storage
from faces.models import FaceCapture, FaceProfile, InPersonCheck
from notices.service import notify
from units.links import current_link


def profile(user_id: int) -> FaceProfile | None:
    return db.session.get(FaceProfile, user_id)


def status(user_id: int) -> str:
    """What the seam asks before scheduling a face check: ``enrolled`` (checks run),
    ``consented`` (consent given, no reference yet), ``human_route`` (declined or withdrawn:
    the unit confirms the trainee in person; no face check is scheduled) or ``not_asked``."""
    found = profile(user_id)
    if found is None:
        return "not_asked"
    if found.consent != "given":
        return "human_route"
    return "enrolled" if found.embedding is not None else "consented"


def _trainee_only(user: User) -> None:
    if user.role != "trainee":
        raise Refused(403, "trainees_only", _("只有学员需要人脸核验。"))


def give_consent(user: User, now: datetime) -> FaceProfile:
    _trainee_only(user)
    found = profile(user.id) or FaceProfile(user_id=user.id)
    found.consent, found.consent_at = "given", now
    db.session.add(found)
    db.session.flush()
    record("face_consent_given", target=f"user:{user.id}", actor=user)
    return found


def decline(user: User, now: datetime) -> FaceProfile:
    """No consent: no face check, the human route instead (the unit is told)."""
    _trainee_only(user)
    found = profile(user.id) or FaceProfile(user_id=user.id)
    was = found.consent
    found.consent, found.consent_at = "declined", now
    db.session.add(found)
    db.session.flush()
    _forget(found)
    record("face_consent_declined", target=f"user:{user.id}", actor=user)
    if was != "declined":
        _tell_unit(user)
    return found


def withdraw(user: User, now: datetime) -> FaceProfile:
    """Consent withdrawn: the reference, the embedding and every capture image are deleted."""
    found = profile(user.id)
    if found is None or found.consent != "given":
        raise Refused(409, "no_consent", _("您没有同意过人脸核验，无需撤回。"))
    found.consent, found.consent_at = "withdrawn", now
    deleted = _forget(found)
    db.session.execute(update(FaceCapture).where(FaceCapture.user_id == user.id, FaceCapture.path.is_not(None))
                       .values(path=None, deleted_at=now))
    storage.remove_user("captures", user.id)
    record("face_consent_withdrawn", target=f"user:{user.id}", actor=user, reference_deleted=deleted)
    _tell_unit(user)
    return found


def _forget(found: FaceProfile) -> bool:
    had = found.embedding is not None or found.reference_path is not None
    found.embedding, found.reference_path, found.reference_sha256 = None, None, ""
    found.enrolled_at, found.enrolled_by_id, found.source = None, None, ""
    db.session.flush()
    storage.remove_user("references", found.user_id)
    return had


def _tell_unit(user: User) -> None:
    link = current_link(user.id)
    if link is None or link.status != "confirmed":
        return
    for admin_id in db.session.scalars(select(User.id).where(User.role == "unit_admin",
                                                            User.unit_id == link.unit_id, User.active)):
        notify(admin_id, "face_in_person", _("%(name)s 选择人工核验", name=user.real_name),
               _("该学员未同意人脸核验，请当面核实其身份并在系统中记录。"), link=f"/unit/faces/trainees/{user.id}")


def enrol(user: User, image_bytes: bytes, now: datetime, by: User, source: str) -> FaceProfile:
    """Keep the photo's one face as the reference. Needs the trainee's consent; Refused 422
    with the model's reason (not an image, no face, several faces, too small, blurred)."""
    found = profile(user.id)
    if found is None or found.consent != "given":
        raise Refused(409, "no_consent", _("请先阅读并同意人脸信息处理规则，再采集照片。"))
    try:
        embedding = model.embed(image_bytes)
    except model.Refusal as e:
        raise Refused(422, e.code, str(e.message), "photo") from None
    _forget(found)
    photo = _as_jpeg(image_bytes)
    found.reference_path = storage.save("references", user.id, photo, "jpg")
    found.reference_sha256 = model.sha256(photo)
    found.embedding, found.source = embedding.to_bytes(), source
    found.enrolled_at, found.enrolled_by_id = now, by.id
    db.session.flush()
    record("face_enrolled", target=f"user:{user.id}", actor=by, source=source)
    return found


def _as_jpeg(image_bytes: bytes) -> bytes:
    """The photo re-encoded: what the camera or the file carried besides pixels (EXIF, places) goes."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(image_bytes)) as image:
        out = io.BytesIO()
        ImageOps.exif_transpose(image).convert("RGB").save(out, "JPEG", quality=90)
        return out.getvalue()


def confirm_in_person(admin: User, trainee: User, note: str, now: datetime) -> InPersonCheck:
    """The unit administrator saw the trainee in person (the human route)."""
    row = InPersonCheck(user_id=trainee.id, unit_id=admin.unit_id, confirmed_by_id=admin.id,
                        note=note.strip()[:1000], confirmed_at=now)
    db.session.add(row)
    db.session.flush()
    record("face_in_person_confirmed", target=f"user:{trainee.id}", actor=admin)
    return row


def in_person_checks(user_id: int) -> list[InPersonCheck]:
    return list(db.session.scalars(select(InPersonCheck).where(InPersonCheck.user_id == user_id)
                                   .order_by(InPersonCheck.confirmed_at.desc())))
