"""A trainee watches a whole course in the browser, is credited exactly what was played, and
gets a 学时证明 for it that anyone can verify.

The seeded course is two 6-second lectures; with 0.1 minutes to the 学时 it is worth
floor(10 × 12 s / 6 s) / 10 = 2.0 学时 (the same config builds the course and credits it).
Heartbeats come every 2 seconds so that short clips send several.
"""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from courses.models import Course, Lesson
from learning.models import Certificate, CreditRecord, IntegrityEvent, LessonProgress, WatchSession
from tests.e2e.conftest import PLAYED_SECONDS, click_to_play, errors_of, sign_in

pytestmark = pytest.mark.e2e

ELSEWHERE = "您已在其他窗口或设备上播放课程，本窗口已停止计时"


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2, "CREDIT_MINUTES_PER_HOUR": 0.1}


def watch_to_the_end(page) -> float:
    """Play the lesson on the page from where it is to its end at 1×; the seconds the browser played."""
    click_to_play(page)
    page.wait_for_function("() => document.querySelector('video').ended", timeout=60_000)
    return page.locator("#lesson-video").evaluate(PLAYED_SECONDS)


def issue_course_certificate(page, title: str):
    """On 学时证明, issue the certificate of course ``title``: its row on the page, and its number."""
    row = page.locator(".certificate-table tbody tr").filter(has_text=f"课程学时证明：《{title}》")
    expect(row.locator(".hours")).to_have_text("2.0")
    expect(row).to_contain_text("未开具")
    row.get_by_role("button", name="开具证明").click()
    expect(page.get_by_text(re.compile(r"已开具学时证明，编号 GX\d{4}-330106-\d+"))).to_be_visible()
    number = row.locator(".masked").inner_text()
    expect(page.get_by_text(f"已开具学时证明，编号 {number}。")).to_be_visible()
    return row, number


def download_pdf(page, row) -> bytes:
    """The certificate's PDF as the 下载 PDF link serves it to the signed-in trainee."""
    response = page.request.get(row.get_by_role("link", name="下载 PDF").get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return response.body()


def test_trainee_watches_a_course_and_is_credited_what_was_played(page, live_server, seeded_course, trainee,
                                                                   screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    page.goto(f"/courses/{seeded_course['id']}")
    page.get_by_role("link", name="开始学习").click()
    expect(page.get_by_role("heading", name=seeded_course["first_lesson"])).to_be_visible()
    expect(page.locator("#player-course")).to_have_text("本课程 2.0 学时，学完全部讲次后记入")
    screenshot(page, "lesson-opened")

    played = [watch_to_the_end(page)]
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    assert page.locator("#player-coverage").evaluate("bar => bar.value / bar.max") >= 0.95
    screenshot(page, "first-lesson-complete")

    page.get_by_role("link", name="下一讲：平台经济的规则").click()
    played.append(watch_to_the_end(page))
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    expect(page.locator("#player-course")).to_have_text("课程已完成，已获 2.0 学时")
    screenshot(page, "course-complete")

    with live_server.app.app_context():
        user_id, course_id = trainee["id"], seeded_course["id"]
        rows = db.session.execute(
            select(LessonProgress, Lesson).join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.user_id == user_id).order_by(Lesson.position)).all()
        assert [lesson.id for _progress, lesson in rows] == seeded_course["lesson_ids"]
        for (progress, lesson), seconds in zip(rows, played, strict=True):
            # The server credited what the browser says it played, up to the probed duration.
            assert progress.covered_seconds == pytest.approx(min(seconds, lesson.duration_seconds), abs=0.25)
            assert progress.completed_at is not None
        sessions = db.session.scalars(select(WatchSession).where(WatchSession.user_id == user_id)).all()
        assert sum(s.played_seconds for s in sessions) == pytest.approx(
            sum(p.covered_seconds for p, _lesson in rows), abs=0.05)  # nothing was counted twice
        credits = db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user_id)).all()
        course = db.session.get(Course, course_id)
        assert [(c.course_id, c.basis, c.hours_tenths) for c in credits] == [(course_id, "completion", 20)]
        assert course.credit_tenths == 20
        # An honest player never trips a rule.
        assert db.session.scalars(select(IntegrityEvent.kind).where(IntegrityEvent.user_id == user_id)).all() == []

    # Back on a lesson, the course line is right before any heartbeat: the session's reply says so.
    page.goto(f"/lessons/{seeded_course['lesson_ids'][0]}")
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    expect(page.locator("#player-course")).to_have_text("课程已完成，已获 2.0 学时")

    page.goto("/me/learning")
    expect(page.locator(".credited-total")).to_have_text("2.0")
    row = page.locator(".credit-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(seeded_course["title"])
    expect(row.locator(".hours")).to_have_text("2.0")
    screenshot(page, "my-learning")

    page.get_by_role("link", name="学时证明", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/certificates$"))
    row, number = issue_course_certificate(page, seeded_course["title"])
    screenshot(page, "certificate-issued")
    with live_server.app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))
        assert (certificate.number, certificate.kind, certificate.course_id, certificate.hours_tenths,
                certificate.status) == (number, "course", course_id, 20, "valid")
        masked_id = db.session.get(User, user_id).masked_id_number

    pdf = download_pdf(page, row)
    assert pdf.startswith(b"%PDF-")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf)).pages)
    assert number in text and seeded_course["title"] in text

    row.get_by_role("link", name="核验页面").click()
    expect(page).to_have_url(re.compile(rf"/verify/{re.escape(number)}$"))
    main = page.get_by_role("main")
    expect(main.locator(".verify-status")).to_have_text(re.compile(r"^\s*有效："))
    expect(main.locator("dt:text-is('持证人') + dd")).to_have_text(f"王*习（{masked_id}）")
    expect(main.locator("dt:text-is('学时') + dd")).to_have_text("2.0")
    expect(main.locator(".credit-table tbody tr")).to_have_text(re.compile(
        rf"{re.escape(seeded_course['title'])}\s*数字技术\s*2\.0"))
    expect(main).not_to_contain_text(trainee["name"])  # the holder's name is masked
    screenshot(page, "verified")
    assert console == []


