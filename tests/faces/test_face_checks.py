"""Face checks through the checks seam (issue 19): the heartbeat makes a face check due, the player
posts one frame with the nonce, the model's verdict (the queue is immediate in tests) credits the
held stretch, sends it to a person, or leaves it uncredited; trainees without a reference are told
what to do. Nothing the player receives tells where the checks are before they are due."""
import base64

import pytest
from PIL import ImageOps
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.policy.examples import GUANGDONG, HENAN, NATIONAL
from faces import profiles
from faces.models import FaceCapture
from learning import check_store, checks
from learning.models import WatchCheck
from tests.faces import photos
from tests.learning.conftest import clock, events, make_viewer, progress, store_rules  # noqa: F401 (fixtures)

FACES_ONLY = {**GUANGDONG, "checks": {"face": GUANGDONG["checks"]["face"]}}  # 8 an hour, 60 s


@pytest.fixture
def lesson(make_course, store_rules):  # noqa: F811
    store_rules(NATIONAL, FACES_ONLY, HENAN)
    return make_course(title="人脸核验课", lessons=1, lesson_seconds=400).lessons[0]  # one face check


def data_url(image) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(photos.jpeg(image)).decode()


def watch_to_check(viewer, step=15.0):
    at = 0.0
    while at < 400:
        upto = min(at + step, 400)
        viewer.clock.advance(upto - at)
        reply = viewer.beat([[at, upto]], position=upto)
        at = upto
        if "check" in reply:
            return reply["check"], at
    raise AssertionError("no check was asked")


def post(viewer, expect=200, **body):
    response = viewer.client.post(f"/api/v1/sessions/{viewer.session_id}/checks", json=body)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response.get_json()


def watching(make_viewer, user, lesson):  # noqa: F811
    viewer = make_viewer(user)
    viewer.open(lesson.id)
    return viewer


def test_the_enrolled_trainee_passes_a_face_check_and_the_held_stretch_is_credited(enrolled, lesson, make_viewer):  # noqa: F811
    viewer = watching(make_viewer, enrolled, lesson)
    check, at = watch_to_check(viewer)
    assert (check["kind"], check["state"], check["face"]["route"]) == ("face", "due", "camera")
    assert progress(enrolled, lesson) is None or progress(enrolled, lesson).covered_seconds == 0
    judging = post(viewer, nonce=check["nonce"], image=data_url(ImageOps.mirror(photos.image_a())))
    assert (judging["verdict"], judging["credited_seconds"]) == ("pending", 0.0)
    passed = post(viewer, nonce=check["nonce"])  # the player asks for the verdict
    assert passed["verdict"] == "passed" and passed["credited_seconds"] == pytest.approx(at)
    assert "通过" in passed["message"]
    assert progress(enrolled, lesson).covered_seconds == pytest.approx(at)
    post(viewer, expect=409, nonce=check["nonce"], image=data_url(photos.image_a()))  # used: refused


def test_another_face_waits_for_review_the_trainee_goes_on_and_acceptance_credits_it(
        enrolled, lesson, make_viewer, unit_admin, client, sign_in):  # noqa: F811
    viewer = watching(make_viewer, enrolled, lesson)
    check, at = watch_to_check(viewer)
    post(viewer, nonce=check["nonce"], image=data_url(photos.image_b()))
    review = post(viewer, nonce=check["nonce"])
    assert review["verdict"] == "review" and review["credited_seconds"] == 0.0
    assert "人工核验" in review["message"]
    viewer.clock.advance(15)
    assert "check" not in viewer.beat([[at, at + 15]], position=at + 15)  # the gate moved on
    assert progress(enrolled, lesson).covered_seconds == pytest.approx(15)  # the held stretch is not
    capture = db.session.scalar(select(FaceCapture).where(FaceCapture.user_id == enrolled.id))
    sign_in(unit_admin)
    assert "陈学文" in client.get("/faces/review/").get_data(as_text=True)
    assert client.post(f"/faces/review/{capture.id}", data={"accept": "1"}).status_code == 302
    assert progress(enrolled, lesson).covered_seconds == pytest.approx(at + 15)
    assert db.session.get(WatchCheck, capture.check_id).state == "passed"


def test_a_rejected_face_stays_uncredited(enrolled, lesson, make_viewer, unit_admin, client, sign_in):  # noqa: F811
    viewer = watching(make_viewer, enrolled, lesson)
    check, _at = watch_to_check(viewer)
    post(viewer, nonce=check["nonce"], image=data_url(photos.image_b()))
    post(viewer, nonce=check["nonce"])
    capture = db.session.scalar(select(FaceCapture).where(FaceCapture.user_id == enrolled.id))
    sign_in(unit_admin)
    client.post(f"/faces/review/{capture.id}", data={"reject": "1", "note": "不是本人"})
    db.session.expire_all()
    assert db.session.get(WatchCheck, capture.check_id).state == "failed"
    assert (progress(enrolled, lesson).covered_seconds if progress(enrolled, lesson) else 0) == 0


