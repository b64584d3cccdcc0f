"""The world `make run` seeds: a demo trainee logs in, a demo lesson plays to its end, and
finishing one short course and passing its test brings the year to the requirement and its
达标 certificate."""
import re

import pytest
from playwright.sync_api import expect

from demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from demo.questions import BANKS
from tests.e2e.conftest import click_to_play

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_overrides() -> dict:
    # The seed's clips last 2 seconds (--quick): 6 seconds to the 学时 make each worth 0.3,
    # so the demo's year of study is what it is with real lectures. The player reports every 2 s.
    return {"CREDIT_MINUTES_PER_HOUR": 0.1, "HEARTBEAT_SECONDS": 2}


def sign_in_as_the_demo_trainee(page) -> None:
    trainee = next(a for a in DEMO_ACCOUNTS if a.role == "trainee")
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(trainee.phone)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(f"登录成功，欢迎您，{trainee.real_name}。")).to_be_visible()


def test_demo_trainee_logs_in_and_plays_a_demo_lesson(page, demo_world, screenshot):
    sign_in_as_the_demo_trainee(page)
    page.goto("/catalogue")
    page.get_by_role("link", name="数字技术").click()
    page.locator(".course-card h3 a").first.click()
    page.get_by_role("link", name="开始学习").click()

    click_to_play(page)
    # A 2-second clip; the time allowed is for a machine under load, not for the clip.
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return v.ended && v.currentTime > 1.5; }", timeout=60_000)
    assert page.locator("#lesson-video").evaluate("v => !v.error && v.videoWidth > 0")
    screenshot(page, "demo-lesson-ended")


def test_one_short_course_brings_the_demo_trainee_to_the_requirement(page, demo_world, screenshot):
    closer = re.search(r"学完《(.+?)》", demo_world).group(1)
    sign_in_as_the_demo_trainee(page)
    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("29.7")
    expect(page.locator(".year-total")).to_contain_text("还需 0.3 学时")
    expect(page.locator(".year-filter a")).to_have_count(2)  # last year is on record too
    screenshot(page, "demo-year-short")

    page.goto("/search?q=" + closer)
    page.get_by_role("link", name=closer).first.click()
    page.get_by_role("link", name="开始学习").click()
    click_to_play(page)
    expect(page.locator("#player-course")).to_contain_text("各讲已全部学完：通过课后测验后记入 0.3 学时",
                                                            timeout=60_000)
    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("29.7")  # the lessons alone: the test is still to pass

    page.goto("/search?q=" + closer)
    page.get_by_role("link", name=closer).first.click()
    page.get_by_role("link", name="课后测验").click()
    page.get_by_role("button", name="开始测验").click()
    expect(page.locator("#exam")).to_have_attribute("data-state", "running")
    answer_as_a_reader_of_the_lessons(page, closer)
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#exam-verdict")).to_have_text("恭喜，测验通过")
    expect(page.locator("#exam-score")).to_contain_text("得分：100 分")
    screenshot(page, "demo-test-passed")

    page.get_by_role("banner").get_by_role("link", name="我的学习").click()
    expect(page.locator(".credited-total")).to_have_text("30.0")
    expect(page.locator(".year-total .badge")).to_have_text("已达标")
    page.get_by_role("link", name="学时证明", exact=True).click()
    year_row = page.locator(".certificate-table tbody tr").filter(has_text=re.compile(r"\d{4} 年度学时证明")).first
    expect(year_row.locator(".badge")).to_have_text("达标")
    expect(year_row.locator(".hours")).to_have_text("30.0")
    screenshot(page, "demo-year-met")


def answer_as_a_reader_of_the_lessons(page, title: str) -> None:
    """Tick, on each question of the paper, the options the demo bank gives as right (the
    paper lists them in its own order), and wait until the page has saved the answers."""
    questions = {question.stem: question for question in BANKS[title]}
    sets = page.locator("fieldset.exam-question")
    expect(sets).to_have_count(10)
    for n in range(sets.count()):
        fieldset = sets.nth(n)
        legend = fieldset.locator("legend").inner_text()
        question = next(q for stem, q in questions.items() if legend.endswith(stem))
        right = {question.options[i] for i in question.answer} if question.options else \
            {("正确", "错误")[question.answer[0]]}
        labels = fieldset.locator("label.exam-option")
        for k in range(labels.count()):
            if labels.nth(k).inner_text().strip().split(". ", 1)[1] in right:
                labels.nth(k).locator("input").check()
    expect(page.locator("#exam-answered")).to_have_text("已答 10 / 10 题")
    expect(page.locator("#exam-status")).to_have_text("答案已保存")
