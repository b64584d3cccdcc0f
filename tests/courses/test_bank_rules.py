"""A question and a course's exam settings as plain rules (docs/rules.md rule 13), no app."""
import pytest

from courses.models import Course, ExamSettings, Question
from courses.rules import EXAM_DEFAULTS
from courses.studio.bank_rules import (
    BankError,
    clean_question,
    clean_settings,
    copy_bank,
    paper_problem,
    replace_bank,
    settings_values,
)

SINGLE = {"kind": "single", "stem": "《数据安全法》自何时起施行？",
          "options": ["2021年9月1日", "2020年1月1日", "2022年3月1日"], "answer": [0], "explanation": "第五十五条。"}


def refused(values, other_stems=()) -> BankError:
    with pytest.raises(BankError) as caught:
        clean_question(values, other_stems)
    return caught.value


def test_a_good_question_is_kept_with_its_text_trimmed_and_answers_sorted():
    cleaned = clean_question({**SINGLE, "stem": "  " + SINGLE["stem"] + " "})
    assert cleaned == {**SINGLE}
    multiple = clean_question({"kind": "multiple", "stem": "哪些属于个人信息？",
                               "options": ["姓名", "身份证号", "天气"], "answer": [1, 0]})
    assert multiple["answer"] == [0, 1] and multiple["explanation"] == ""


def test_a_judge_question_takes_right_and_wrong_as_its_options_and_nothing_else():
    judge = clean_question({"kind": "judge", "stem": "数据分类分级是法定要求。", "answer": [0]})
    assert judge["options"] == ["正确", "错误"]
    error = refused({"kind": "judge", "stem": "数据分类分级是法定要求。", "options": ["对", "错"], "answer": [0]})
    assert error.field == "options" and "正确" in str(error)


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"kind": "essay"}, "kind", "题型"),
    ({"stem": "   "}, "stem", "题干"),
    ({"options": ["只有一个"]}, "options", "2 到 8"),
    ({"options": [f"选项{n}" for n in range(9)]}, "options", "2 到 8"),
    ({"options": ["甲", ""]}, "options", "不能为空"),
    ({"options": ["甲", "甲"]}, "options", "重复"),
    ({"answer": [3]}, "answer", "不在选项"),
    ({"answer": [-1]}, "answer", "不在选项"),
    ({"answer": [0, 1]}, "answer", "只能有一个"),
    ({"answer": []}, "answer", "请选择"),
    ({"answer": "A"}, "answer", "序号"),
    ({"answer": [True]}, "answer", "序号"),
    ({"kind": "multiple", "answer": [1]}, "answer", "至少要有两个"),
])
def test_a_bad_question_is_refused_naming_the_field(change, field, words):
    error = refused({**SINGLE, **change})
    assert (error.field, error.code) == (field, "invalid_question") and words in str(error)


def test_the_same_stem_twice_is_refused_even_spaced_differently():
    error = refused(SINGLE, ["《数据安全法》 自何时起施行？"])
    assert (error.field, error.code) == ("stem", "duplicate_question")


def defaults():
    return settings_values(None)


def test_settings_default_to_a_paper_of_100_and_take_what_is_sent_over_them():
    assert defaults() == EXAM_DEFAULTS
    cleaned = clean_settings({"pass_score": 80, "draw": {"single": 10, "multiple": 0, "judge": 0}}, defaults())
    assert cleaned["pass_score"] == 80 and cleaned["draw"] == {"single": 10, "multiple": 0, "judge": 0}
    assert cleaned["time_limit_minutes"] == 30 and cleaned["points"] == EXAM_DEFAULTS["points"]


@pytest.mark.parametrize("values", [
    {"pass_score": 0}, {"pass_score": 101}, {"time_limit_minutes": 301}, {"time_limit_minutes": 0},
    {"max_attempts": 11}, {"max_attempts": "三"}, {"required": "yes"},
    {"draw": {"single": -1}}, {"draw": {"essay": 1}}, {"points": {"judge": 101}}, {"draw": [5, 3, 2]},
    {"points": {"single": 9}},
])
def test_settings_out_of_bounds_or_a_paper_not_of_100_points_are_refused(values):
    with pytest.raises(BankError) as caught:
        clean_settings(values, defaults())
    assert caught.value.code == "invalid_exam" and str(caught.value)


def test_the_message_says_what_the_paper_adds_up_to():
    with pytest.raises(BankError, match="现为 95 分"):
        clean_settings({"points": {"single": 9}}, defaults())


def bank(kinds: str) -> list[Question]:
    names = {"s": "single", "m": "multiple", "j": "judge"}
    return [Question(kind=names[k], stem=f"题目{n}", options=["甲", "乙", "丙"], answer=[0, 1] if k == "m" else [0],
                     explanation="", position=n) for n, k in enumerate(kinds, start=1)]


def test_a_required_test_needs_as_many_questions_of_each_kind_as_a_paper_draws():
    course = Course(questions=bank("sssssmmjj"))
    assert "多选题只有 2 道" in paper_problem(course)
    course.questions.append(bank("m")[0])
    assert paper_problem(course) is None
    assert paper_problem(Course(questions=[])) is None  # an empty bank: no test
    course = Course(questions=bank("s"), exam=ExamSettings(required=False, **{
        k: v for k, v in EXAM_DEFAULTS.items() if k != "required"}))
    assert paper_problem(course) is None


def test_a_revision_gets_a_copy_and_its_approval_replaces_the_bank_keeping_ids_of_unchanged_stems():
    original = Course(questions=bank("ssj"), exam=ExamSettings(**EXAM_DEFAULTS))
    revision = Course()
    copy_bank(original, revision)
    assert [q.stem for q in revision.questions] == ["题目1", "题目2", "题目3"]
    assert revision.questions[0] is not original.questions[0] and revision.exam is not original.exam
    revision.questions[0].answer.append(2)  # the copy's lists are its own
    assert original.questions[0].answer == [0]

    kept = original.questions[1]
    revision.questions = [revision.questions[1], *bank("m")[:1]]
    revision.questions[1].stem = "新题"
    revision.exam.pass_score = 80
    replace_bank(original, revision)
    assert [(q.stem, q.position) for q in original.questions] == [("题目2", 1), ("新题", 2)]
    assert original.questions[0] is kept and original.exam.pass_score == 80
