"""The rules of server-scheduled checks (issue 19, learning.checks): plain functions, ``now`` given."""
import random
from datetime import UTC, datetime, timedelta

import pytest

from core.policy import ruledata
from core.policy.examples import GUANGDONG, HENAN, NATIONAL
from core.policy.rulebook import CheckRule, RuleError
from learning import checks
from learning.rules import Claim, Limits, apply_heartbeat

KEY = checks.key_from("a secret")
NOW = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)


def test_a_plan_is_the_same_every_time_and_another_for_another_trainee_lesson_or_key():
    first = checks.plan(KEY, 7, 3, 3600, {"question": 4})
    assert first == checks.plan(KEY, 7, 3, 3600, {"question": 4})
    assert first != checks.plan(KEY, 8, 3, 3600, {"question": 4})
    assert first != checks.plan(KEY, 7, 4, 3600, {"question": 4})
    assert first != checks.plan(checks.key_from("another secret"), 7, 3, 3600, {"question": 4})


def test_a_plan_puts_one_check_in_the_middle_of_each_slot():
    points = checks.plan(KEY, 7, 3, 3600, {"question": 4})
    assert [point.slot for point in points] == [0, 1, 2, 3]
    for index, point in enumerate(points):
        assert 900 * index + 180 <= point.position <= 900 * index + 720
    assert len(checks.plan(KEY, 7, 3, 120, {"question": 4})) == 1  # a short lesson still gets one
    assert checks.plan(KEY, 7, 3, 3600, {}) == []


def test_kinds_merge_by_position():
    points = checks.plan(KEY, 7, 3, 3600, {"question": 2, "face": 2})
    assert sorted(point.kind for point in points) == ["face", "face", "question", "question"]
    assert [point.position for point in points] == sorted(point.position for point in points)


def test_the_gate_is_the_first_check_not_passed():
    points = [checks.Point(0, 100.0, "question"), checks.Point(1, 400.0, "question")]
    assert checks.gate(points, set()) == checks.Gate(0, 100.0, "question", 0.0, 400.0)
    assert checks.gate(points, {0}) == checks.Gate(1, 400.0, "question", 100.0, None)
    assert checks.gate(points, {0, 1}) is None


def test_playback_from_the_last_passed_check_on_is_held_not_credited():
    limits = Limits(duration=600)
    outcome = apply_heartbeat([[0.0, 100.0]], NOW - timedelta(seconds=30),
                              Claim(seq=2, segments=[(90.0, 115.0)]), NOW, limits)
    credited, held = checks.hold(outcome, [[0.0, 100.0]], 100.0, limits)
    assert credited.intervals == [[0.0, 100.0]] and credited.credited_seconds == 0
    assert held == [[100.0, 115.0]]


def test_a_passed_check_credits_up_to_itself_and_carries_the_rest():
    assert checks.release([[100, 230]], 200, 400) == ([[100, 200]], [[200, 230]])
    assert checks.release([[100, 230]], 200, None) == ([[100, 230]], [])  # the last check: all of it


def test_crossing_a_check():
    assert checks.crossed([[100, 199.6]], 200)
    assert not checks.crossed([[100, 150]], 200)


def test_an_answer_counts_only_within_its_window():
    ends = checks.window_end(NOW, 60)
    assert checks.window_open(ends, NOW + timedelta(seconds=60))
    assert not checks.window_open(ends, NOW + timedelta(seconds=61))
    assert checks.window_open(None, NOW + timedelta(days=1))


def test_misses_beyond_the_allowance_need_review():
    assert not checks.over_allowance(2, 2)
    assert checks.over_allowance(3, 2)


class Q:
    def __init__(self, kind, options, answer):
        self.kind, self.stem, self.options, self.answer = kind, "题干", options, answer


def test_a_question_is_judged_in_the_order_it_was_shown_and_shown_without_its_answer():
    challenge = checks.choice_challenge(Q("multiple", ["甲", "乙", "丙", "丁"], [0, 2]), random.Random(5))
    right = [challenge["options"].index("甲"), challenge["options"].index("丙")]
    assert checks.judge(challenge, right) is True
    assert checks.judge(challenge, right[:1]) is False
    assert checks.judge(challenge, [9]) is None and checks.judge(challenge, "0") is None
    assert "answer" not in checks.public(challenge)


def test_a_single_answer_question_takes_one_choice():
    challenge = checks.choice_challenge(Q("judge", ["正确", "错误"], [1]), random.Random(1))
    assert challenge["options"] == ["正确", "错误"]
    assert checks.judge(challenge, [1]) is True and checks.judge(challenge, [0, 1]) is None


def test_the_server_made_sum_has_one_right_option():
    challenge = checks.sum_challenge(random.Random(3))
    a, b = (int(part) for part in challenge["stem"].split(" = ")[0].split(" + "))
    assert challenge["options"][challenge["answer"][0]] == str(a + b)
    assert len(set(challenge["options"])) == 4


def test_nonces_differ_by_session_and_are_stored_hashed():
    one = checks.nonce(KEY, 7, 3, 0, "s1", NOW)
    assert one == checks.nonce(KEY, 7, 3, 0, "s1", NOW)
    assert one != checks.nonce(KEY, 7, 3, 0, "s2", NOW)
    assert checks.nonce_hash(one) != one and len(checks.nonce_hash(one)) == 64


def test_rule_sets_carry_their_checks_and_leave_them_out_when_off():
    guangdong = ruledata.load(GUANGDONG)
    assert guangdong.question_checks == CheckRule(True, 4, 60, 2) and guangdong.face_checks.enabled
    assert ruledata.dump(guangdong) == GUANGDONG
    assert not ruledata.load(HENAN).any_checks and "checks" not in ruledata.dump(ruledata.load(HENAN))
    assert not ruledata.load(NATIONAL).any_checks


@pytest.mark.parametrize(("checks_data", "field"), [
    ({"video": {}}, "checks"),
    ({"question": []}, "checks.question"),
    ({"question": {"enabled": True, "per_hour": 0}}, "checks.question.per_hour"),
    ({"question": {"enabled": True, "per_hour": "4"}}, "checks.question.per_hour"),
    ({"face": {"enabled": True, "window_seconds": 5}}, "checks.face.window_seconds"),
    ({"face": {"enabled": True, "misses_allowed": -1}}, "checks.face.misses_allowed"),
    ({"face": {"enabled": "yes"}}, "checks.face.enabled"),
])
def test_bad_check_settings_are_refused_with_the_field(checks_data, field):
    with pytest.raises(RuleError) as refused:
        ruledata.load({**GUANGDONG, "checks": checks_data})
    assert refused.value.field == field
