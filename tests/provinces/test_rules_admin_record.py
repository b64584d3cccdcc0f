"""The admin form's 一人一档 settings (issue 21): carry-over of surplus into the next year and the
职称 look-back, shown, saved and refused with their reasons under the field."""
import pytest

from core.policy.examples import GUANGDONG
from tests.bureau.records_helpers import bearer, token_for
from tests.provinces.conftest import answers, form_of, stored

PAGE = "/admin/rules/"
EDIT = PAGE + "44/2024-01-01/edit"


def test_the_form_shows_the_stored_carry_over_and_look_back(client, sign_in, admin, examples):
    sign_in(admin)
    html = client.get(EDIT).get_data(as_text=True)
    assert 'id="carry_enabled" name="carry_enabled" type="checkbox" value="y"' in html
    assert 'id="carry_max" name="carry_max" type="text" value="10"' in html
    assert 'id="review_years" name="review_years" type="text" value="4"' in html


def test_saving_changes_the_carry_over_and_look_back(client, sign_in, admin, examples):
    sign_in(admin)
    data = form_of(GUANGDONG, carry_max="6", carry_xuanxiu=None, review_years="3")
    assert client.post(EDIT, data=data).status_code == 302
    rules = answers().rules_for("440106", 2026)
    assert (rules.carry.enabled, rules.carry.types, rules.carry.max_tenths) == (True, ("zhuanye",), 60)
    assert rules.review_years == 3


def test_turning_carry_over_off_leaves_it_out_of_the_stored_set(client, sign_in, admin, examples):
    sign_in(admin)
    data = form_of(GUANGDONG, carry_enabled=None, carry_zhuanye=None, carry_xuanxiu=None, carry_max=None)
    assert client.post(EDIT, data=data).status_code == 302
    assert not answers().rules_for("440106", 2026).carry.enabled
    assert "carry_over" not in next(rules for prefix, _day, rules in stored() if prefix == "44")


@pytest.mark.parametrize(("changes", "reason"), [
    ({"carry_zhuanye": None, "carry_xuanxiu": None}, "开启学时结转时，请至少选择一类科目。"),
    ({"carry_max": "0"}, "开启学时结转时，每年最多结转学时应大于0。"),
    ({"carry_max": "十"}, "学时应为不小于0的数字。"),
    ({"review_years": "0"}, "职称评审回溯年数应为1至10之间的整数。"),
    ({"review_years": "2.5"}, "职称评审回溯年数应为1至10之间的整数。"),
])
def test_a_wrong_setting_is_refused_under_its_field_and_nothing_changes(client, sign_in, admin, examples,
                                                                        changes, reason):
    sign_in(admin)
    before = stored()
    response = client.post(EDIT, data=form_of(GUANGDONG, **changes))
    assert response.status_code == 200 and f'<p class="field-error" role="alert">{reason}</p>' in response.get_data(
        as_text=True)
    assert stored() == before


def test_the_v1_rules_give_the_carry_over_and_refuse_a_wrong_one(client, examples, make_user):
    body = client.get("/api/v1/rules?region=440106&year=2026").get_json()
    assert body["rules"]["carry_over"] == {"enabled": True, "types": ["zhuanye", "xuanxiu"], "max_hours": 10}
    before = stored()
    wrong = {**GUANGDONG, "carry_over": {"enabled": True, "types": ["zhuanye"], "max_hours": 2000}}
    response = client.put("/api/v1/admin/rules/44", json=wrong, headers=bearer(token_for(make_user("admin"))))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "carry_over.max_hours" and stored() == before
