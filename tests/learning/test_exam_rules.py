"""The course test's rules on their own (docs/rules.md rule 13): no app, no database, time
and chance passed in."""
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from courses.rules import ExamRules
from learning.exam_rules import (
    AnswerError,
    BankTooSmall,
    Grade,
    accepts_answers,
    answered,
    attempts_left,
    best_score,
    check_answers,
    deadline,
    draw_paper,
    grade,
    merge_answers,
    public_paper,
    review,
    review_allowed,
)

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
RULES = ExamRules(required=True, pass_score=60, draw={"single": 2, "multiple": 1, "judge": 1},
                  points={"single": 30, "multiple": 20, "judge": 20})


@dataclass
class Q:
    id: int
    kind: str
    stem: str
    options: list
    answer: list
    explanation: str = "因为课上讲过"


def bank() -> list[Q]:
    return [
        Q(1, "single", "一加一等于几？", ["一", "二", "三", "四"], [1]),
        Q(2, "single", "首都是哪里？", ["上海", "广州", "北京"], [2]),
        Q(3, "single", "哪个是偶数？", ["三", "五", "八"], [2]),
        Q(4, "multiple", "哪些是质数？", ["二", "四", "五", "九", "十一"], [0, 2, 4]),
        Q(5, "judge", "地球是圆的。", ["正确", "错误"], [0]),
        Q(6, "judge", "水往高处流。", ["正确", "错误"], [1]),
    ]


def right_answers(paper) -> dict:
    return {str(q["id"]): list(q["answer"]) for q in paper}


def test_a_paper_draws_the_set_number_of_each_kind_in_kind_order():
    paper = draw_paper(bank(), RULES, random.Random(1))
    assert [q["kind"] for q in paper] == ["single", "single", "multiple", "judge"]
    assert len({q["id"] for q in paper}) == 4
    assert [q["points"] for q in paper] == [30, 30, 20, 20]


def test_shuffled_options_keep_the_right_answers_pointing_at_the_right_texts():
    by_id = {q.id: q for q in bank()}
    orders = set()
    for seed in range(30):
        for question in draw_paper(bank(), RULES, random.Random(seed)):
            original = by_id[question["id"]]
            assert sorted(question["options"]) == sorted(original.options)
            assert {question["options"][i] for i in question["answer"]} == {original.options[i]
                                                                            for i in original.answer}
            if question["id"] == 4:
                orders.add(tuple(question["options"]))
    assert len(orders) > 5  # the options really are shuffled per attempt


def test_true_or_false_always_reads_correct_then_wrong():
    for seed in range(30):
        for question in draw_paper(bank(), RULES, random.Random(seed)):
            if question["kind"] == "judge":
                assert question["options"] == ["正确", "错误"]


def test_different_attempts_draw_different_questions():
    drawn = {tuple(q["id"] for q in draw_paper(bank(), RULES, random.Random(seed))) for seed in range(30)}
    assert len(drawn) > 1


def test_a_bank_smaller_than_the_draw_is_refused():
    rules = ExamRules(required=True, draw={"single": 4, "multiple": 1, "judge": 1})
    with pytest.raises(BankTooSmall) as refused:
        draw_paper(bank(), rules, random.Random(1))
    assert (refused.value.kind, refused.value.wanted, refused.value.available) == ("single", 4, 3)


def test_the_public_paper_carries_no_answer_and_no_explanation():
    paper = draw_paper(bank(), RULES, random.Random(3))
    shown = public_paper(paper)
    assert all(set(q) == {"id", "kind", "stem", "options"} for q in shown)
    text = json.dumps(shown, ensure_ascii=False)
    assert "因为课上讲过" not in text and "answer" not in text and "points" not in text
    # A field added to the paper later does not leak either: the view is a whitelist.
    paper[0]["secret"] = "右"
    assert "secret" not in public_paper(paper)[0]


