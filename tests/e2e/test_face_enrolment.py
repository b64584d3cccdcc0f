"""Face enrolment in a real browser. Chromium's fake camera is fed a photograph (person A of
tests/faces/photos.py, turned into a .y4m by ffmpeg here): the trainee reads the consent page,
agrees, takes the picture with 拍照 and sends it; the server finds one clear face and keeps it.
A trainee without a camera is told so and uploads a photo instead."""
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from core.extensions import db
from faces import profiles
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, add_trainee, checked_page, sign_in
from tests.faces import photos


@pytest.fixture(scope="module")
def face_y4m(tmp_path_factory) -> Path:
    """Two seconds of person A facing the camera, 640×480, as Chromium's fake camera reads it."""
    folder = tmp_path_factory.mktemp("camera")
    face = photos.image_a()
    face = face.resize((int(face.width * 1.4), int(face.height * 1.4)))
    frame = Image.new("RGB", (640, 480), (96, 104, 112))
    frame.paste(face, ((640 - face.width) // 2, 480 - face.height))
    frame.save(folder / "face.png")
    out = folder / "face.y4m"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", str(folder / "face.png"), "-t", "2",
                    "-r", "10", "-pix_fmt", "yuv420p", str(out)], check=True, timeout=60, capture_output=True)
    return out


@pytest.fixture
def camera_browser(browser, face_y4m):
    """Chromium with a fake camera showing ``face_y4m`` (the permission prompt answered yes)."""
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={face_y4m}"])
    yield chromium
    chromium.close()


def test_a_trainee_enrols_with_the_camera(camera_browser, live_server, request, screenshot):
    person = add_trainee(live_server.app)
    context = camera_browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                         viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera"], origin=live_server.base_url)
    with checked_page(context, request, screenshot) as page:
        sign_in(page, person)
        page.goto("/me/face/consent")
        expect(page.get_by_text("谁能看到")).to_be_visible()
        page.get_by_role("button", name="同意并采集照片").click()
        expect(page.get_by_role("heading", name="采集人脸照片")).to_be_visible()
        expect(page.locator("#face-camera")).to_be_visible()
        page.wait_for_function("() => document.getElementById('face-video').videoWidth > 0")
        page.get_by_role("button", name="拍照").click()
        expect(page.locator("#face-camera-status")).to_contain_text("已拍照")
        screenshot(page, "photo-taken")
        page.get_by_role("button", name="提交照片").click()
        expect(page.locator("#face-status")).to_contain_text("已采集本人照片")
        screenshot(page, "enrolled")
    with live_server.app.app_context():
        found = profiles.profile(person["id"])
        assert (found.consent, found.source) == ("given", "camera")
        assert found.embedding is not None
        db.session.remove()


def test_without_a_camera_the_trainee_uploads_a_photo(page, live_server, tmp_path):
    person = add_trainee(live_server.app)
    sign_in(page, person)
    page.goto("/me/face/consent")
    page.get_by_role("button", name="同意并采集照片").click()
    expect(page.locator("#face-camera-status")).to_contain_text("没有找到可用的摄像头")
    photo = tmp_path / "me.jpg"
    photo.write_bytes(photos.jpeg(photos.image_a()))
    page.get_by_label("照片").set_input_files(str(photo))
    page.get_by_role("button", name="提交照片").click()
    expect(page.locator("#face-status")).to_contain_text("已采集本人照片")
