"""人脸抓拍 in a real browser (issue 19), with Chromium's fake camera fed from a photograph: the
server makes a face check due while the lesson plays, the player shows the camera, the trainee
takes a frame, the server's model judges it (the queue is immediate here, as in every test) and
the held stretch is credited — or, for another person's face, held for the unit administrator,
whose acceptance credits it. Without a camera the player says what to do and credits nothing
past the check. The rules are Guangdong's demo set with its face checks alone (8 an hour, 60 s
to answer: one check in the six-second lesson)."""
import subprocess

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.policy.examples import GUANGDONG
from faces import profiles
from faces.models import FaceCapture
from learning.models import LessonProgress, WatchCheck
from provinces import store as rule_store
from tests.conftest import _FAST_HASH, make_credit_code, make_id_number
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, checked_page, errors_of, sign_in
from tests.e2e.test_player_controls import open_lesson, press_space_outside_controls
from tests.faces import photos
from units.models import Unit, UnitLink

pytestmark = pytest.mark.e2e
FACES_ONLY = {**GUANGDONG, "checks": {"face": GUANGDONG["checks"]["face"]}}
ADMIN = {"phone": "13900000042", "name": "马晓燕"}
TRAINEE = {"phone": "13900000041", "name": "黄学习"}


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2}


def camera_file(tmp_path, image, name: str) -> str:
    """A three-second .y4m of ``image`` made by ffmpeg, with fresh noise in every frame (a live
    camera's frames are never the same; the server refuses a frame it has seen)."""
    still, video = tmp_path / f"{name}.png", tmp_path / f"{name}.y4m"
    image.save(still)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", str(still), "-t", "3", "-r", "10",
                    "-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,"
                           "noise=alls=6:allf=t", "-pix_fmt", "yuv420p", str(video)],
                   check=True, timeout=60, capture_output=True)
    return str(video)


@pytest.fixture
def camera_page(browser, live_server, request, screenshot):
    """``camera_page(y4m)``: a page of a Chromium launched for that camera file (its fake camera
    plays it, the camera allowed); ``camera_page(None)``: a page of the session's browser."""
    opened = []

    def open_page(y4m: str | None):
        target = browser
        if y4m is not None:
            target = browser.browser_type.launch(executable_path=str(CHROMIUM), headless=True, args=[
                *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={y4m}"])
            opened.append(target)
        context = target.new_context(base_url=live_server.base_url, locale="zh-CN", viewport={"width": 1280,
                                     "height": 900}, permissions=["camera"] if y4m else [])
        manager = checked_page(context, request, screenshot)
        opened.append(manager)
        return manager.__enter__()

    try:
        yield open_page
    finally:
        for item in reversed(opened):
            if hasattr(item, "__exit__"):
                item.__exit__(None, None, None)
            else:
                item.close()


@pytest.fixture
def world(live_server, seeded_course) -> dict:
    """A Shenzhen unit, its administrator, and its trainee enrolled with person A's photograph,
    under Guangdong's face checks."""
    with live_server.app.app_context():
        rule_store.save(rule_store.check(FACES_ONLY), utcnow(), check_locks=False)
        unit = Unit(name="深圳市人民医院", credit_code=make_credit_code("440305"), region_code="440305")
        db.session.add(unit)
        db.session.flush()
        trainee = User(role="trainee", real_name=TRAINEE["name"], id_number=make_id_number("440305"),
                       phone=TRAINEE["phone"], employer=unit.name, region_code="440305", password_hash=_FAST_HASH)
        db.session.add_all([trainee, User(role="unit_admin", real_name=ADMIN["name"], phone=ADMIN["phone"],
                                          id_number=make_id_number("440305"), region_code="440305",
                                          unit_id=unit.id, password_hash=_FAST_HASH)])
        db.session.flush()
        db.session.add(UnitLink(user_id=trainee.id, unit_id=unit.id, status="confirmed"))
        profiles.give_consent(trainee, utcnow())
        profiles.enrol(trainee, photos.jpeg(photos.image_a()), utcnow(), by=trainee, source="upload")
        db.session.commit()
        return {"lesson_id": seeded_course["lesson_ids"][0], "trainee_id": trainee.id}


def covered(app, lesson_id: int) -> float:
    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson_id))
        value = progress.covered_seconds if progress else 0.0
        db.session.remove()
        return value


