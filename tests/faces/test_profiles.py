"""Consent, enrolment and withdrawal as services: what is kept, what is deleted, who is told."""
from pathlib import Path

import pytest
from flask import current_app
from PIL import ImageOps

from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import captures, profiles
from faces.models import FaceCapture
from notices.models import Notice
from tests.faces import photos
from tests.faces.conftest import audit_actions, check_id


def media(relative: str) -> Path:
    return Path(current_app.config["MEDIA_ROOT"]) / relative


def test_a_trainee_not_asked_has_no_face_checks(trainee):
    assert profiles.status(trainee.id) == "not_asked"


def test_enrolment_needs_consent_first(trainee):
    with pytest.raises(Refused) as refused:
        profiles.enrol(trainee, photos.jpeg(photos.image_a()), utcnow(), by=trainee, source="upload")
    assert refused.value.code == "no_consent"


def test_enrolment_keeps_the_embedding_and_the_photo_outside_the_web_root(trainee):
    profiles.give_consent(trainee, utcnow())
    found = profiles.enrol(trainee, photos.jpeg(photos.image_a()), utcnow(), by=trainee, source="camera")
    db.session.commit()
    assert profiles.status(trainee.id) == "enrolled"
    assert len(found.embedding) == 128 * 8
    assert found.reference_path.startswith("faces/references/")
    assert media(found.reference_path).is_file()
    assert audit_actions() == ["face_consent_given", "face_enrolled"]


@pytest.mark.parametrize(("image", "code"), [
    pytest.param(photos.cartoon, "no_face", id="a cartoon"),
    pytest.param(lambda: photos.side_by_side(photos.image_a(), photos.image_b()), "several_faces", id="two people"),
])
def test_a_reference_without_exactly_one_real_face_is_refused(trainee, image, code):
    profiles.give_consent(trainee, utcnow())
    with pytest.raises(Refused) as refused:
        profiles.enrol(trainee, photos.jpeg(image()), utcnow(), by=trainee, source="upload")
    assert (refused.value.status, refused.value.code) == (422, code)
    assert profiles.status(trainee.id) == "consented"


def test_declining_tells_the_unit_administrator(trainee, unit_admin):
    profiles.decline(trainee, utcnow())
    db.session.commit()
    assert profiles.status(trainee.id) == "human_route"
    notice = db.session.scalar(db.select(Notice).where(Notice.user_id == unit_admin.id))
    assert notice.kind == "face_in_person"
    assert notice.link == f"/unit/faces/trainees/{trainee.id}"


def test_withdrawal_deletes_the_reference_the_embedding_and_the_captures(enrolled, watching, unit_admin):
    reference = profiles.profile(enrolled.id).reference_path
    capture = captures.submit_capture(watching(enrolled), check_id(), photos.jpeg(ImageOps.mirror(photos.image_a())),
                                      utcnow())
    db.session.commit()
    kept = media(db.session.get(FaceCapture, capture.id).path)
    assert kept.is_file()
    profiles.withdraw(enrolled, utcnow())
    db.session.commit()
    found = profiles.profile(enrolled.id)
    assert (found.consent, found.embedding, found.reference_path) == ("withdrawn", None, None)
    assert not media(reference).exists() and not kept.exists()
    assert db.session.get(FaceCapture, capture.id).path is None
    assert profiles.status(enrolled.id) == "human_route"
    assert "face_consent_withdrawn" in audit_actions()


def test_withdrawing_without_consent_is_refused(trainee):
    with pytest.raises(Refused) as refused:
        profiles.withdraw(trainee, utcnow())
    assert refused.value.code == "no_consent"


def test_only_trainees_give_consent(unit_admin):
    with pytest.raises(Refused):
        profiles.give_consent(unit_admin, utcnow())
