"""Which test a course has (docs/rules.md rule 13): plain functions, no app."""
from types import SimpleNamespace

from courses.rules import EXAM_DEFAULTS, exam_rules


def settings(**values):
    return SimpleNamespace(**{**EXAM_DEFAULTS, **values})


def test_a_course_without_questions_needs_no_test_whatever_its_settings_say():
    assert exam_rules(None, 0).required is False
    assert exam_rules(settings(required=True), 0).required is False


def test_a_bank_makes_the_default_test_required_with_a_paper_of_100_points():
    rules = exam_rules(None, 12)
    assert rules.required is True
    assert (rules.pass_score, rules.time_limit_minutes, rules.max_attempts) == (60, 30, 3)
    assert (rules.paper_size, rules.paper_points) == (10, 100)


def test_a_producer_may_turn_the_test_off_and_change_the_paper():
    assert exam_rules(settings(required=False), 12).required is False
    rules = exam_rules(settings(pass_score=80, draw={"single": 10, "multiple": 0, "judge": 5},
                                points={"single": 6, "multiple": 10, "judge": 8}), 30)
    assert (rules.required, rules.pass_score, rules.paper_size, rules.paper_points) == (True, 80, 15, 100)