def check_state(app) -> str | None:
    with app.app_context():
        state = db.session.scalar(select(WatchCheck.state).where(WatchCheck.kind == "face"))
        db.session.remove()
        return state


def play_to_the_face_check(page, lesson_id: int):
    sign_in(page, TRAINEE)
    open_lesson(page, lesson_id)
    press_space_outside_controls(page)
    expect(page.get_by_role("dialog", name="人脸核验")).to_be_visible(timeout=20_000)
    assert page.locator("video").first.evaluate("v => v.paused")


def test_the_enrolled_trainee_passes_a_face_check_and_is_credited(live_server, world, camera_page, tmp_path,
                                                                   screenshot):
    app, lesson_id = live_server.app, world["lesson_id"]
    page = camera_page(camera_file(tmp_path, photos.image_a(), "person-a"))
    console = errors_of(page)
    play_to_the_face_check(page, lesson_id)
    assert covered(app, lesson_id) == 0  # held until the check passes
    expect(page.locator("#player-check-camera")).to_be_visible()
    page.wait_for_function("() => document.getElementById('player-check-camera').videoWidth > 0")
    screenshot(page, "camera")
    page.get_by_role("button", name="拍照核验").click()
    expect(page.locator("#player-check")).to_be_hidden(timeout=30_000)
    expect(page.locator("#player-status")).to_have_text("人脸核验通过，继续学习")
    assert check_state(app) == "passed"
    page.wait_for_function("() => document.querySelector('video').ended", timeout=20_000)
    expect(page.locator("#player")).to_have_attribute("data-queued", "0", timeout=10_000)
    assert covered(app, lesson_id) > 5
    assert console == []


def test_another_face_is_held_and_credited_once_the_unit_administrator_accepts_it(
        live_server, world, camera_page, tmp_path, screenshot):
    app, lesson_id = live_server.app, world["lesson_id"]
    page = camera_page(camera_file(tmp_path, photos.image_b(), "person-b"))
    play_to_the_face_check(page, lesson_id)
    page.wait_for_function("() => document.getElementById('player-check-camera').videoWidth > 0")
    page.get_by_role("button", name="拍照核验").click()
    review = page.get_by_role("dialog", name="等待人工核验")
    expect(review).to_be_visible(timeout=30_000)
    expect(review).to_contain_text("人脸核验未通过，已转单位管理员人工核验；核验前本段学习不计学时。")
    screenshot(page, "held")
    page.get_by_role("button", name="继续").click()
    expect(review).to_be_hidden()
    assert check_state(app) == "review"
    assert covered(app, lesson_id) == 0  # the stretch up to the check waits for a person

    admin = camera_page(None)
    sign_in(admin, ADMIN)
    admin.goto("/faces/review/")
    admin.get_by_role("link", name=TRAINEE["name"]).click()
    admin.get_by_role("button", name="确认是本人").click()
    expect(admin.get_by_text("已确认是本人")).to_be_visible()
    assert check_state(app) == "passed"
    with app.app_context():
        assert db.session.scalar(select(FaceCapture.status)) == "accepted"
        db.session.remove()
    assert covered(app, lesson_id) > 1  # the check lies past the slot's first fifth (1.2 s)


def test_a_trainee_without_a_camera_sees_the_human_route_and_nothing_past_the_check_is_credited(
        live_server, world, page, screenshot):
    app, lesson_id = live_server.app, world["lesson_id"]
    play_to_the_face_check(page, lesson_id)  # a browser without a camera (no fake device)
    dialog = page.locator("#player-check")
    expect(dialog).to_contain_text("无法使用摄像头，本段学习暂不计学时。", timeout=10_000)
    expect(dialog).to_contain_text("联系本单位管理员人工核验")
    expect(page.get_by_role("button", name="拍照核验")).to_be_hidden()
    screenshot(page, "no-camera")
    assert check_state(app) == "due"
    assert covered(app, lesson_id) == 0
