"""A trainee watches a short course whose test is required, takes the test in the browser,
reloads mid-test and finds the answers kept, fails once without seeing the right answers,
passes on the second attempt and finds the hours credited and the score on the record and
the certificate (docs/rules.md rules 7 and 13).

The seeded course is two 6-second lectures worth 2.0 学时 (0.1 minutes to the 学时); its
bank is tests/learning/exam_world.py's, a paper of four questions (2 单选, 1 多选, 1 判断).
"""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from core.extensions import db
from courses.models import Course
from learning.models import CreditRecord, ExamAttempt
from tests.e2e.conftest import errors_of, sign_in
from tests.e2e.test_watch_journey import download_pdf, issue_course_certificate, watch_to_the_end
from tests.learning.exam_world import add_bank

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2, "CREDIT_MINUTES_PER_HOUR": 0.1}


def open_paper(live_server, trainee) -> list[dict]:
    """The paper of the trainee's running attempt, as the server drew it (with its answers)."""
    with live_server.app.app_context():
        attempt = db.session.scalar(select(ExamAttempt).where(
            ExamAttempt.user_id == trainee["id"], ExamAttempt.submitted_at.is_(None)))
        return attempt.paper


def wrong(question: dict) -> list[int]:
    return [next(i for i in range(len(question["options"])) if [i] != question["answer"])]


def choose(page, question: dict, indices: list[int]) -> None:
    """Tick ``indices`` of ``question`` and wait until the page says the answer is saved."""
    for index in indices:
        page.locator(f'fieldset[data-question-id="{question["id"]}"] input[value="{index}"]').check()
    expect(page.locator("#exam-status")).to_have_text("答案已保存")


def credits(live_server, trainee) -> list[tuple]:
    with live_server.app.app_context():
        return [(row.basis, row.hours_tenths) for row in db.session.scalars(
            select(CreditRecord).where(CreditRecord.user_id == trainee["id"]))]


def test_trainee_watches_fails_once_passes_and_is_credited_with_the_score(page, live_server, seeded_course,
                                                                           trainee, screenshot):
    with live_server.app.app_context():
        add_bank(db.session.get(Course, seeded_course["id"]))
    console = errors_of(page)
    sign_in(page, trainee)
    course, exam = f"/courses/{seeded_course['id']}", f"/courses/{seeded_course['id']}/exam"

    page.goto(course)
    expect(page.get_by_text("本课程需学完全部讲次并通过课后测验，方可获得学时。")).to_be_visible()
    page.get_by_role("link", name="开始学习").click()
    watch_to_the_end(page)
    page.goto(exam)
    expect(page.locator("#exam-locked")).to_contain_text("已完成 1 / 2 讲")
    expect(page.get_by_role("button", name="开始测验")).to_have_count(0)

    page.goto(f"/lessons/{seeded_course['lesson_ids'][1]}")
    watch_to_the_end(page)
    expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    expect(page.locator("#player-course")).to_contain_text("各讲已全部学完：通过课后测验后记入")
    assert credits(live_server, trainee) == []  # watched, not yet passed: no hours

    page.goto(course)
    page.get_by_role("link", name="课后测验").click()
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator("#exam")).to_have_attribute("data-state", "running")
    expect(page.locator("fieldset.exam-question")).to_have_count(4)
    expect(page.locator("#exam-timer")).to_have_text(re.compile(r"^(30:00|29:[0-5]\d)$"))
    paper = open_paper(live_server, trainee)
    choose(page, paper[0], wrong(paper[0]))
    choose(page, paper[2], wrong(paper[2]))
    expect(page.locator("#exam-answered")).to_have_text("已答 2 / 4 题")
    screenshot(page, "first-attempt-half-answered")

    page.reload()  # the same attempt, its answers and its clock
    expect(page.locator("#exam-answered")).to_have_text("已答 2 / 4 题")
    for question in (paper[0], paper[2]):
        picked = page.locator(f'fieldset[data-question-id="{question["id"]}"] input:checked')
        expect(picked).to_have_count(1)
        expect(picked).to_have_value(str(wrong(question)[0]))
    choose(page, paper[1], wrong(paper[1]))
    choose(page, paper[3], wrong(paper[3]))
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#exam-verdict")).to_have_text("未通过测验")
    expect(page.locator("#exam-score")).to_contain_text("得分：0 分")
    expect(page.locator("#exam-left")).to_have_text("本年度剩余次数：2")
    expect(page.locator("#exam-no-review")).to_be_visible()
    expect(page.locator("#exam-review li")).to_have_count(0)  # no right answers after a fail
    assert "正确答案：" not in page.content() and "解析：" not in page.content()
    screenshot(page, "failed-no-review")

    page.get_by_role("button", name="再考一次").click()
    expect(page.locator("#exam")).to_have_attribute("data-state", "running")
    expect(page.locator("fieldset.exam-question")).to_have_count(4)
    for question in open_paper(live_server, trainee):
        choose(page, question, question["answer"])
    expect(page.locator("#exam-answered")).to_have_text("已答 4 / 4 题")
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#exam-verdict")).to_have_text("恭喜，测验通过")
    expect(page.locator("#exam-score")).to_contain_text("得分：100 分")
    expect(page.locator("#exam-review li")).to_have_count(4)
    expect(page.locator("#exam-review")).to_contain_text("解析：")
    expect(page.get_by_role("button", name="再考一次")).to_be_hidden()
    expect(page.locator("#exam-timer")).to_be_hidden()
    screenshot(page, "passed-with-review")
    assert credits(live_server, trainee) == [("completion", 20)]

    page.get_by_role("link", name="查看我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("2.0")
    row = page.locator(".credit-table tbody tr")
    expect(row.locator(".hours")).to_have_text("2.0")
    expect(row.locator(".exam-score")).to_have_text("100 分")

    page.get_by_role("link", name="学时证明", exact=True).click()
    row, number = issue_course_certificate(page, seeded_course["title"])
    expect(row).to_contain_text("测验 100 分")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(download_pdf(page, row))).pages)
    assert number in text and "100" in text
    screenshot(page, "certificate-with-score")
    assert console == []
