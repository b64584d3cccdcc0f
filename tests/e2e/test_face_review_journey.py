"""A face capture the model failed, settled by a person, in a real browser: the trainee enrolled
with person A's photograph; a capture of another person (person B) is held for review; their
unit administrator opens 人脸核验 → the captures to review, sees the reference and the capture
side by side (both images load), and confirms it; the verdict the checks seam reads becomes
"credit"."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from faces import captures, profiles
from learning.models import WatchSession
from tests.conftest import _FAST_HASH, make_credit_code, make_id_number
from tests.e2e.conftest import add_trainee, sign_in
from tests.faces import photos
from units.models import Unit, UnitLink

pytestmark = pytest.mark.e2e
IMAGES_LOADED = "() => [...document.querySelectorAll('.face-pair img')].every(i => i.complete && i.naturalWidth > 0)"


def held_capture(app, lesson_id: int) -> dict:
    """The trainee of a Hangzhou unit, enrolled, with a failed capture; the unit's administrator."""
    trainee = add_trainee(app)
    with app.app_context():
        unit = Unit(name="杭州市第一人民医院", credit_code=make_credit_code("330106"), region_code="330106")
        db.session.add(unit)
        db.session.flush()
        db.session.add(UnitLink(user_id=trainee["id"], unit_id=unit.id, status="confirmed"))
        db.session.add(User(role="unit_admin", real_name="马晓燕", id_number=make_id_number("330106"),
                            phone="13900000022", region_code="330106", unit_id=unit.id, password_hash=_FAST_HASH))
        person = db.session.get(User, trainee["id"])
        profiles.give_consent(person, utcnow())
        profiles.enrol(person, photos.jpeg(photos.image_a()), utcnow(), by=person, source="upload")
        session = WatchSession(id="e" * 32, user_id=person.id, lesson_id=lesson_id,
                               opened_at=utcnow() - timedelta(minutes=10))
        db.session.add(session)
        capture = captures.submit_capture(session, 7, photos.jpeg(photos.image_b()), utcnow(), held_seconds=480)
        capture_id = capture.id
        db.session.commit()  # judged by the (immediate) queue once committed
        db.session.remove()
        return {"capture_id": capture_id, "admin": {"phone": "13900000022", "name": "马晓燕"}}


def test_the_unit_administrator_confirms_a_held_capture(page, live_server, seeded_course, screenshot):
    held = held_capture(live_server.app, seeded_course["lesson_ids"][0])
    with live_server.app.app_context():
        assert captures.verdict_for(7).status == "failed"
        db.session.remove()
    sign_in(page, held["admin"])
    page.get_by_role("banner").get_by_role("link", name="人脸核验").click()
    page.get_by_role("link", name="待复核的人脸抓拍").click()
    expect(page.get_by_role("cell", name="与本人照片不一致")).to_be_visible()
    page.get_by_role("link", name="王学习").click()
    expect(page.get_by_text("本人照片", exact=True)).to_be_visible()
    page.wait_for_function(IMAGES_LOADED)
    screenshot(page, "side-by-side")
    page.get_by_role("button", name="确认是本人").click()
    expect(page.get_by_text("已确认是本人")).to_be_visible()
    expect(page.get_by_text("没有待复核的人脸抓拍。")).to_be_visible()
    with live_server.app.app_context():
        verdict = captures.verdict_for(7)
        assert (verdict.status, verdict.credit) == ("accepted", True)
        db.session.remove()
