"""``/api/v1/units``: search for anyone signed in; create and edit for officers in their region and admins."""
import pytest

from tests.bureau.records_helpers import bearer, token_for
from tests.units.conftest import FUZHOU, HUAWEI, audit_rows

HUAWEI_NEW = {"name": "华为技术有限公司", "credit_code": HUAWEI, "region_code": "440307", "address": "坂田"}


def test_a_trainee_finds_active_units_by_name_or_code(client, sign_in, trainee, make_unit):
    unit = make_unit(name="深圳市人民医院", credit_code=HUAWEI)
    make_unit(name="深圳市旧医院", active=False)
    sign_in(trainee)
    found = client.get("/api/v1/units", query_string={"q": "医院"}).get_json()["units"]
    assert found == [{"id": unit.id, "name": "深圳市人民医院", "credit_code": HUAWEI, "region_code": "440305",
                      "address": "", "active": True}]
    assert client.get("/api/v1/units", query_string={"q": "91440300"}).get_json()["units"][0]["id"] == unit.id


def test_control_characters_in_the_search_text_are_dropped(client, sign_in, trainee, make_unit):
    """A NUL in ``?q=`` (which PostgreSQL refuses in text) is dropped, not a server error."""
    unit = make_unit(name="深圳市人民医院")
    sign_in(trainee)
    response = client.get("/api/v1/units", query_string={"q": "人民\x00医院"})
    assert response.status_code == 200 and [u["id"] for u in response.get_json()["units"]] == [unit.id]


def test_an_officer_also_finds_the_inactive_units_of_their_region(client, sign_in, officer, make_unit):
    make_unit(name="深圳市旧医院", active=False)
    sign_in(officer)
    assert [u["name"] for u in client.get("/api/v1/units?q=旧").get_json()["units"]] == ["深圳市旧医院"]


def test_a_bad_region_filter_is_422(client, sign_in, trainee):
    sign_in(trainee)
    response = client.get("/api/v1/units?region=44")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_region"


def test_anonymous_callers_are_401(client):
    assert client.get("/api/v1/units").status_code == 401


def test_an_officer_creates_a_unit_of_their_region_with_a_token(client, officer):
    response = client.post("/api/v1/units", json=HUAWEI_NEW, headers=bearer(token_for(officer)))
    assert response.status_code == 201
    assert response.get_json() | {"id": 0} == {**HUAWEI_NEW, "id": 0, "active": True}
    assert audit_rows()[0].details["via"] == "api"


def test_a_token_narrowed_to_a_district_acts_only_within_it(client, officer, make_unit):
    """An officer of 深圳市 whose docking token is limited to 南山区 (440305) may not create or
    edit a unit of 龙岗区 (440307) with that token, though the officer could on the page."""
    narrow = bearer(token_for(officer, region="440305"))
    refused = client.post("/api/v1/units", json=HUAWEI_NEW, headers=narrow)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "out_of_region"
    elsewhere = make_unit(name="龙岗区人民医院", region_code="440307")
    assert client.patch(f"/api/v1/units/{elsewhere.id}", json={"address": "龙城"}, headers=narrow).status_code == 403
    assert client.post("/api/v1/units", json={**HUAWEI_NEW, "region_code": "440305"},
                       headers=narrow).status_code == 201


@pytest.mark.parametrize(("body", "status", "code"), [
    ({**HUAWEI_NEW, "credit_code": "91440300708461136U"}, 422, "invalid_credit_code"),
    ({**HUAWEI_NEW, "credit_code": 914403}, 422, "invalid_credit_code"),
    ({**HUAWEI_NEW, "name": "  "}, 422, "invalid_name"),
    ({**HUAWEI_NEW, "credit_code": FUZHOU, "region_code": "350102"}, 403, "out_of_region"),
    ({**HUAWEI_NEW, "active": "yes"}, 422, "invalid_active"),
])
def test_what_an_officer_may_not_create(client, sign_in, officer, body, status, code):
    sign_in(officer)
    response = client.post("/api/v1/units", json=body)
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert audit_rows() == []


def test_a_duplicate_credit_code_is_409(client, sign_in, admin, make_unit):
    make_unit(credit_code=HUAWEI, name="华为")
    sign_in(admin)
    response = client.post("/api/v1/units", json=HUAWEI_NEW)
    assert response.status_code == 409
    assert response.get_json()["error"] | {"message": ""} == {"code": "duplicate_credit_code", "message": "",
                                                               "field": "credit_code"}


def test_a_trainee_may_not_create_units(client, sign_in, trainee):
    sign_in(trainee)
    assert client.post("/api/v1/units", json=HUAWEI_NEW).status_code == 403


def test_an_officer_edits_a_unit_of_their_region_but_not_another(client, sign_in, officer, make_unit):
    mine, theirs = make_unit(region_code="440305"), make_unit(region_code="110105", credit_code=FUZHOU)
    sign_in(officer)
    edited = client.patch(f"/api/v1/units/{mine.id}", json={"active": False, "address": "南山大道"})
    assert edited.status_code == 200 and edited.get_json()["active"] is False
    refused = client.patch(f"/api/v1/units/{theirs.id}", json={"name": "改名"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "out_of_region"
    assert client.patch("/api/v1/units/99999", json={"name": "甲"}).status_code == 404
    assert [row.action for row in audit_rows()] == ["unit_updated"]
