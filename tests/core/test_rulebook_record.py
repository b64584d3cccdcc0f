"""The rule-set settings of 一人一档 (issue 21): carry-over of surplus into the next year and the
职称 look-back, validated and read back as stored."""
import pytest

from core.policy import ruledata
from core.policy.examples import GUANGDONG, NATIONAL
from core.policy.rulebook import CarryRule, RuleError


def test_a_set_without_the_settings_reads_and_writes_as_before():
    rules = ruledata.load(NATIONAL)
    assert rules.carry == CarryRule() and rules.review_years == 4
    assert "carry_over" not in ruledata.dump(rules) and "review_years" not in ruledata.dump(rules)


def test_carry_over_and_look_back_read_back_the_same():
    data = {**GUANGDONG, "carry_over": {"enabled": True, "types": ["xuanxiu", "zhuanye"], "max_hours": 12.5},
            "review_years": 3}
    rules = ruledata.load(data)
    assert rules.carry == CarryRule(True, ("zhuanye", "xuanxiu"), 125) and rules.review_years == 3
    dumped = ruledata.dump(rules)
    assert dumped["carry_over"] == {"enabled": True, "types": ["zhuanye", "xuanxiu"], "max_hours": 12.5}
    assert ruledata.load(dumped) == rules


@pytest.mark.parametrize(("carry", "field", "words"), [
    ({"enabled": True, "types": [], "max_hours": 10}, "carry_over.types", "至少选择一类科目"),
    ({"enabled": True, "types": ["zhuanye"], "max_hours": 0}, "carry_over.max_hours", "应大于0"),
    ({"enabled": True, "types": ["maths"], "max_hours": 10}, "carry_over.types", "gongxu、zhuanye、xuanxiu"),
    ({"enabled": "yes", "types": ["zhuanye"], "max_hours": 10}, "carry_over.enabled", "true 或 false"),
    ({"enabled": True, "types": ["zhuanye"], "max_hours": -1}, "carry_over.max_hours", "0至1000"),
    ({"enabled": True, "types": ["zhuanye"], "max_hours": 10, "years": 2}, "carry_over", "enabled、types"),
    ([1], "carry_over", "enabled、types"),
])
def test_a_wrong_carry_over_is_refused_with_its_reason(carry, field, words):
    with pytest.raises(RuleError) as refused:
        ruledata.load({**NATIONAL, "carry_over": carry})
    assert refused.value.field == field and words in refused.value.message


@pytest.mark.parametrize("years", [0, 11, 2.5, "4", True])
def test_a_wrong_look_back_is_refused(years):
    with pytest.raises(RuleError) as refused:
        ruledata.load({**NATIONAL, "review_years": years})
    assert refused.value.field == "review_years" and "1至10" in refused.value.message
