"""GET /api/v1/rules (anyone) and GET/PUT/DELETE /api/v1/admin/rules/<prefix> (admins)."""
import pytest

from core.policy.examples import GUANGDONG, HENAN, NATIONAL
from tests.bureau.records_helpers import bearer, token_for
from tests.provinces.conftest import answers, audit_rows, count_versions, stored

V1 = "/api/v1"


def error_of(response) -> dict:
    return response.get_json()["error"]


# ---- the effective rules ---------------------------------------------------------------------

def test_the_rules_of_a_guangzhou_district_come_from_guangdong_with_their_dates(client, examples):
    body = client.get(f"{V1}/rules?region=440106&year=2026").get_json()
    assert (body["region"], body["year"], body["prefix"]) == ("440106", 2026, "44")
    assert body["rules"]["required_hours"] == {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18, "total": 90}
    assert body["dates"]["windows"]["gongxu"] == {"start": "2026-01-01", "end": "2027-04-30"}
    assert body["dates"]["windows"]["zhuanye"] == {"start": "2026-01-01", "end": "2026-12-31"}
    assert body["dates"]["lock"] is None


def test_henan_closes_its_year_and_other_regions_have_the_national_set(client, examples):
    henan = client.get(f"{V1}/rules?region=410105&year=2025").get_json()
    assert henan["prefix"] == "41" and henan["dates"]["lock"] == "2025-12-15"
    beijing = client.get(f"{V1}/rules?region=110105&year=2026").get_json()
    assert beijing["prefix"] == "" and beijing["rules"]["name"] == "全国"
    assert client.get(f"{V1}/rules").get_json()["prefix"] == ""  # no region: the national set, this year


def test_with_nothing_stored_the_settings_give_the_national_set(client, app):
    app.config["ANNUAL_REQUIRED_HOURS"] = 24
    body = client.get(f"{V1}/rules?region=440106&year=2026").get_json()
    assert body["prefix"] == "" and body["rules"]["required_hours"]["total"] == 24


@pytest.mark.parametrize(("query", "code"), [("region=44", "invalid_region"), ("region=990000", "invalid_region"),
                                             ("region=４４０１０６", "invalid_region"), ("year=26", "invalid_year"),
                                             ("year=abc", "invalid_year"), ("year=" + "9" * 20, "invalid_year")])
def test_a_bad_region_or_year_is_a_400(client, examples, query, code):
    response = client.get(f"{V1}/rules?{query}")
    assert response.status_code == 400 and error_of(response)["code"] == code
    assert error_of(response)["field"] in ("region", "year")


# ---- admin: versions -------------------------------------------------------------------------

@pytest.fixture
def as_admin(client, make_user):
    """Bearer headers of an admin's API token."""
    return bearer(token_for(make_user("admin")))


def test_get_lists_a_prefix_s_versions(client, examples, as_admin):
    body = client.get(f"{V1}/admin/rules/44", headers=as_admin).get_json()
    assert body == {"prefix": "44", "versions": [GUANGDONG]}
    assert client.get(f"{V1}/admin/rules/national", headers=as_admin).get_json()["versions"] == [NATIONAL]
    assert client.get(f"{V1}/admin/rules/4401", headers=as_admin).status_code == 404
    response = client.get(f"{V1}/admin/rules/abc", headers=as_admin)
    assert response.status_code == 400 and error_of(response)["field"] == "prefix"


def test_put_creates_then_replaces_a_version_audited_as_the_admin(client, make_user, examples):
    admin = make_user("admin")
    headers = bearer(token_for(admin))
    new = {**GUANGDONG, "effective_from": "2026-06-01", "minutes_per_hour": 50}
    created = client.put(f"{V1}/admin/rules/44", json=new, headers=headers)
    assert created.status_code == 201 and created.get_json()["minutes_per_hour"] == 50
    assert answers().minutes_per_hour("440106", 2026) == 50 and answers().minutes_per_hour("440106", 2025) == 45
    replaced = client.put(f"{V1}/admin/rules/44", json={**new, "minutes_per_hour": 40}, headers=headers)
    assert replaced.status_code == 200 and answers().minutes_per_hour("440106", 2026) == 40
    assert client.put(f"{V1}/admin/rules/44", json={**new, "minutes_per_hour": 40}, headers=headers).status_code == 200
    rows = audit_rows()[len(examples):]
    assert [(row.action, row.actor_id, row.details["via"]) for row in rows] == [
        ("rules_created", admin.id, "api"), ("rules_updated", admin.id, "api")]
    assert rows[1].details["before"]["minutes_per_hour"] == 50 and rows[1].details["after"]["minutes_per_hour"] == 40


