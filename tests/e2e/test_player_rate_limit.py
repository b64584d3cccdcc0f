"""Opening lessons too often: the server refuses to open a watch session (429), the player says
so in the server's words, asks again when the server says it may, and counts again once the
session opens.

Openings are paced at 6 a minute (a burst of 6, then one every 10 s), so the 7th lesson page
opened in a row is refused and the wait is under 10 s. A heartbeat every second.
"""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.extensions import db
from learning.models import IntegrityEvent, LessonProgress
from tests.e2e.conftest import PLAYED_SECONDS, click_to_play, errors_of, sign_in

pytestmark = pytest.mark.e2e

OPENS_PER_MINUTE = 6
TOO_OFTEN = "打开课程过于频繁，请稍等片刻再继续学习。"


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 1, "WATCH_SESSION_OPENS_PER_MINUTE": OPENS_PER_MINUTE}


def is_opening(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/sessions")


def test_a_refused_session_is_explained_and_opened_when_the_server_allows(page, live_server, seeded_course,
                                                                          trainee, screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    first, second = seeded_course["lesson_ids"]
    answers: list[int] = []  # the status of every request to open a session, in order
    page.on("response", lambda response: answers.append(response.status) if is_opening(response) else None)

    # The trainee goes back and forth between the two lessons: every page opens a session.
    for n in range(OPENS_PER_MINUTE):
        page.goto(f"/lessons/{(first, second)[n % 2]}")
        expect(page.locator("#player")).to_have_attribute("data-state", "active")
    with page.expect_response(is_opening) as refusal:
        page.goto(f"/lessons/{first}")
    refused = refusal.value
    assert refused.status == 429
    assert refused.json()["error"]["message"] == TOO_OFTEN
    retry_after = int(refused.headers["retry-after"])
    assert 0 < retry_after <= 60 / OPENS_PER_MINUTE

    # The page says why, in the server's words; it is no network trouble and no other screen.
    alert = page.get_by_role("alert").filter(has_text=TOO_OFTEN)
    expect(alert).to_be_visible()
    expect(page.get_by_role("button", name="在本窗口继续学习")).to_be_hidden()
    expect(page.locator("#player-status")).to_have_text("")
    expect(page.locator("#player")).to_have_attribute("data-state", "opening")
    screenshot(page, "refused")

    # It asks again once the server said it may, and only then: the session opens at the first try.
    with page.expect_response(is_opening, timeout=(retry_after + 5) * 1000) as retry:
        pass
    assert retry.value.status == 201
    assert answers == [201] * OPENS_PER_MINUTE + [429, 201]
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    expect(alert).to_be_hidden()

    # And the lesson counts again.
    click_to_play(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 2.5")
    with page.expect_response(lambda response: "/heartbeats" in response.url and response.ok):
        page.locator("#lesson-video").click()  # pause: the heartbeat it sends is answered
    expect(page.locator("#player")).to_have_attribute("data-queued", "0")
    played = page.locator("#lesson-video").evaluate(PLAYED_SECONDS)
    assert page.locator("#player-coverage").evaluate("bar => bar.value") == pytest.approx(played, abs=0.25)
    screenshot(page, "counting-again")
    with live_server.app.app_context():
        progress = db.session.scalar(select(LessonProgress).where(
            LessonProgress.user_id == trainee["id"], LessonProgress.lesson_id == first))
        assert progress.covered_seconds == pytest.approx(played, abs=0.25)
        events = db.session.scalars(select(IntegrityEvent.kind).where(IntegrityEvent.user_id == trainee["id"])).all()
        assert events == ["session_rate_limited"]  # the refusal is on record; nothing else
    # The browser logs the refused request (429) itself; nothing else went wrong.
    assert [text for text in console if "429" not in text] == []
