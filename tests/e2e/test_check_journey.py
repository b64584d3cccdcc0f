"""随堂弹题 in a real browser (issue 19): the video pauses at a point the server chose and asks a
question from the course's bank; a wrong answer sends the trainee back and the stretch is not
credited, a right one credits it. The dynamic watermark names the account over the video."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.policy.examples import GUANGDONG
from courses.models import Question
from learning.models import IntegrityEvent, LessonProgress, WatchCheck
from provinces import store as rule_store
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import errors_of, sign_in
from tests.e2e.test_player_controls import current_time, open_lesson, pause_and_sync, press_space_outside_controls

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2}


@pytest.fixture
def guangdong_course(live_server, seeded_course) -> dict:
    """The seeded course with a bank of one question, under Guangdong's rules with 随堂弹题 alone
    (its 人脸抓拍: tests/e2e/test_face_check_journey.py)."""
    questions_only = {**GUANGDONG, "checks": {"question": GUANGDONG["checks"]["question"]}}
    with live_server.app.app_context():
        rule_store.save(rule_store.check(questions_only), utcnow(), check_locks=False)
        db.session.add(Question(course_id=seeded_course["id"], position=1, kind="single",
                                stem="学时由谁认定？", options=["学员自报", "平台服务器", "授课教师"], answer=[1]))
        db.session.commit()
    return seeded_course


def guangdong_trainee(app) -> dict:
    """A trainee of Shenzhen (Guangdong's rules) who signs in with the test password."""
    with app.app_context():
        user = User(role="trainee", real_name="黄学习", id_number=make_id_number("440305"), phone="13900000031",
                    employer="深圳市人民医院", region_code="440305", password_hash=_FAST_HASH)
        db.session.add(user)
        db.session.commit()
        return {"id": user.id, "phone": user.phone, "name": user.real_name}


def due_check(app) -> WatchCheck:
    with app.app_context():
        check = db.session.scalar(select(WatchCheck).where(WatchCheck.state == "due"))
        db.session.expunge(check)
        return check


def covered(app, lesson_id: int) -> float:
    with app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson_id))
        return progress.covered_seconds if progress else 0.0


def choose(page, index: int) -> None:
    page.locator("#player-check-options label").nth(index).click()
    page.get_by_role("button", name="提交答案").click()


def test_a_wrong_answer_rewinds_uncredited_and_a_right_one_credits(page, live_server, guangdong_course, screenshot):
    console = errors_of(page)
    app, lesson_id = live_server.app, guangdong_course["lesson_ids"][0]
    sign_in(page, guangdong_trainee(app))
    open_lesson(page, lesson_id)
    watermark = page.locator("#player-watermark")  # the masked name and phone tail, placed at random
    expect(watermark).to_have_text("黄*习 尾号0031")
    expect(watermark).to_have_attribute("style", re.compile(r"left: [\d.]+%; top: [\d.]+%"))
    press_space_outside_controls(page)

    dialog = page.locator("#player-check")
    expect(page.get_by_role("dialog", name="随堂问答")).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("学时由谁认定？")
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    screenshot(page, "question")
    check = due_check(app)
    assert covered(app, lesson_id) == 0  # the stretch before the check is held

    right = check.challenge["answer"][0]
    choose(page, (right + 1) % 3)
    rewind = page.get_by_role("button", name="从 0:00 重新观看")
    expect(rewind).to_be_visible()
    expect(page.get_by_role("dialog", name="本段学习不计学时")).to_be_visible()
    expect(dialog).to_contain_text("回答不正确，自 0:00 以来的学习不计学时。请从 0:00 重新观看这一段。")
    expect(dialog).not_to_contain_text("平台服务器")  # the right answer is never shown
    screenshot(page, "wrong-answer")
    rewind.click()
    expect(dialog).to_be_hidden()
    page.wait_for_function("() => !document.querySelector('video').paused")
    assert current_time(page) < check.position
    with app.app_context():
        assert db.session.scalars(select(IntegrityEvent.kind)).all().count("check_failed") == 1
    assert covered(app, lesson_id) == 0

    expect(page.get_by_role("dialog", name="随堂问答")).to_be_visible(timeout=15_000)  # asked again
    again = due_check(app)
    assert again.id != check.id
    choose(page, again.challenge["answer"][0])
    expect(dialog).to_be_hidden()
    expect(page.locator("#player-status")).to_have_text("回答正确，继续学习")
    page.wait_for_function(f"() => document.querySelector('video').currentTime > {again.position + 0.5}")
    pause_and_sync(page)
    assert covered(app, lesson_id) >= again.position
    assert console == []

