"""The studio's 测验 section: the bank shown with its answers, questions added, edited, moved
and deleted, settings saved, an XLSX checked then imported; CSRF on every form; English too."""
import io
import re

import pytest

from core.extensions import db
from courses.models import Course
from tests.conftest import sign_in_as
from tests.core.test_english import assert_english
from tests.courses.test_bank_xlsx import GOOD, row, xlsx

ORG = "知新制作中心"
DATA = (ORG, "张三", "李老师", "第1讲", "课程简介")  # the world's own words, not the app's


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def draft(make_course, producer):
    return make_course(title="Cyber security basics", status="draft", producer=producer, lessons=1)


@pytest.fixture
def page(client, producer, draft):
    sign_in_as(client, producer)
    return f"/studio/courses/{draft.id}"


def bank_of(course) -> list[tuple]:
    db.session.expire_all()
    return [(q.kind, q.stem, q.options, q.answer) for q in db.session.get(Course, course.id).questions]


def question_form(kind: str, stem: str, options: list[str], answer: list[int], explanation: str = "") -> dict:
    return {"kind": kind, "stem": stem, "option": [*options, *[""] * (8 - len(options))],
            "answer": [str(i) for i in answer], "explanation": explanation}


def test_a_producer_builds_the_bank_on_the_course_page(client, page, draft):
    html = client.get(page).get_data(as_text=True)
    assert 'id="exam"' in html and "题库中还没有题目" in html and "下载题库模板" in html
    form = question_form("single", "等级保护分为几级？", ["三级", "五级"], [1], "共五级。")
    added = client.post(f"{page}/exam/questions", data=form)
    assert added.status_code == 302 and added.location.endswith(f"{page}#exam")
    client.post(f"{page}/exam/questions", data=question_form("judge", "口令应定期更换。", [], [0]))
    assert bank_of(draft) == [("single", "等级保护分为几级？", ["三级", "五级"], [1]),
                              ("judge", "口令应定期更换。", ["正确", "错误"], [0])]
    html = client.get(page).get_data(as_text=True)
    assert re.search(r'<strong class="right-answer">五级 ✓</strong>', html) and "题库（2 道）" in html
    assert "单选题只有 1 道，少于每份试卷抽取的 5 道" in html

    ids = [q.id for q in db.session.get(Course, draft.id).questions]
    client.post(f"{page}/exam/questions/{ids[1]}/move", data={"direction": "up"})
    assert [q[1] for q in bank_of(draft)] == ["口令应定期更换。", "等级保护分为几级？"]
    client.post(f"{page}/exam/questions/{ids[0]}", data=question_form("multiple", "等级保护分为几级？",
                                                                    ["三级", "五级", "四级"], [1, 2]))
    assert bank_of(draft)[1] == ("multiple", "等级保护分为几级？", ["三级", "五级", "四级"], [1, 2])
    client.post(f"{page}/exam/questions/{ids[1]}/delete")
    assert [q[1] for q in bank_of(draft)] == ["等级保护分为几级？"]


def test_a_bad_question_is_flashed_and_nothing_changes(client, page, draft):
    response = client.post(f"{page}/exam/questions", data=question_form("single", "两个答案？", ["甲", "乙"], [0, 1]),
                           follow_redirects=True)
    assert "未保存：单选题只能有一个正确答案。" in response.get_data(as_text=True)
    assert bank_of(draft) == []
    assert client.post(f"{page}/exam/questions/999/delete").status_code == 404


def test_settings_are_saved_and_a_paper_not_of_100_is_refused(client, page, draft):
    form = {"required": "1", "pass_score": "80", "time_limit_minutes": "20", "max_attempts": "2",
            "draw_single": "10", "draw_multiple": "0", "draw_judge": "0",
            "points_single": "10", "points_multiple": "0", "points_judge": "0"}
    client.post(f"{page}/exam/settings", data=form)
    db.session.expire_all()
    exam = db.session.get(Course, draft.id).exam
    assert (exam.pass_score, exam.time_limit_minutes, exam.max_attempts, exam.draw["single"]) == (80, 20, 2, 10)
    refused = client.post(f"{page}/exam/settings", data={**form, "points_single": "9"}, follow_redirects=True)
    assert "现为 90 分" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Course, draft.id).exam.points["single"] == 10


def upload(client, page, data: bytes, action: str):
    return client.post(f"{page}/exam/import", data={"file": (io.BytesIO(data), "题库.xlsx"), "action": action},
                       content_type="multipart/form-data")


