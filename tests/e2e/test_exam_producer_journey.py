"""The course test from the producer's side to the bureau's (issue 13, docs/rules.md rule 13).

A producer on the studio course page downloads the XLSX template, fills it (one row's answer
is a letter that is not among its options), checks it and reads that row's error with
nothing imported, fixes the file and imports it, and sets the exam (the paper adds up to
100); submits. A reviewer sees the bank with the right answers marked and approves. A
trainee watches the course's two short lessons, passes the test, and a Hangzhou officer
finds the score (测验成绩) in the trainee's row of the Excel export.

The draft course is seeded with two 6-second lectures (the upload itself is
test_producer_journey.py's), so that the trainee finishes it in seconds at 0.1 minutes to
the 学时.
"""
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course, Lesson
from courses.rules import credit_tenths
from learning.rules import credit_year
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import add_trainee, ready_video, sign_in
from tests.e2e.test_journey_bureau import download, read_xlsx, sign_out
from tests.e2e.test_watch_journey import watch_to_the_end

pytestmark = pytest.mark.e2e

TITLE = "数据安全法规要点"
HEADERS = ("题型", "题干", *(f"选项{letter}" for letter in "ABCDEFGH"), "答案", "解析")
# kind, stem, options, answer letters, explanation. Option texts are unique across the bank:
# the trainee picks them by their text (the paper shuffles the options).
QUESTIONS = [
    ("单选", "《数据安全法》自何时起施行？", ["2021年9月1日", "2020年1月1日", "2023年5月1日"], "A",
     "该法于2021年6月10日通过，自2021年9月1日起施行。"),
    ("单选", "国家对数据实行哪种保护制度？", ["统一备案", "分类分级", "一律公开"], "B", ""),
    ("单选", "个人信息处理应当遵循哪项原则？", ["最小必要", "尽量多收", "长期保存"], "A", ""),
    ("多选", "下列哪些属于数据处理活动？", ["收集", "加工", "跑步", "传输"], "ABD", "跑步不是数据处理。"),
    ("多选", "数据处理者的安全义务包括哪些？", ["风险监测", "应急处置", "随意出售"], "AB", ""),
    ("判断", "重要数据的处理者应当明确数据安全负责人。", [], "A", ""),
]
BAD_ROW = 3  # the second question: its answer is a letter past its three options
SETTINGS = {"pass_score": "60", "time_limit_minutes": "15", "max_attempts": "3",
            "draw_single": "2", "points_single": "30", "draw_multiple": "1", "points_multiple": "20",
            "draw_judge": "1", "points_judge": "20"}


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2, "CREDIT_MINUTES_PER_HOUR": 0.1}


def _person(role: str, name: str, phone: str, region: str, organisation: str | None = None) -> dict:
    user = User(role=role, real_name=name, id_number=make_id_number(region), phone=phone, employer="知新制作中心",
                organisation=organisation, region_code=region, password_hash=_FAST_HASH)
    db.session.add(user)
    return {"phone": phone, "name": name, "user": user}


def make_world(app, lecture_clip: Path) -> dict:
    """A producer's draft course of two ready lessons, a reviewer, a Hangzhou trainee and officer."""
    with app.app_context():
        producer = _person("producer", "李华", "13700000051", "110105", "知新制作中心")
        reviewer = _person("reviewer", "周审", "13700000052", "110105")
        officer = _person("bureau", "杭州人社", "13700000053", "330100")
        course = Course(title=TITLE, summary="数据分类分级、个人信息保护与安全义务。", instructor="李老师",
                        category=ensure_categories()["digital"], producer=producer["user"],
                        organisation="知新制作中心", status="draft", catalogue_year=credit_year(utcnow()))
        for position, title in enumerate(("数据分类分级", "个人信息保护"), start=1):
            course.lessons.append(Lesson(position=position, title=title,
                                         video=ready_video(producer["user"], lecture_clip)))
        course.credit_tenths = credit_tenths(sum(lesson.duration_seconds for lesson in course.lessons),
                                             app.config["CREDIT_MINUTES_PER_HOUR"])
        db.session.add(course)
        db.session.commit()
        people = {role: {k: v for k, v in person.items() if k != "user"}
                  for role, person in (("producer", producer), ("reviewer", reviewer), ("officer", officer))}
        world = {"course": course.id, "lessons": [lesson.id for lesson in course.lessons], **people}
    world["trainee"] = add_trainee(app, phone="13900000054")
    return world


