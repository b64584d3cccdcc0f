"""The admin page of the rule sets: list, look-up, create, edit, delete, validation, who may."""
import pytest

from core.policy.examples import GUANGDONG, HENAN, NATIONAL
from tests.provinces.conftest import answers, audit_rows, count_versions, form_of, stored

PAGE = "/admin/rules/"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_lists_every_version_with_its_terms(client, sign_in, admin, examples):
    sign_in(admin)
    html = text(client.get(PAGE))
    for name in ("全国", "广东省（示例）", "河南省（示例）", "广东省", "河南省", "2016-01-01", "2024-01-01"):
        assert name in html
    assert "01-01 – 次年04-30" in html  # Guangdong's 公需 year runs into the next
    assert "12-15" in html and "专业科目 60" in html and "合计 90 学时" in html  # Henan
    assert "人社部令第25号" in html  # the source note
    assert 'href="/admin/rules/44/2024-01-01/edit"' in html and 'href="/admin/rules/national/2016-01-01/delete"' in html


def test_the_admin_nav_leads_to_the_page(client, sign_in, admin):
    sign_in(admin)
    assert 'href="/admin/rules/"' in text(client.get("/admin/users"))


def test_with_nothing_stored_the_page_says_the_settings_apply(client, sign_in, admin):
    sign_in(admin)
    html = text(client.get(PAGE + "?region=440106&year=2026"))
    assert "还没有保存任何规则" in html
    assert "来自前缀 <code>national</code>" in html and "合计 30 学时" in html


@pytest.mark.parametrize(("region", "shown"), [
    ("440106", ["来自前缀 <code>44</code>", "广东省广州市天河区", "2026-01-01 – 2027-04-30", "合计 90 学时"]),
    ("410105", ["来自前缀 <code>41</code>", "2026-12-15", "2026-01-01 – 2026-12-31"]),
    ("110105", ["来自前缀 <code>national</code>", "不锁定", "合计 30 学时"]),
])
def test_the_look_up_shows_where_the_rules_come_from_and_their_dates(client, sign_in, admin, examples,
                                                                     region, shown):
    sign_in(admin)
    html = text(client.get(f"{PAGE}?region={region}&year=2026"))
    for part in shown:
        assert part in html, part


@pytest.mark.parametrize(("query", "message"), [("region=4401", "地区代码应为6位行政区划代码"),
                                                ("region=440106&year=1999", "年度应为2000至2100之间的年份")])
def test_a_bad_look_up_says_why(client, sign_in, admin, query, message):
    sign_in(admin)
    assert message in text(client.get(f"{PAGE}?{query}"))


def test_a_new_version_is_saved_audited_and_changes_the_answers(client, sign_in, admin, examples):
    sign_in(admin)
    data = {**GUANGDONG, "prefix": "4401", "effective_from": "2026-01-01", "name": "广州市", "minutes_per_hour": 50}
    response = client.post(PAGE + "new", data=form_of(data), follow_redirects=True)
    assert "已新建 广东省广州市 自 2026-01-01 起的规则" in text(response)
    assert answers().rules_for("440106", 2026).minutes_per_hour == 50
    assert answers().rules_for("440106", 2025).minutes_per_hour == 45  # not yet in force
    assert answers().rules_for("440306", 2026).prefix == "44"  # Shenzhen keeps the province's
    row = audit_rows()[-1]
    assert (row.action, row.target, row.actor_id) == ("rules_created", "rules:4401@2026-01-01", admin.id)
    assert row.details["before"] is None and row.details["after"]["minutes_per_hour"] == 50


def test_an_edit_is_saved_with_the_version_before_and_after_in_the_audit(client, sign_in, admin, examples):
    sign_in(admin)
    assert 'value="广东省（示例）"' in text(client.get(PAGE + "44/2024-01-01/edit"))
    response = client.post(PAGE + "44/2024-01-01/edit", data=form_of(GUANGDONG, name="广东省", required_xuanxiu="20",
                                                                     required_total="92"), follow_redirects=True)
    assert "已保存 广东省 自 2024-01-01 起的规则" in text(response)
    assert answers().required_tenths("440106", 2026) == 920
    row = audit_rows()[-1]
    assert row.action == "rules_updated" and row.target == "rules:44@2024-01-01"
    assert row.details["before"]["name"] == "广东省（示例）" and row.details["after"]["name"] == "广东省"


