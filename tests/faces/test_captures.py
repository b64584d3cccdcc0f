"""Captures as the seam hands them over: stored, judged by the worker (inline here, the queue
being immediate in tests), the verdict read back; frames that must not count."""
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import ImageEnhance, ImageOps
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import captures
from faces.models import FaceCapture
from learning.models import IntegrityEvent
from notices.models import Notice
from tests.faces import photos
from tests.faces.conftest import check_id


def submit(user, session, image_bytes, **extra):
    capture = captures.submit_capture(session, extra.pop("check", None) or check_id(), image_bytes, utcnow(), **extra)
    db.session.commit()
    db.session.expire_all()
    return capture


def test_the_same_person_passes_and_the_stretch_may_be_credited(enrolled, watching):
    capture = submit(enrolled, watching(enrolled), photos.jpeg(ImageOps.mirror(photos.image_a())), held_seconds=420)
    verdict = captures.verdict_for(capture.check_id)
    assert (verdict.status, verdict.credit, verdict.settled) == ("passed", True, True)
    assert verdict.distance < 0.6


def test_another_person_fails_and_waits_for_review(enrolled, watching, unit_admin):
    capture = submit(enrolled, watching(enrolled), photos.jpeg(photos.image_b()))
    verdict = captures.verdict_for(capture.check_id)
    assert (verdict.status, verdict.code) == ("failed", "not_same_person")
    assert not verdict.credit and not verdict.settled
    assert "人工核验" in verdict.message
    notice = db.session.scalar(select(Notice).where(Notice.user_id == unit_admin.id))
    assert (notice.kind, notice.link) == ("face_review", f"/faces/review/{capture.id}")
    assert "陈学文" in notice.title


def test_a_frame_without_a_face_fails_for_a_person_to_settle(enrolled, watching):
    capture = submit(enrolled, watching(enrolled), photos.jpeg(photos.image_no_face()))
    assert captures.verdict_for(capture.check_id).code == "no_face"
    assert captures.verdict_for(capture.check_id).status == "failed"


def test_no_verdict_before_a_frame_is_posted(enrolled):
    assert captures.verdict_for(check_id()) is None


def test_the_same_frame_sent_again_is_refused_and_recorded(enrolled, watching):
    session = watching(enrolled)
    frame = ImageEnhance.Brightness(photos.image_a()).enhance(1.2)
    submit(enrolled, session, photos.jpeg(frame))
    again = submit(enrolled, session, photos.jpeg(frame, quality=70), held_seconds=300)
    verdict = captures.verdict_for(again.check_id)
    assert (verdict.status, verdict.code, verdict.credit) == ("refused", "duplicate_frame", False)
    event = db.session.scalar(select(IntegrityEvent).where(IntegrityEvent.kind == "face_duplicate_frame"))
    assert event.user_id == enrolled.id and event.claimed_seconds == 300
    assert db.session.get(FaceCapture, again.id).path is None


@pytest.mark.parametrize(("data", "status", "code"), [
    (b"GIF89a not a frame", 422, "not_an_image"),
    (b"\xff\xd8\xff\xe0 broken", 422, "not_an_image"),
])
def test_a_frame_that_is_no_image_is_refused(enrolled, watching, data, status, code):
    with pytest.raises(Refused) as refused:
        captures.submit_capture(watching(enrolled), check_id(), data, utcnow())
    assert (refused.value.status, refused.value.code) == (status, code)


def test_a_trainee_without_a_reference_is_refused(trainee, watching):
    with pytest.raises(Refused) as refused:
        captures.submit_capture(watching(trainee), check_id(), photos.jpeg(photos.image_a()), utcnow())
    assert refused.value.code == "not_enrolled"


def test_one_capture_per_check(enrolled, watching):
    session, check = watching(enrolled), check_id()
    submit(enrolled, session, photos.jpeg(photos.image_a()), check=check)
    with pytest.raises(Refused) as refused:
        captures.submit_capture(session, check, photos.jpeg(ImageOps.mirror(photos.image_a())), utcnow())
    assert refused.value.code == "capture_exists"


def test_a_capture_is_kept_for_the_trainees_unit_and_region(enrolled, watching, unit):
    capture = submit(enrolled, watching(enrolled), photos.jpeg(photos.image_a()))
    found = db.session.get(FaceCapture, capture.id)
    assert (found.unit_id, found.region_code) == (unit.id, "440305")
    assert found.path.startswith(f"faces/captures/{enrolled.id}/")


def test_judging_twice_changes_nothing(enrolled, watching, app):
    capture = submit(enrolled, watching(enrolled), photos.jpeg(photos.image_a()))
    judged_at = db.session.get(FaceCapture, capture.id).judged_at
    captures.judge_capture(db.session, capture.id, utcnow() + timedelta(minutes=1), 0.6)
    assert db.session.get(FaceCapture, capture.id).judged_at == judged_at


def test_images_of_a_year_locked_long_enough_are_deleted_and_the_verdicts_kept(enrolled, watching, app):
    from faces import retention

    old = submit(enrolled, watching(enrolled), photos.jpeg(photos.image_a()))
    new = submit(enrolled, watching(enrolled), photos.jpeg(ImageOps.mirror(photos.image_a())))
    db.session.get(FaceCapture, old.id).year = 2020  # long locked under every rule set
    db.session.commit()
    path = Path(app.config["MEDIA_ROOT"], db.session.get(FaceCapture, old.id).path)
    assert retention.purge(utcnow()) == 1
    db.session.commit()
    purged, kept = db.session.get(FaceCapture, old.id), db.session.get(FaceCapture, new.id)
    assert (purged.path, purged.status) == (None, "passed") and purged.deleted_at is not None
    assert kept.path is not None
    assert not path.exists()


def test_the_purge_command_deletes_expired_images(enrolled, watching, app):
    capture = submit(enrolled, watching(enrolled), photos.jpeg(photos.image_a()))
    db.session.get(FaceCapture, capture.id).year = 2020
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["faces", "purge"])
    assert result.exit_code == 0 and "1 capture image(s) deleted" in result.output
    db.session.expire_all()
    assert db.session.get(FaceCapture, capture.id).path is None