def test_the_prefix_of_the_path_wins_over_the_body(client, examples, as_admin):
    response = client.put(f"{V1}/admin/rules/4403", json={**GUANGDONG, "effective_from": "2026-01-01"},
                          headers=as_admin)
    assert response.status_code == 201 and response.get_json()["prefix"] == "4403"
    assert answers().rules_for("440305", 2026).prefix == "4403"


@pytest.mark.parametrize(("url", "body", "field"), [
    ("99", GUANGDONG, "prefix"),
    ("44", {**GUANGDONG, "required_hours": {"gongxu": -1}}, "required_hours.gongxu"),
    ("44", {**GUANGDONG, "required_hours": {"zhuanye": "many"}}, "required_hours.zhuanye"),
    ("44", {**GUANGDONG, "windows": {"gongxu": {"start": "06-01", "end": "02-01"}}}, "windows.gongxu"),
    ("44", {**GUANGDONG, "effective_from": "2026/01/01"}, "effective_from"),
    ("44", {**GUANGDONG, "minutes_per_hour": "45"}, "minutes_per_hour"),
])
def test_put_of_what_cannot_be_stored_is_a_400_naming_the_field(client, examples, as_admin, url, body, field):
    before = stored()
    response = client.put(f"{V1}/admin/rules/{url}", json=body, headers=as_admin)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_rules" and error_of(response)["field"] == field
    assert error_of(response)["message"]
    assert stored() == before


def test_put_without_a_json_object_is_a_400(client, examples, as_admin):
    response = client.put(f"{V1}/admin/rules/44", data="[1]", content_type="application/json", headers=as_admin)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_json"


def test_put_over_a_locked_year_is_a_409(client, examples, as_admin):
    before = stored()
    response = client.put(f"{V1}/admin/rules/41", json={**HENAN, "minutes_per_hour": 60}, headers=as_admin)
    assert response.status_code == 409 and error_of(response)["code"] == "locked_year"
    assert "2024" in error_of(response)["message"] and stored() == before


def test_delete_one_version_or_all_of_a_prefix(client, examples, as_admin):
    client.put(f"{V1}/admin/rules/44", json={**GUANGDONG, "effective_from": "2026-06-01"}, headers=as_admin)
    one = client.delete(f"{V1}/admin/rules/44?effective_from=2026-06-01", headers=as_admin)
    assert one.status_code == 200 and [v["effective_from"] for v in one.get_json()["versions"]] == ["2026-06-01"]
    assert count_versions() == 3
    every = client.delete(f"{V1}/admin/rules/44", headers=as_admin)
    assert every.status_code == 200 and every.get_json()["versions"] == [GUANGDONG]
    assert answers().rules_for("440106", 2026).prefix == ""
    assert [row.action for row in audit_rows()[len(examples) + 1:]] == ["rules_deleted", "rules_deleted"]
    assert client.delete(f"{V1}/admin/rules/44", headers=as_admin).status_code == 404


def test_delete_refuses_the_last_national_version_a_locked_set_and_a_bad_date(client, examples, as_admin):
    response = client.delete(f"{V1}/admin/rules/national", headers=as_admin)
    assert response.status_code == 409 and error_of(response)["code"] == "last_national"
    response = client.delete(f"{V1}/admin/rules/41", headers=as_admin)
    assert response.status_code == 409 and error_of(response)["code"] == "locked_year"
    response = client.delete(f"{V1}/admin/rules/44?effective_from=soon", headers=as_admin)
    assert response.status_code == 400 and error_of(response)["field"] == "effective_from"
    assert count_versions() == 3


def test_a_second_national_version_may_go_the_last_one_stays(client, examples, as_admin):
    client.put(f"{V1}/admin/rules/national", json={**NATIONAL, "effective_from": "2027-01-01"}, headers=as_admin)
    assert client.delete(f"{V1}/admin/rules/national?effective_from=2027-01-01", headers=as_admin).status_code == 200


@pytest.mark.parametrize("role", ["trainee", "producer", "reviewer", "bureau"])
def test_only_admins_may_call_the_admin_calls(client, make_user, examples, role):
    headers = bearer(token_for(make_user(role, region_code="440106")))
    assert client.get(f"{V1}/admin/rules/44", headers=headers).status_code == 403
    assert client.put(f"{V1}/admin/rules/44", json=GUANGDONG, headers=headers).status_code == 403
    assert client.delete(f"{V1}/admin/rules/44", headers=headers).status_code == 403
    assert error_of(client.get(f"{V1}/admin/rules/44", headers=headers))["code"] == "forbidden"
    assert count_versions() == 3


def test_signed_out_callers_get_a_401(client, examples):
    assert client.get(f"{V1}/admin/rules/44").status_code == 401
    assert client.delete(f"{V1}/admin/rules/44").status_code == 401
    assert client.get(f"{V1}/rules?region=440106").status_code == 200  # the effective rules are public