@pytest.fixture
def world(live_server, lecture_clip) -> dict:
    return make_world(live_server.app, lecture_clip)


def filled_bank(template: Path, bad_answer: str | None) -> bytes:
    """The downloaded template with QUESTIONS; ``bad_answer`` replaces BAD_ROW's answer."""
    book = openpyxl.load_workbook(template)
    sheet = book["题库"]
    for kind, stem, options, answer, explanation in QUESTIONS:
        sheet.append([kind, stem, *options, *[None] * (8 - len(options)), answer, explanation])
    if bad_answer:
        sheet.cell(row=BAD_ROW, column=len(HEADERS) - 1, value=bad_answer)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def choose_file(page, name: str, data: bytes) -> None:
    page.get_by_label("按模板填写的 XLSX 文件（不超过 2 MB、1000 道题）").set_input_files(
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "buffer": data})


def download_template(page, tmp_path: Path) -> Path:
    """The template link gives a real XLSX whose first sheet is the header row, and nothing else."""
    with page.expect_download() as info:
        page.get_by_role("link", name="下载题库模板（XLSX）").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx" and path.read_bytes()[:2] == b"PK"
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        assert book.sheetnames[0] == "题库"
        assert [tuple(row) for row in book["题库"].iter_rows(values_only=True)] == [HEADERS]
    finally:
        book.close()
    return path


def import_with_one_bad_row(page, template: Path, screenshot) -> None:
    """Checking a file with one wrong row lists that row's error, in Chinese, and imports nothing."""
    choose_file(page, "题库.xlsx", filled_bank(template, bad_answer="D"))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_role("heading", name="导入题库")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("共读取 6 道题，发现 1 处错误，未导入任何题目。请修改后重新上传。")
    rows = page.locator(".import-errors tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td")).to_have_text([str(BAD_ROW), "答案", "答案“D”不在选项之中。"])
    screenshot(page, "import-row-error")
    page.get_by_role("button", name="检查并导入").click()  # the form is there again; the file is still wrong
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="返回课程").click()
    expect(page.get_by_role("heading", name="题库（0 道）")).to_be_visible()


def import_the_fixed_file(page, template: Path, screenshot) -> None:
    choose_file(page, "题库.xlsx", filled_bank(template, bad_answer=None))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator(".notice")).to_have_text("文件无误，共 6 道题。再次选择该文件并点击“检查并导入”即可导入。")
    expect(page.locator(".import-preview tbody tr")).to_have_count(6)
    choose_file(page, "题库.xlsx", filled_bank(template, bad_answer=None))
    page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_text("已导入 6 道题。")).to_be_visible()
    expect(page.get_by_role("heading", name="题库（6 道）")).to_be_visible()
    bank = page.locator(".question-bank > li")
    expect(bank).to_have_count(6)
    expect(bank.nth(3).locator(".right-answer")).to_have_text(["收集 ✓", "加工 ✓", "传输 ✓"])


def set_the_exam(page, screenshot) -> None:
    """Defaults draw more questions than the bank holds; a paper adding to 100 from 6 questions is saved."""
    section = page.locator("#exam")
    section.locator("summary", has_text="测验设置").click()
    page.get_by_label("及格分（1 到 100）").fill(SETTINGS["pass_score"])
    page.get_by_label("考试时长（分钟，1 到 300）").fill(SETTINGS["time_limit_minutes"])
    page.get_by_label("每年度考试次数（1 到 10）").fill(SETTINGS["max_attempts"])
    for kind, label in (("single", "单选"), ("multiple", "多选"), ("judge", "判断")):
        page.get_by_label(f"{label}题每卷抽题").fill(SETTINGS[f"draw_{kind}"])
        page.get_by_label(f"{label}题每题分值").fill(SETTINGS[f"points_{kind}"])
    page.get_by_role("button", name="保存测验设置").click()
    expect(page.get_by_text("测验设置已保存。")).to_be_visible()
    expect(section).to_contain_text("及格分 60 / 100 · 考试时长 15 分钟 · 每年度可考 3 次 · 每卷 4 题、100 分")
    expect(section.locator(".form-error")).to_have_count(0)
    screenshot(page, "studio-bank-and-settings")


