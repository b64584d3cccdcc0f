"""A provincial officer uploads the bureau's seal in the browser (CSRF on, as in production): a
renamed text file is refused with a clear message, a PNG with transparency is taken and shown.
Screenshots at 1366 and 390 px in artifacts/e2e/."""
import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.extensions import db
from tests.bureau.test_seals import seal_image
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def officer(live_server) -> dict:
    with live_server.app.app_context():
        user = User(role="bureau", real_name="浙江人社", id_number=make_id_number("330000"), phone="13900000061",
                    employer="浙江省人力资源和社会保障厅", region_code="330000", password_hash=_FAST_HASH)
        db.session.add(user)
        db.session.commit()
    return {"phone": "13900000061", "name": "浙江人社"}


def test_an_officer_uploads_the_provinces_seal(page, officer, screenshot):
    sign_in(page, officer)
    page.goto("/bureau/seal/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text("浙江省人力资源和社会保障厅")
    expect(main).to_contain_text("尚未上传印章")

    page.set_input_files("#seal-file", files=[{"name": "seal.png", "mimeType": "image/png",
                                               "buffer": b"not a picture at all"}])
    main.get_by_role("button", name="上传印章").click()
    expect(page.locator(".flash-error")).to_contain_text("印章图片须为 PNG（透明背景）或 JPG 格式。")
    expect(main.locator(".seal-preview")).to_have_count(0)

    page.set_input_files("#seal-file", files=[{"name": "seal.png", "mimeType": "image/png", "buffer": seal_image()}])
    main.get_by_role("button", name="上传印章").click()
    expect(page.locator(".flash-success")).to_contain_text("已上传印章")
    preview = main.locator(".seal-preview img")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 300
    expect(main.get_by_role("button", name="更换印章")).to_be_visible()
    screenshot(page, "seal-uploaded-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "seal-uploaded-390")