def test_an_import_shows_row_errors_in_a_table_then_imports_the_fixed_file(client, page, draft):
    bad = xlsx(GOOD[0], row("单选", "答案字母不对？", ["甲", "乙"], "C"))
    checked = upload(client, page, bad, "import")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "未导入任何题目" in html
    assert re.search(r"<td>3</td><td>答案</td><td>答案“C”不在选项之中。</td>", html)
    assert bank_of(draft) == []
    clean = xlsx(*GOOD)
    preview = upload(client, page, clean, "check").get_data(as_text=True)
    assert "文件无误，共 4 道题" in preview
    assert re.search(r"<td>多选</td><td>下列哪些属于敏感个人信息？</td>\s*<td>AB</td>", preview)
    assert bank_of(draft) == []
    done = upload(client, page, clean, "import")
    assert done.status_code == 302 and len(bank_of(draft)) == 4
    assert "不是有效的 XLSX" in upload(client, page, b"plain text", "check").get_data(as_text=True)


def test_a_course_under_review_shows_the_bank_without_forms(client, page, draft, make_course, producer):
    client.post(f"{page}/exam/questions", data=question_form("judge", "口令应定期更换。", [], [0]))
    course = make_course(status="submitted", producer=producer, lessons=1)
    html = client.get(f"/studio/courses/{course.id}").get_data(as_text=True)
    assert 'id="exam"' in html and "exam/questions" not in html
    refused = client.post(f"/studio/courses/{course.id}/exam/questions",
                          data=question_form("judge", "审核中加题？", [], [0]), follow_redirects=True)
    assert "审核中" in refused.get_data(as_text=True) and bank_of(course) == []


def test_another_organisation_gets_404(client, draft, make_user):
    sign_in_as(client, make_user("producer", organisation="别家公司"))
    assert client.post(f"/studio/courses/{draft.id}/exam/settings", data={}).status_code == 404


def test_the_section_and_the_import_report_read_in_english(client, page, draft):
    client.set_cookie("lang", "en")
    client.post(f"{page}/exam/questions", data=question_form("judge", "Passwords expire.", [], [0]))
    text = assert_english(client.get(page), "Cyber security basics", "Passwords expire.", "正确", "错误", *DATA)
    for words in ("Test", "Question bank", "Download the question bank template (XLSX)", "Add a question"):
        assert words in text
    report = upload(client, page, xlsx(row("单选", "", ["a", "b"], "A")), "check")
    text = assert_english(report, "Cyber security basics", "题干", "题库.xlsx", "张三")
    assert "Row" in text and "Enter the question." in text
    clean = upload(client, page, xlsx(row("判断", "Backups are tested.", [], "A")), "check")
    assert "Questions to import" in assert_english(clean, "Cyber security basics", "Backups are tested.", "题库.xlsx",
                                                   "张三")


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_form_of_the_section_carries_the_token_and_a_post_without_it_is_refused(self, client, page,
                                                                                          draft):
        html = client.get(page).get_data(as_text=True)
        section = html[html.index('id="exam"'):]
        forms = re.findall(r"<form method=\"post\".*?</form>", section, flags=re.S)
        assert len(forms) >= 3 and all('name="csrf_token"' in form for form in forms)
        refused = client.post(f"{page}/exam/questions", data=question_form("judge", "无令牌？", [], [0]))
        assert refused.status_code == 400 and bank_of(draft) == []


def test_the_reviewer_sees_the_bank_and_settings_next_to_the_lessons(client, page, draft, make_user):
    client.post(f"{page}/exam/questions", data=question_form("single", "等级保护分为几级？", ["三级", "五级"], [1],
                                                               "共五级。"))
    client.post(f"{page}/exam/settings", data={"required": "1", "pass_score": "80", "time_limit_minutes": "20",
                                               "max_attempts": "2", "draw_single": "1", "draw_multiple": "0",
                                               "draw_judge": "0", "points_single": "100", "points_multiple": "0",
                                               "points_judge": "0"})
    assert client.post(f"{page}/submit").status_code == 302
    sign_in_as(client, make_user("reviewer"))
    html = client.get(f"/review/courses/{draft.id}").get_data(as_text=True)
    assert html.index("第1讲") < html.index('id="exam"')
    assert '<strong class="right-answer">五级 ✓</strong>' in html and "共五级。" in html
    assert "及格分 80 / 100 · 考试时长 20 分钟 · 每年度可考 2 次 · 每卷 1 题、100 分" in html
    assert "exam/questions" not in html  # no forms for the reviewer