def produce(page, world: dict, tmp_path: Path, screenshot) -> None:
    sign_in(page, world["producer"])
    page.goto(f"/studio/courses/{world['course']}")
    expect(page.get_by_role("heading", name="题库（0 道）")).to_be_visible()
    template = download_template(page, tmp_path)
    import_with_one_bad_row(page, template, screenshot)
    import_the_fixed_file(page, template, screenshot)
    set_the_exam(page, screenshot)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核，审核结果会显示在这里。")).to_be_visible()
    sign_out(page)


def review(page, world: dict, screenshot) -> None:
    """The reviewer reads the bank, the right answers marked, and approves."""
    sign_in(page, world["reviewer"])
    page.goto("/review")
    page.get_by_role("link", name=TITLE).click()
    section = page.locator("#exam")
    expect(section.get_by_role("heading", name="题库（6 道）")).to_be_visible()
    expect(section.locator(".question-bank > li")).to_have_count(6)
    expect(section.locator(".right-answer")).to_have_count(1 + 1 + 1 + 3 + 2 + 1)
    expect(section.locator(".question-bank > li").first.locator(".right-answer")).to_have_text("2021年9月1日 ✓")
    expect(section.get_by_role("button")).to_have_count(0)  # nothing to edit here
    screenshot(page, "review-bank")
    page.get_by_role("button", name="通过并发布").click()
    expect(page.get_by_text(f"已通过：《{TITLE}》已发布到")).to_be_visible()
    sign_out(page)


def take_the_course(page, world: dict, screenshot) -> None:
    """The trainee watches both lessons, then answers every question right."""
    sign_in(page, world["trainee"])
    for lesson in world["lessons"]:
        page.goto(f"/lessons/{lesson}")
        watch_to_the_end(page)
        expect(page.locator("#player-coverage-text")).to_contain_text("本讲已完成")
    page.goto(f"/courses/{world['course']}")
    page.get_by_role("link", name="课后测验").click()
    page.get_by_role("button", name="开始测验").click()
    questions = page.locator("fieldset.exam-question")
    expect(questions).to_have_count(4)
    answers = {stem: [options[ord(letter) - 65] if options else ("正确", "错误")[ord(letter) - 65]
                      for letter in letters] for _kind, stem, options, letters, _e in QUESTIONS}
    for n in range(4):
        question = questions.nth(n)
        stem = next(stem for stem in answers if stem in question.locator("legend").inner_text())
        for text in answers[stem]:
            question.locator("label.exam-option", has_text=text).locator("input").check()
            expect(page.locator("#exam-status")).to_have_text("答案已保存")
    expect(page.locator("#exam-answered")).to_have_text("已答 4 / 4 题")
    screenshot(page, "trainee-paper")
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#exam-verdict")).to_have_text("恭喜，测验通过")
    expect(page.locator("#exam-score")).to_contain_text("得分：100 分")
    screenshot(page, "trainee-passed")
    sign_out(page)


def bureau_sees_the_score(page, world: dict, tmp_path: Path) -> None:
    sign_in(page, world["officer"])
    page.get_by_role("banner").get_by_role("link", name="人社统计").click()
    page.get_by_role("navigation", name="人社部门").get_by_role("link", name="学时记录").click()
    header, *rows = read_xlsx(download(page, "导出 Excel", tmp_path, "xlsx"))
    mine = [row for row in rows if row[header.index("姓名")] == world["trainee"]["name"]
            and row[header.index("课程")] == TITLE]
    assert len(mine) == 1
    assert mine[0][header.index("测验成绩")] == 100
    assert mine[0][header.index("测验次数")] == 1
    assert mine[0][header.index("测验通过时间")]


@pytest.mark.slow
def test_a_bank_imported_from_excel_is_reviewed_passed_and_exported(page, world, tmp_path, screenshot):
    produce(page, world, tmp_path, screenshot)
    review(page, world, screenshot)
    take_the_course(page, world, screenshot)
    bureau_sees_the_score(page, world, tmp_path)
