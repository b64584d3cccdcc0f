"""The scope matrix: province, city and county officers × trainees inside and outside × every surface.

Each surface (the 学时记录 page, the CSV and XLSX exports, the docking API) must return exactly
the trainees of the officer's area, or 403 for a region outside it; nothing else leaks.
"""
import pytest

from accounts.idnumber import mask_id_number
from accounts.models import AuditLog
from core.extensions import db
from tests.bureau.records_helpers import bearer, credit, read_csv, token_for, xlsx_rows

TRAINEES = {"440305": "赵甲", "440306": "钱乙", "440100": "孙丙", "450100": "李丁"}
SEES = {
    "440000": {"440305", "440306", "440100"},
    "440300": {"440305", "440306"},
    "440305": {"440305"},
}
SURFACES = ("page", "csv", "xlsx", "api")


@pytest.fixture
def world(make_user, make_course):
    course = make_course("网络安全法解读")
    trainees = {}
    for region, name in TRAINEES.items():
        trainees[region] = make_user(real_name=name, region_code=region, employer=f"{name}的单位")
        credit(trainees[region], course)
    return trainees


def fetch(client, surface: str, query: dict | None = None, headers: dict | None = None):
    """(status, the response) of ``surface`` for the current session or ``headers``."""
    path = {"page": "/bureau/records", "csv": "/bureau/exports/records.csv",
            "xlsx": "/bureau/exports/records.xlsx", "api": "/api/v1/bureau/records"}[surface]
    response = client.get(path, query_string=query or {}, headers=headers or {}, buffered=True)
    return response.status_code, response


def names_in(surface: str, response) -> set[str]:
    """The trainee names a surface returned (the page: the names that appear anywhere in it)."""
    if surface == "page":
        text = response.get_data(as_text=True)
        return {name for name in TRAINEES.values() if name in text}
    if surface == "csv":
        return {row[0] for row in read_csv(response)}
    if surface == "xlsx":
        return {row[0] for row in xlsx_rows(response)}
    return {item["name"] for item in response.get_json()["items"]}


def assert_no_leak(response, world, visible: set[str]) -> None:
    body = response.get_data()
    for region, trainee in world.items():
        if region not in visible:
            for secret in (trainee.real_name, trainee.id_number, mask_id_number(trainee.id_number), trainee.phone):
                assert secret.encode() not in body, (region, secret)


def officer_access(client, login, make_user, region: str, surface: str) -> dict:
    """Sign the officer in (page and exports) or give a Bearer token (API); returns request headers."""
    officer = make_user("bureau", real_name="王科长", region_code=region)
    if surface == "api":
        return bearer(token_for(officer))
    login(officer)
    return {}


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("region", sorted(SEES))
def test_each_officer_sees_exactly_their_area(client, login, make_user, world, region, surface):
    headers = officer_access(client, login, make_user, region, surface)
    status, response = fetch(client, surface, headers=headers)
    assert status == 200
    assert names_in(surface, response) == {TRAINEES[code] for code in SEES[region]}
    assert_no_leak(response, world, SEES[region])


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("region,asked", [
    ("440000", "450100"), ("440300", "440100"), ("440300", "440000"), ("440305", "440306"),
    ("440305", "440300"),
])
def test_a_region_outside_the_scope_is_refused(client, login, make_user, world, region, asked, surface):
    headers = officer_access(client, login, make_user, region, surface)
    status, response = fetch(client, surface, {"region": asked}, headers)
    assert status == 403
    assert_no_leak(response, world, set())
    if surface == "api":
        assert response.get_json()["error"]["code"] == "forbidden_region"
    elif surface == "page":
        assert "不在您的管辖范围内" in response.get_data(as_text=True)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("region,asked,visible", [
    ("440000", "440300", {"440305", "440306"}), ("440000", "440100", {"440100"}),
    ("440300", "440306", {"440306"}), ("440305", "440305", {"440305"}),
])
def test_a_region_inside_narrows(client, login, make_user, world, region, asked, visible, surface):
    headers = officer_access(client, login, make_user, region, surface)
    status, response = fetch(client, surface, {"region": asked}, headers)
    assert status == 200
    assert names_in(surface, response) == {TRAINEES[code] for code in visible}
    assert_no_leak(response, world, visible)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("role", ["trainee", "producer", "reviewer", "admin"])
def test_other_roles_are_refused(client, login, make_user, world, role, surface):
    user = make_user(role, region_code="440300", organisation="知新制作中心")
    if surface == "api":
        headers = bearer(token_for(user))
    else:
        login(user)
        headers = {}
    status, response = fetch(client, surface, headers=headers)
    assert status == 403
    assert_no_leak(response, world, set())


@pytest.mark.parametrize("surface", SURFACES)
def test_anonymous_visitors_are_sent_to_login_or_refused(client, world, surface):
    status, response = fetch(client, surface)
    if surface == "api":
        assert status == 401
    else:
        assert status in (302, 303) and "/login" in response.headers["Location"]
    assert_no_leak(response, world, set())


@pytest.mark.parametrize("surface", ["csv", "xlsx", "api"])
def test_a_wrong_bearer_token_is_401(client, world, surface):
    status, response = fetch(client, surface, headers=bearer("zx_not-a-token"))
    assert status == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("surface", ["csv", "xlsx", "api"])
def test_a_token_with_a_narrower_region_sees_only_that_region(client, make_user, world, surface):
    officer = make_user("bureau", real_name="王科长", region_code="440000")
    headers = bearer(token_for(officer, region="440306"))
    status, response = fetch(client, surface, headers=headers)
    assert status == 200
    assert names_in(surface, response) == {"钱乙"}
    assert_no_leak(response, world, {"440306"})
    status, response = fetch(client, surface, {"region": "440305"}, headers)
    assert status == 403
    assert_no_leak(response, world, set())


@pytest.mark.parametrize("surface", ["csv", "xlsx"])
def test_a_bearer_export_is_audited_with_its_token(client, make_user, world, surface):
    officer = make_user("bureau", real_name="王科长", region_code="440300")
    status, response = fetch(client, surface, headers=bearer(token_for(officer)))
    assert status == 200
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "records_exported")).one()
    assert entry.actor_id == officer.id and entry.details["rows"] == 2
    assert entry.details["via"].startswith("token:") and entry.details["scope"] == "440300"