def test_a_check_being_judged_follows_the_trainee_into_a_new_session(enrolled, lesson, make_viewer):  # noqa: F811
    viewer = watching(make_viewer, enrolled, lesson)
    check, at = watch_to_check(viewer)
    post(viewer, nonce=check["nonce"], image=data_url(photos.image_a()))
    viewer.open(lesson.id)  # a reload
    viewer.clock.advance(5)
    again = viewer.beat([[at, at + 5]], position=at + 5)["check"]
    assert (again["kind"], again["state"]) == ("face", "judging") and again["nonce"] != check["nonce"]
    assert progress(enrolled, lesson).covered_seconds == 0  # nothing credited before the verdict
    passed = post(viewer, nonce=again["nonce"])
    assert passed["verdict"] == "passed" and passed["credited_seconds"] == pytest.approx(at + 5)


def test_a_frame_sent_before_fails_the_check_and_sends_the_trainee_back(enrolled, make_course, store_rules,  # noqa: F811
                                                                         make_viewer):  # noqa: F811
    store_rules(NATIONAL, FACES_ONLY, HENAN)
    lesson = make_course(title="两次抓拍", lessons=1, lesson_seconds=900).lessons[0]  # two face checks
    viewer = watching(make_viewer, enrolled, lesson)
    frame = data_url(photos.image_a())
    check, at = watch_to_check(viewer)
    post(viewer, nonce=check["nonce"], image=frame)
    assert post(viewer, nonce=check["nonce"])["verdict"] == "passed"
    at2 = at
    while True:
        viewer.clock.advance(15)
        reply = viewer.beat([[at2, at2 + 15]], position=at2 + 15)
        at2 += 15
        if "check" in reply:
            break
    failed = post(viewer, nonce=reply["check"]["nonce"], image=frame)
    assert failed["verdict"] == "failed" and failed["rewind_to"] == pytest.approx(check["position"])
    assert progress(enrolled, lesson).covered_seconds == pytest.approx(check["position"])
    assert events(enrolled, "face_duplicate_frame") and events(enrolled, "check_failed")


def test_a_trainee_without_a_reference_is_told_what_to_do_and_nothing_is_credited(trainee, lesson, make_viewer):  # noqa: F811
    viewer = watching(make_viewer, trainee, lesson)
    check, _at = watch_to_check(viewer)
    assert check["face"]["route"] == "enrol" and "人工核验" in check["face"]["message"]
    refused = post(viewer, expect=409, nonce=check["nonce"], image=data_url(photos.image_a()))
    assert refused["error"]["code"] == "face_not_enrolled"
    assert db.session.scalar(select(WatchCheck.state)) == "due"


def test_the_human_route_passes_once_the_unit_confirmed_the_trainee_in_person(
        trainee, unit_admin, lesson, make_viewer):  # noqa: F811
    profiles.decline(trainee, utcnow())
    db.session.commit()
    viewer = watching(make_viewer, trainee, lesson)
    check, at = watch_to_check(viewer)
    assert check["face"]["route"] == "human" and "单位管理员" in check["face"]["message"]
    waiting = post(viewer, expect=409, nonce=check["nonce"], route="human")
    assert waiting["error"]["code"] == "in_person_needed"
    profiles.confirm_in_person(unit_admin, trainee, "已当面核实", utcnow())
    db.session.commit()
    passed = post(viewer, nonce=check["nonce"], route="human")
    assert passed["verdict"] == "passed" and passed["credited_seconds"] == pytest.approx(at)


@pytest.mark.parametrize(("image", "status", "code"), [
    (None, 422, "missing_image"),
    ("data:text/plain;base64,aGVsbG8=", 422, "missing_image"),
    ("data:image/jpeg;base64,@@not base64@@", 422, "not_an_image"),
    ("data:image/jpeg;base64," + base64.b64encode(b"GIF89a not a frame").decode(), 422, "not_an_image"),
])
def test_a_frame_that_is_no_photo_is_refused_and_the_check_stays_due(enrolled, lesson, make_viewer, image,  # noqa: F811
                                                                      status, code):
    viewer = watching(make_viewer, enrolled, lesson)
    check, _at = watch_to_check(viewer)
    refused = post(viewer, expect=status, nonce=check["nonce"], image=image)
    assert refused["error"]["code"] == code
    db.session.expire_all()
    assert db.session.scalar(select(WatchCheck.state)) == "due"
    assert db.session.scalars(select(FaceCapture)).all() == []


def test_nothing_the_player_receives_tells_a_face_check_before_it_is_due(app, enrolled, make_course, store_rules,  # noqa: F811
                                                                        make_viewer):  # noqa: F811
    store_rules(NATIONAL, FACES_ONLY, HENAN)
    lesson = make_course(title="四次抓拍", lessons=1, lesson_seconds=1800).lessons[0]  # four face checks
    viewer = make_viewer(enrolled)
    received, original = [], viewer.client.post

    def recorded(*args, **kwargs):
        response = original(*args, **kwargs)
        received.append(response.get_data(as_text=True))
        return response

    viewer.client.post = recorded
    page = viewer.client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    viewer.open(lesson.id)
    with app.app_context():
        points = checks.plan(check_store.key(), enrolled.id, lesson.id, 1800, {"face": 8})
    assert len(points) == 4
    at = 0.0
    while at < 1800:
        viewer.clock.advance(15)
        reply = viewer.beat([[at, at + 15]], position=at + 15)
        at += 15
        if "check" in reply:
            break
    *before, due = received
    for body in [page, *before]:
        assert not any(f"{point.position}" in body for point in points), body
    assert not any(f"{point.position}" in due for point in points[1:])
