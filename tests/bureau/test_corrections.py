"""更正 (核减 and 补录) by a bureau officer: the v1 call, the trainee page's forms, and what the
docking sync, the records page and the exports then show."""
import re

import pytest
from sqlalchemy import func, select

from accounts.models import AuditLog
from core.extensions import db
from learning import entries
from learning.models import CreditRecord
from tests.bureau.records_helpers import AWARDED, bearer, credit, read_csv, token_for, xlsx_rows

URL = "/api/v1/bureau/corrections"
RECORDS = "/api/v1/bureau/records"


@pytest.fixture
def app_overrides():
    return {"SYNC_LAG_SECONDS": 0}


@pytest.fixture
def world(make_user, make_course, make_unit, link_to_unit):
    """A Shenzhen trainee confirmed at a unit with a 1.5 学时 course; an officer of Guangdong."""
    trainee = make_user(real_name="赵甲", region_code="440305")
    unit = make_unit(name="深圳市南山区人民医院", region_code="440305")
    link_to_unit(trainee, unit, "confirmed")
    row = credit(trainee, make_course(title="网络安全法解读"), tenths=15, year=2025)
    officer = make_user("bureau", real_name="王科长", region_code="440000")
    return {"trainee": trainee, "unit": unit, "row": row, "officer": officer, "headers": bearer(token_for(officer))}


def ledger() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(select(CreditRecord.basis, CreditRecord.hours_tenths).order_by(CreditRecord.id)).all()


def post(client, world, **body):
    return client.post(URL, json={"user_id": world["trainee"].id, **body}, headers=world["headers"])


def test_a_reduction_is_a_new_record_with_its_reason_source_and_unit(client, world):
    response = post(client, world, hours=-0.5, reason="重复计入", source_id=world["row"].id)
    assert response.status_code == 201
    made = response.get_json()
    assert made["basis"] == "correction" and made["hours"] == -0.5 and made["reason"] == "重复计入"
    assert made["source_id"] == world["row"].id and made["course_id"] == world["row"].course_id
    assert made["course_title"] == "网络安全法解读" and made["year"] == 2025
    assert made["unit"] == {"name": "深圳市南山区人民医院", "credit_code": world["unit"].credit_code}
    assert ledger() == [("completion", 15), ("correction", -5)]  # the old row is untouched
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "credit_corrected")).one()
    assert entry.details["record_id"] == made["id"] and entry.details["reason"] == "重复计入"
    listed = client.get(URL, query_string={"year": 2025}, headers=world["headers"]).get_json()["items"]
    assert [item["id"] for item in listed] == [made["id"]]


def test_a_supplement_without_a_course_reaches_the_sync_exactly_once(client, world):
    first = client.get(RECORDS, headers=world["headers"]).get_json()
    assert [item["basis"] for item in first["items"]] == ["completion"] and first["synced_until"]
    made = post(client, world, hours=2, reason="线下讲座漏记", title="应急管理讲座", year=2025,
                subject_type="gongxu").get_json()
    second = client.get(RECORDS, query_string={"updated_since": first["synced_until"]},
                        headers=world["headers"]).get_json()
    assert [(i["id"], i["basis"], i["course_id"], i["category"], i["course_title"], i["title"], i["source_id"])
            for i in second["items"]] == [(made["id"], "correction", None, None, "应急管理讲座", "应急管理讲座", None)]
    third = client.get(RECORDS, query_string={"updated_since": second["synced_until"]},
                       headers=world["headers"]).get_json()
    assert third["items"] == []
    every = client.get(RECORDS, query_string={"limit": 1}, headers=world["headers"]).get_json()
    rest = client.get(RECORDS, query_string={"limit": 1, "cursor": every["next_cursor"]},
                      headers=world["headers"]).get_json()
    assert [i["id"] for i in every["items"] + rest["items"]] == [world["row"].id, made["id"]]
    assert rest["has_more"] is False


@pytest.mark.parametrize("body, status, code", [
    ({"hours": -0.5, "reason": "", "source_id": None}, 422, "reason_required"),
    ({"hours": -0.5, "source_id": None}, 422, "reason_required"),
    ({"hours": -1.6, "reason": "超过课程学时", "source_id": None}, 422, "below_zero"),
    ({"hours": 0, "reason": "零", "source_id": None}, 422, "invalid_hours"),
    ({"hours": 0.25, "reason": "两位小数", "source_id": None}, 422, "invalid_hours"),
    ({"hours": "sNaN", "reason": "不是数", "source_id": None}, 422, "invalid_hours"),
    ({"hours": -1, "reason": "无来源的核减", "title": "x", "year": 2025, "subject_type": "gongxu"}, 422,
     "source_required"),
    ({"hours": 1, "reason": "缺名称", "year": 2025, "subject_type": "gongxu"}, 422, "title_required"),
    ({"hours": 1, "reason": "别人的记录", "source_id": 999}, 404, "source_not_found"),
])
def test_bad_corrections_are_refused_and_nothing_changes(client, world, body, status, code):
    if "source_id" in body and body["source_id"] is None:
        body = {**body, "source_id": world["row"].id}
    response = post(client, world, **body)
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert ledger() == [("completion", 15)]


def test_a_reduction_may_take_a_course_to_zero_but_not_below(client, world):
    assert post(client, world, hours=-1.5, reason="未实际学习", source_id=world["row"].id).status_code == 201
    refused = post(client, world, hours=-0.1, reason="再减", source_id=world["row"].id)
    assert refused.get_json()["error"]["code"] == "below_zero"
    assert ledger() == [("completion", 15), ("correction", -15)]