def test_the_offline_training_hours_are_edited_on_the_form_and_kept_by_other_edits(client, sign_in, admin, examples):
    """Editing a set's other terms once reset its 学时登记 numbers (the form did not carry them)."""
    sign_in(admin)
    client.post(PAGE + "44/2024-01-01/edit", data=form_of(GUANGDONG, declared_half_day="3", declared_max_day="6"))
    page = text(client.get(PAGE + "44/2024-01-01/edit"))
    assert 'value="3"' in page and 'value="6"' in page
    client.post(PAGE + "44/2024-01-01/edit", data=form_of(GUANGDONG, declared_half_day="3", declared_max_day="6",
                                                          name="广东省"))
    [rules] = [rules for prefix, _, rules in stored() if prefix == "44"]
    assert rules["name"] == "广东省"
    assert (rules["declared_hours_per_half_day"], rules["declared_max_hours_per_day"]) == (3, 6)
    assert answers().rules_for("440106", 2026).declared_half_day_tenths == 30
    client.post(PAGE + "44/2024-01-01/edit", data=form_of(GUANGDONG))  # emptied: the defaults, left out
    [rules] = [rules for prefix, _, rules in stored() if prefix == "44"]
    assert "declared_hours_per_half_day" not in rules and "declared_max_hours_per_day" not in rules


def test_checks_are_switched_and_tuned_on_the_form(client, sign_in, admin, examples):
    sign_in(admin)
    page = text(client.get(PAGE + "44/2024-01-01/edit"))
    assert "随堂弹题" in page and "人脸抓拍" in page
    client.post(PAGE + "41/2024-01-01/edit", data=form_of(HENAN, question_enabled="y", question_per_hour="6",
                                                          question_window="90", question_misses="1"))
    [rules] = [rules for prefix, _, rules in stored() if prefix == "41"]
    assert rules["checks"] == {"question": {"enabled": True, "per_hour": 6, "window_seconds": 90,
                                            "misses_allowed": 1}}
    henan = answers().rules_for("410102", 2026)
    assert henan.question_checks.enabled and not henan.face_checks.enabled
    client.post(PAGE + "41/2024-01-01/edit", data=form_of(HENAN))  # switched off again: left out
    [rules] = [rules for prefix, _, rules in stored() if prefix == "41"]
    assert "checks" not in rules


def test_the_edit_form_cannot_move_a_version_to_another_prefix_or_date(client, sign_in, admin, examples):
    sign_in(admin)
    client.post(PAGE + "44/2024-01-01/edit", data=form_of(GUANGDONG, prefix="45", effective_from="2020-01-01"))
    assert [(prefix, day) for prefix, day, _rules in stored()] == [("", "2016-01-01"), ("41", "2024-01-01"),
                                                                   ("44", "2024-01-01")]


@pytest.mark.parametrize(("changes", "message"), [
    ({"prefix": "99"}, "地区前缀 99 不是现行行政区划"),
    ({"prefix": "4400"}, "地区前缀 4400 不是现行行政区划"),
    ({"prefix": "4401x"}, "地区前缀应为行政区划代码的前2、4或6位数字"),
    ({"effective_from": "2026-02-30"}, "生效日期应为 YYYY-MM-DD 格式的日期"),
    ({"window_zhuanye_start": "05-01", "window_zhuanye_end": "03-01"}, "结束日期晚于开始日期"),
    ({"window_xuanxiu_start": "02-30", "window_xuanxiu_end": "12-31"}, "日期 02-30 不存在"),
    ({"lock": "01-01"}, "锁定日期应晚于各类科目学时年度的开始日期"),
    ({"required_zhuanye": "-3"}, "学时应为0至1000之间的数字"),
    ({"required_zhuanye": "三十"}, "学时应为不小于0的数字"),
    ({"required_total": "60"}, "年度总学时（60.0）不能少于各类科目要求之和（90.0）"),
    ({"minutes_per_hour": "四十五"}, "每学时分钟数应为数字"),
    ({"minutes_per_hour": "0"}, "每学时分钟数应大于0且不超过120"),
    ({"daily_cap": "0"}, "每日上限应大于0"),
    ({"question_per_hour": "0"}, "每小时检查次数应大于0且不超过60"),
    ({"face_window": "5"}, "作答时限应为10至600之间的整数秒"),
    ({"question_misses": "很多"}, "允许未通过次数应为0至100之间的整数"),
])
def test_what_cannot_be_saved_is_explained_and_nothing_is_saved(client, sign_in, admin, examples, changes, message):
    sign_in(admin)
    before = stored()
    data = form_of({**GUANGDONG, "prefix": "4401", "effective_from": "2026-01-01"}, **changes)
    response = client.post(PAGE + "new", data=data)
    assert response.status_code == 200
    html = text(response)
    assert message in html and "未保存" in html and 'class="field-error"' in html
    assert stored() == before and len(audit_rows()) == len(examples)


