"""The pages of face checks as people use them: the trainee's consent, enrolment and withdrawal;
the unit administrator's and the bureau officer's review; who may see what."""
from PIL import ImageOps
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from faces import captures, profiles
from faces.models import FaceCapture
from learning.models import IntegrityEvent
from tests.faces import photos
from tests.faces.conftest import audit_actions, check_id, upload


def failed_capture(user, session) -> FaceCapture:
    capture = captures.submit_capture(session, check_id(), photos.jpeg(photos.image_b()), utcnow(), held_seconds=600)
    db.session.commit()
    db.session.expire_all()
    return db.session.get(FaceCapture, capture.id)


def test_the_consent_page_says_what_why_who_and_how_long(as_user, trainee):
    page = as_user(trainee).get("/me/face/consent").get_data(as_text=True)
    for words in ("收集什么", "为什么", "谁能看到", "保存多久", "撤回", "人工核验"):
        assert words in page


def test_agreeing_leads_to_the_camera_page_and_a_photo_enrols(as_user, trainee):
    client = as_user(trainee)
    response = client.post("/me/face/consent", data={"agree": "1"})
    assert response.headers["Location"].endswith("/me/face/enrol")
    page = client.get("/me/face/enrol")
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    response = client.post("/me/face/enrol", data=upload(photos.jpeg(photos.image_a()), "camera.jpg"))
    assert response.status_code == 302
    assert profiles.status(trainee.id) == "enrolled"
    assert profiles.profile(trainee.id).source == "camera"
    assert "已采集本人照片" in client.get("/me/face/").get_data(as_text=True)


def test_a_cartoon_is_refused_with_its_reason(as_user, trainee):
    client = as_user(trainee)
    client.post("/me/face/consent", data={"agree": "1"})
    page = client.post("/me/face/enrol", data=upload(photos.png(photos.cartoon()), "me.png")).get_data(as_text=True)
    assert "没有找到人脸" in page
    assert profiles.status(trainee.id) == "consented"


def test_declining_shows_the_human_route(as_user, trainee):
    client = as_user(trainee)
    client.post("/me/face/consent", data={"decline": "1"})
    page = client.get("/me/face/").get_data(as_text=True)
    assert "单位管理员" in page and "当面核实" in page


def test_withdrawing_from_the_page_deletes_the_photo(as_user, enrolled):
    client = as_user(enrolled)
    client.post("/me/face/withdraw", data={"withdraw": "1"})
    assert profiles.status(enrolled.id) == "human_route"
    assert profiles.profile(enrolled.id).embedding is None


def test_the_trainee_pages_are_for_trainees(as_user, unit_admin, client):
    assert client.get("/me/face/").status_code == 302  # anonymous: to the login
    assert as_user(unit_admin).get("/me/face/consent").status_code == 403


def test_the_unit_administrator_reviews_side_by_side_and_accepts(as_user, enrolled, watching, unit_admin):
    capture = failed_capture(enrolled, watching(enrolled))
    client = as_user(unit_admin)
    assert "陈学文" in client.get("/faces/review/").get_data(as_text=True)
    page = client.get(f"/faces/review/{capture.id}").get_data(as_text=True)
    assert f"/faces/review/{capture.id}/reference.jpg" in page and f"/faces/review/{capture.id}/capture.jpg" in page
    image = client.get(f"/faces/review/{capture.id}/capture.jpg")
    assert (image.status_code, image.mimetype) == (200, "image/jpeg")
    assert image.headers["Cache-Control"] == "private, no-store"
    image.close()
    assert client.post(f"/faces/review/{capture.id}", data={"accept": "1"}).status_code == 302
    db.session.expire_all()
    verdict = captures.verdict_for(capture.check_id)
    assert (verdict.status, verdict.credit) == ("accepted", True)
    assert audit_actions("face_image_viewed") == ["face_image_viewed"]
    assert "face_review_accepted" in audit_actions()


def test_rejecting_needs_a_note_and_records_an_integrity_event(as_user, enrolled, watching, officer):
    capture = failed_capture(enrolled, watching(enrolled))
    client = as_user(officer)
    page = client.post(f"/faces/review/{capture.id}", data={"reject": "1"}).get_data(as_text=True)
    assert "不是本人时请写明原因" in page or "写明原因" in page
    client.post(f"/faces/review/{capture.id}", data={"reject": "1", "note": "代学"})
    db.session.expire_all()
    assert captures.verdict_for(capture.check_id).status == "rejected"
    event = db.session.scalar(select(IntegrityEvent).where(IntegrityEvent.kind == "face_rejected"))
    assert event.user_id == enrolled.id and event.claimed_seconds == 600


def test_captures_are_shown_to_their_reviewers_only(as_user, enrolled, watching, other_admin, far_officer):
    capture = failed_capture(enrolled, watching(enrolled))
    assert as_user(other_admin).get(f"/faces/review/{capture.id}").status_code == 404
    assert as_user(other_admin).get(f"/faces/review/{capture.id}/capture.jpg").status_code == 404
    assert "陈学文" not in as_user(other_admin).get("/faces/review/").get_data(as_text=True)
    assert as_user(far_officer).get(f"/faces/review/{capture.id}/reference.jpg").status_code == 403
    assert as_user(enrolled).get(f"/faces/review/{capture.id}/capture.jpg").status_code == 403
    assert audit_actions("face_image_viewed") == []


def test_the_unit_records_an_in_person_check(as_user, trainee, unit_admin):
    profiles.decline(trainee, utcnow())
    db.session.commit()
    client = as_user(unit_admin)
    assert "人工核验" in client.get("/unit/faces/").get_data(as_text=True)
    client.post(f"/unit/faces/trainees/{trainee.id}", data={"seen-note": "核对身份证", "seen-confirm": "1"})
    assert [check.note for check in profiles.in_person_checks(trainee.id)] == ["核对身份证"]
    assert "face_in_person_confirmed" in audit_actions()


def test_the_unit_uploads_the_real_name_photo_of_a_consenting_trainee(as_user, trainee, unit_admin):
    profiles.give_consent(trainee, utcnow())
    db.session.commit()
    client = as_user(unit_admin)
    data = {"photo-submit": "1", **upload(photos.jpeg(ImageOps.mirror(photos.image_a())), "id.jpg", "photo-photo")}
    assert client.post(f"/unit/faces/trainees/{trainee.id}", data=data).status_code == 302
    found = profiles.profile(trainee.id)
    assert (found.source, found.enrolled_by_id) == ("unit", unit_admin.id)


def test_another_units_trainee_is_not_found(as_user, trainee, other_admin):
    assert as_user(other_admin).get(f"/unit/faces/trainees/{trainee.id}").status_code == 404
