"""The face check (人脸抓拍) as a kind of the checks seam (learning.check_kinds; issue 19): registered
at import, which the app does where it assembles. Planned, like the other kinds, where the
trainee's rule set turns it on.

What a due face check asks depends on the trainee's face profile (faces.profiles.status), read
when it falls due and again when it is answered:

- ``enrolled``: the player takes one frame with the camera and posts it as a JSON data URL
  (``{"nonce", "image": "data:image/jpeg;base64,…"}``); :func:`faces.captures.submit_capture`
  stores it and queues the model; the check is ``judging`` until the verdict, which the player
  fetches by posting the nonce again (learning.check_settle.apply_verdict).
- ``human_route`` (consent declined or withdrawn): no camera. The trainee's unit administrator
  confirms them in person (faces.models.InPersonCheck); with such a confirmation this year the
  player's ``{"nonce", "route": "human"}`` passes the check, without it the answer says whom to
  see and the stretch stays held (the window then runs out: 补录 by re-watching).
- ``not_asked`` / ``consented`` (no reference yet): the answer says where to consent and take
  the reference photo, or to choose the human route; the stretch stays held meanwhile.
"""
import base64
import binascii

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import captures, profiles, review
from faces.models import InPersonCheck
from learning import check_kinds, check_settle, ledger
from learning.models import WatchCheck, WatchSession
from learning.rules import credit_year

PREFIXES = ("data:image/jpeg;base64,", "data:image/png;base64,", "data:image/webp;base64,")


def _route(user_id: int) -> str:
    found = profiles.status(user_id)
    return {"enrolled": "camera", "human_route": "human"}.get(found, "enrol")


def instructions(route: str) -> str:
    """What the player says when a face check falls due, in the trainee's language."""
    if route == "camera":
        return _("请正对摄像头，保持光线充足，然后点击「拍照核验」。")
    if route == "human":
        return _("人工核验：请联系本单位管理员当面核实身份，记录后点击「继续」；此前本段不计学时。")
    return _("本课程要求人脸核验：请到「我的人脸核验」采集照片或选择人工核验；此前本段不计学时。")


class FaceKind:
    """The face check's ``issue``, ``shown``, ``judge`` and ``verdict`` (learning.check_kinds)."""

    def issue(self, check: WatchCheck, course_id: int) -> None:
        check.question_id, check.challenge = None, {"route": _route(check.user_id)}

    def shown(self, check: WatchCheck) -> dict:
        route = (check.challenge or {}).get("route", "camera")
        return {"face": {"route": route, "message": instructions(route)}}

    def judge(self, check: WatchCheck, body: dict):
        """``"pending"`` once a frame is stored and queued; True for a trainee on the human route
        whom their unit confirmed in person this year; False for a frame sent before (refused,
        recorded). Anything else is refused with what to do, changing nothing."""
        route, now = _route(check.user_id), utcnow()
        if route == "human" and body.get("route") == "human":
            return _confirmed_in_person(check.user_id, now)
        if route != "camera":
            raise Refused(409, "face_not_enrolled", instructions(route))
        image = _image(body.get("image"))
        session = db.session.get(WatchSession, check.session_id)
        held = sum(b - a for a, b in check.held or [])
        capture = captures.submit_capture(session, check.id, image, now, held)
        return False if capture.status == "refused" else "pending"

    def verdict(self, check: WatchCheck) -> tuple[object, str]:
        """The check's outcome now — True, False, ``"review"`` (awaiting a person) or
        ``"pending"`` — and the message for the trainee."""
        found = captures.verdict_for(check.id)
        if found is None or found.status == "pending":
            return "pending", str(captures.NOTES["pending"])
        if found.status == "failed":
            return "review", found.message
        return found.credit, found.message


def decide(reviewer, capture_id: int, trainee_id: int, accept: bool, note: str, now) -> float:
    """A reviewer's decision on a failed capture (faces.review.decide) and its effect on the check:
    accepted, the stretch the check held is credited (learning.check_settle.credit_reviewed);
    rejected, it stays uncredited. Opens the transaction with the trainee's lock (the caller
    committed before), so a heartbeat of the trainee cannot interleave. The seconds credited."""
    ledger.lock_budget(trainee_id)
    capture = review.capture_for(reviewer, capture_id)
    review.decide(reviewer, capture, accept, note, now)
    check = db.session.get(WatchCheck, capture.check_id)
    if check is None or check.state != "review" or check.user_id != trainee_id:
        return 0.0
    locked = ledger.lock_session(trainee_id, check.session_id)
    return check_settle.credit_reviewed(check, locked, accept, now) if locked is not None else 0.0


def _confirmed_in_person(user_id: int, now) -> bool:
    year = credit_year(now)
    confirmed = db.session.scalars(select(InPersonCheck.confirmed_at).where(InPersonCheck.user_id == user_id))
    if any(credit_year(at) == year for at in confirmed):
        return True
    raise Refused(409, "in_person_needed", _("单位管理员尚未记录当面核实，请联系本单位管理员。"))


def _image(value) -> bytes:
    """The frame of a data URL (JPEG, PNG or WebP, base64); Refused 422 / 413 otherwise."""
    if not isinstance(value, str) or not value.startswith(PREFIXES):
        raise Refused(422, "missing_image", _("请拍摄一张照片（JPG 或 PNG 图片）后再提交。"), "image")
    encoded = value.split(",", 1)[1]
    if len(encoded) > int(current_app.config["FACE_MAX_IMAGE_BYTES"]) * 4 // 3 + 4:
        raise Refused(413, "image_too_large", _("照片太大。"), "image")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(422, "not_an_image", _("上传的文件不是可以识别的照片（请使用 JPG 或 PNG 图片）。"),
                      "image") from None


check_kinds.register("face", FaceKind())