def test_a_change_over_a_locked_year_is_refused_naming_the_years(client, sign_in, admin, examples):
    sign_in(admin)
    before = stored()
    response = client.post(PAGE + "41/2024-01-01/edit", data=form_of(HENAN, minutes_per_hour="40"))
    html = text(response)
    assert "这项修改会改变已锁定年度（2024、2025" in html and "未保存" in html  # closed on 15 December
    response = client.post(PAGE + "41/2024-01-01/edit", data=form_of(
        HENAN, window_gongxu_start="01-01", window_gongxu_end="+1-03-31", lock="+1-04-30"))
    assert "已锁定年度" in text(response)
    assert stored() == before and len(audit_rows()) == len(examples)


def test_a_change_only_to_the_name_and_source_of_a_locked_set_is_saved(client, sign_in, admin, examples):
    sign_in(admin)
    response = client.post(PAGE + "41/2024-01-01/edit", data=form_of(HENAN, name="河南省"), follow_redirects=True)
    assert "已保存 河南省 自 2024-01-01 起的规则" in text(response)


def test_saving_the_same_terms_again_changes_nothing(client, sign_in, admin, examples):
    sign_in(admin)
    response = client.post(PAGE + "44/2024-01-01/edit", data=form_of(GUANGDONG), follow_redirects=True)
    assert "没有需要保存的修改" in text(response) and len(audit_rows()) == len(examples)


def test_delete_asks_first_then_deletes_and_audits(client, sign_in, admin, examples):
    sign_in(admin)
    confirm = text(client.get(PAGE + "44/2024-01-01/delete"))
    assert "确认删除" in confirm and "广东省（示例）" in confirm
    assert count_versions() == 3
    response = client.post(PAGE + "44/2024-01-01/delete", follow_redirects=True)
    assert "已删除 广东省 自 2024-01-01 起的规则" in text(response)
    assert count_versions() == 2 and answers().rules_for("440106", 2026).prefix == ""
    row = audit_rows()[-1]
    assert row.action == "rules_deleted" and row.details["before"]["name"] == "广东省（示例）"
    assert row.details["after"] is None


def test_the_last_national_version_cannot_be_deleted(client, sign_in, admin, examples):
    sign_in(admin)
    html = text(client.post(PAGE + "national/2016-01-01/delete"))
    assert "全国规则至少要保留一个版本" in html and count_versions() == 3


def test_deleting_a_locked_set_is_refused(client, sign_in, admin, examples):
    sign_in(admin)
    assert "已锁定年度" in text(client.post(PAGE + "41/2024-01-01/delete")) and count_versions() == 3


@pytest.mark.parametrize("address", ["44/2020-01-01/edit", "99/2024-01-01/edit", "44/soon/delete", "x/1/delete"])
def test_an_unknown_version_is_not_found(client, sign_in, admin, examples, address):
    sign_in(admin)
    assert client.get(PAGE + address).status_code == 404


@pytest.mark.parametrize("role", ["trainee", "producer", "reviewer", "bureau"])
def test_other_roles_are_refused(client, sign_in, make_user, examples, role):
    sign_in(make_user(role, region_code="440106"))
    for address in (PAGE, PAGE + "new", PAGE + "44/2024-01-01/edit", PAGE + "44/2024-01-01/delete"):
        assert client.get(address).status_code == 403
    assert client.post(PAGE + "new", data=form_of({**NATIONAL, "effective_from": "2026-01-01"})).status_code == 403
    assert client.post(PAGE + "44/2024-01-01/delete").status_code == 403
    assert count_versions() == 3


def test_signed_out_visitors_are_sent_to_log_in(client, examples):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