def test_answers_are_checked_against_the_paper():
    paper = draw_paper(bank(), RULES, random.Random(2))
    single, multiple = paper[0], paper[2]
    assert check_answers(paper, {str(multiple["id"]): [2, 0]}) == {str(multiple["id"]): [0, 2]}
    cases = [
        ({"999": [0]}, "unknown_question"),
        ({str(single["id"]): [len(single["options"])]}, "option_out_of_range"),
        ({str(single["id"]): [-1]}, "option_out_of_range"),
        ({str(single["id"]): [0, 1]}, "one_answer_only"),
        ({str(paper[3]["id"]): [0, 1]}, "one_answer_only"),
        ({str(single["id"]): 1}, "invalid_answer"),
        ({str(single["id"]): [True]}, "invalid_answer"),
        ({str(multiple["id"]): [1, 1]}, "invalid_answer"),
        ([1], "invalid_answers"),
    ]
    for answers, code in cases:
        with pytest.raises(AnswerError) as refused:
            check_answers(paper, answers)
        assert refused.value.code == code, answers
        assert refused.value.message


def test_saved_answers_are_merged_and_an_empty_list_takes_one_back():
    assert merge_answers({"1": [0], "2": [1]}, {"2": [], "3": [0, 1]}) == {"1": [0], "3": [0, 1]}


def test_grading_sums_the_points_of_right_answers_and_compares_with_the_pass_mark():
    paper = draw_paper(bank(), RULES, random.Random(5))
    assert grade(paper, right_answers(paper), 60) == Grade(100, True)
    answers = right_answers(paper)
    answers.pop(str(paper[0]["id"]))  # a 单选 left blank: 70
    assert (grade(paper, answers, 60).score, grade(paper, answers, 60).passed) == (70, True)
    assert grade(paper, answers, 80).passed is False
    assert grade(paper, {}, 60).score == 0


def test_a_multiple_choice_scores_only_when_exactly_right():
    paper = draw_paper(bank(), RULES, random.Random(6))
    multiple = paper[2]
    qid, right = str(multiple["id"]), multiple["answer"]
    assert grade(paper, {qid: right}, 0).score == 20
    assert grade(paper, {qid: right[:-1]}, 0).score == 0  # some of the right ones
    wrong = next(i for i in range(len(multiple["options"])) if i not in right)
    assert grade(paper, {qid: sorted([*right, wrong])}, 0).score == 0  # all of them and one more


def test_the_deadline_is_the_start_plus_the_limit_and_answers_stop_there():
    ends = deadline(NOW, 30)
    assert ends == NOW + timedelta(minutes=30)
    assert accepts_answers(ends, ends - timedelta(seconds=1))
    assert not accepts_answers(ends, ends)


def test_attempts_are_counted_per_credit_year():
    assert attempts_left(3, [], NOW) == 3
    assert attempts_left(3, [2026, 2026], NOW) == 1
    assert attempts_left(3, [2026, 2026, 2026, 2026], NOW) == 0
    assert attempts_left(3, [2025, 2025, 2025], NOW) == 3
    # 2026-12-31 16:30 UTC is already 2027 in China: last year's attempts no longer count.
    assert attempts_left(3, [2026, 2026, 2026], datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == 3


def test_the_best_score_counts():
    assert best_score([40, None, 90, 70]) == 90
    assert best_score([None]) is None


def test_the_review_is_shown_only_after_a_pass_or_the_last_attempt():
    assert review_allowed(passed=True, left=2)
    assert review_allowed(passed=False, left=0)
    assert not review_allowed(passed=False, left=1)


def test_the_review_shows_choices_right_answers_and_explanations():
    paper = draw_paper(bank(), RULES, random.Random(7))
    answers = {str(paper[0]["id"]): paper[0]["answer"]}
    shown = review(paper, answers)
    assert shown[0]["correct"] is True and shown[0]["chosen"] == paper[0]["answer"]
    assert shown[1]["correct"] is False and shown[1]["chosen"] == []
    assert all(q["explanation"] == "因为课上讲过" and q["answer"] for q in shown)
    assert answered(paper, answers) == 1