def test_a_second_tab_stops_the_first(page, live_server, seeded_course, trainee, screenshot):
    console = errors_of(page)
    sign_in(page, trainee)
    first, second_lesson = seeded_course["lesson_ids"]
    page.goto(f"/lessons/{first}")
    click_to_play(page)
    page.wait_for_function("() => document.querySelector('video').currentTime > 1")

    other = page.context.new_page()
    other_console = errors_of(other)
    other.goto(f"/lessons/{second_lesson}")
    expect(other.locator("#player")).to_have_attribute("data-state", "active")

    page.bring_to_front()
    alert = page.get_by_role("alert").filter(has_text=ELSEWHERE)
    expect(alert).to_be_visible()
    expect(page.locator("#player")).to_have_attribute("data-state", "stopped")
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    screenshot(page, "stopped")

    # A stopped window stays stopped and sends nothing more.
    beats: list[str] = []
    page.on("request", lambda request: beats.append(request.url) if "/heartbeats" in request.url else None)
    page.locator("#lesson-video").evaluate("v => v.play().catch(() => {})")
    page.wait_for_timeout(2500)  # longer than the heartbeat interval
    assert page.locator("#lesson-video").evaluate("v => v.paused")
    assert beats == []

    # "Continue here" takes the lesson back: this window counts again.
    page.get_by_role("button", name="在本窗口继续学习").click()
    expect(page.locator("#player")).to_have_attribute("data-state", "active")
    expect(alert).to_be_hidden()
    with live_server.app.app_context():
        open_sessions = db.session.scalars(select(WatchSession.lesson_id).where(
            WatchSession.user_id == trainee["id"], WatchSession.open.is_(True))).all()
        assert open_sessions == [first]
    # The browser logs the refused heartbeat (409) itself; nothing else went wrong.
    assert [text for text in console if "409" not in text] == []
    assert other_console == []