def test_outside_the_region_is_403_and_an_unknown_trainee_404(client, world, make_user):
    elsewhere = make_user(region_code="450102")
    refused = client.post(URL, json={"user_id": elsewhere.id, "hours": 1, "reason": "补录", "title": "x",
                                     "year": 2025, "subject_type": "gongxu"}, headers=world["headers"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden_region"
    city = bearer(token_for(world["officer"], region="440100"))  # a token narrowed to Guangzhou
    assert client.post(URL, json={"user_id": world["trainee"].id, "hours": -0.5, "reason": "x",
                                  "source_id": world["row"].id}, headers=city).status_code == 403
    unknown = client.post(URL, json={"id_number": "110105198503010000", "hours": 1, "reason": "x"},
                          headers=world["headers"])
    assert unknown.status_code == 404
    assert client.post(URL, json={"hours": 1}, headers=bearer(token_for(world["trainee"]))).status_code == 403
    assert ledger() == [("completion", 15)]


def test_a_locked_year_takes_no_correction(client, store_rules, make_user, make_course):
    store_rules()  # Henan closes each year on 15 December
    trainee = make_user(region_code="410105")
    row = credit(trainee, make_course(), tenths=15, year=2024)
    headers = bearer(token_for(make_user("bureau", region_code="410000")))
    refused = client.post(URL, json={"user_id": trainee.id, "hours": -0.5, "reason": "重复",
                                     "source_id": row.id}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "year_locked"
    assert ledger() == [("completion", 15)]


def test_the_exports_show_basis_reason_source_and_the_confirmed_unit(client, world, login):
    entries.add_entry(world["trainee"], basis="declared", year=2025, hours_tenths=40, subject_type="zhuanye",
                      now=AWARDED, title="医院管理研讨会", source_id=77)
    db.session.commit()
    post(client, world, hours=-0.5, reason="重复计入", source_id=world["row"].id)
    login(world["officer"])
    rows = read_csv(client.get("/bureau/exports/records.csv", buffered=True))
    assert sorted((r[7], r[8], r[9], r[16], r[17], r[18], r[19], r[20]) for r in rows) == sorted([
        ("网络安全法解读", "数字技术", "1.5", "完成课程", "", "", "深圳市南山区人民医院", world["unit"].credit_code),
        ("医院管理研讨会", "", "4.0", "线下登记", "", "77", "深圳市南山区人民医院", world["unit"].credit_code),
        ("网络安全法解读", "数字技术", "-0.5", "更正", "重复计入", str(world["row"].id), "深圳市南山区人民医院",
         world["unit"].credit_code)])
    cells = xlsx_rows(client.get("/bureau/exports/records.xlsx", buffered=True))
    assert sorted((c[9], c[16], c[18], c[20]) for c in cells) == sorted([
        (1.5, "完成课程", None, world["unit"].credit_code), (4.0, "线下登记", 77, world["unit"].credit_code),
        (-0.5, "更正", world["row"].id, world["unit"].credit_code)])
    page = client.get("/bureau/records", query_string={"year": 2025}).get_data(as_text=True)
    assert "线下学时：医院管理研讨会" in page and "原因：重复计入" in page
    assert "合计 5.0 学时" in page  # 1.5 + 4.0 - 0.5


def test_the_trainee_page_corrects_a_row_and_supplements_with_the_result_shown_at_once(client, world, login):
    login(world["officer"])
    person = world["trainee"]
    page = client.get(f"/bureau/trainees/{person.id}").get_data(as_text=True)
    assert f'name="source_id" value="{world["row"].id}"' in page and "补录学时" in page
    done = client.post(f"/bureau/trainees/{person.id}/corrections",
                       data={"source_id": world["row"].id, "hours": "-0.5", "reason": "重复计入"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已记入更正：-0.5 学时（重复计入）" in done and "更正：-0.5 学时（重复计入）" in done
    added = client.post(f"/bureau/trainees/{person.id}/corrections",
                        data={"title": "应急讲座", "year": "2025", "subject_type": "gongxu", "hours": "1",
                              "reason": "漏记"}, follow_redirects=True).get_data(as_text=True)
    assert "补录：应急讲座" in added and "原因：漏记" in added
    refused = client.post(f"/bureau/trainees/{person.id}/corrections",
                          data={"source_id": world["row"].id, "hours": "-0.5", "reason": ""},
                          follow_redirects=True).get_data(as_text=True)
    assert "请填写更正原因。" in refused
    assert ledger() == [("completion", 15), ("correction", -5), ("correction", 10)]


def test_the_trainee_page_of_another_region_is_404_for_a_correction(client, world, make_user, login):
    elsewhere = make_user(region_code="450102")
    login(world["officer"])
    assert client.post(f"/bureau/trainees/{elsewhere.id}/corrections",
                       data={"title": "x", "year": "2025", "subject_type": "gongxu", "hours": "1",
                             "reason": "x"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CreditRecord)) == 1


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True, "SYNC_LAG_SECONDS": 0}

    def test_the_form_and_the_cookie_call_need_the_token(self, client, world, sign_in):
        sign_in(world["officer"])
        person, data = world["trainee"], {"source_id": world["row"].id, "hours": "-0.5", "reason": "重复"}
        assert client.post(f"/bureau/trainees/{person.id}/corrections", data=data).status_code == 400
        assert client.post(URL, json={"user_id": person.id, **data}).status_code == 400
        assert ledger() == [("completion", 15)]
        page = client.get(f"/bureau/trainees/{person.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post(f"/bureau/trainees/{person.id}/corrections",
                           data={**data, "csrf_token": token}).status_code == 302
        assert client.post(URL, json={"user_id": person.id, **data},
                           headers={"X-CSRFToken": token}).status_code == 201
        assert ledger() == [("completion", 15), ("correction", -5), ("correction", -5)]
