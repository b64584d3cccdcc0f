"""Administration of accounts: search, masking, role changes with their audit trail."""
import pytest

from core.extensions import db
from tests.accounts.helpers import audit_rows, text


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin", real_name="管理员甲")
    login(user)
    return user


def test_admin_pages_mask_id_numbers_and_only_me_shows_them_whole(client, make_user, admin):
    trainee = make_user(real_name="赵六", id_number="11010519491231002X", phone="13912341234")
    listing = text(client.get("/admin/users"))
    detail = text(client.get(f"/admin/users/{trainee.id}"))
    audit_page = text(client.get("/admin/audit"))
    for page in (listing, detail, audit_page):
        assert "11010519491231002X" not in page
    assert "110105********002X" in listing and "110105********002X" in detail
    assert "139****1234" in listing and "13912341234" not in listing

    client.post("/logout")
    client.post("/login", data={"identifier": "13912341234", "password": "correct-horse-9"})
    assert "11010519491231002X" in text(client.get("/me"))


@pytest.mark.parametrize("query, found", [
    ("赵", {"赵六"}), ("13912341234", {"赵六"}), ("1234", {"赵六"}),
    ("11010519491231002x", {"赵六"}), ("110105194912", set()), ("钱", {"钱七"}),
])
def test_search_by_name_phone_or_whole_id_number(client, make_user, admin, query, found):
    make_user(real_name="赵六", id_number="11010519491231002X", phone="13912341234")
    make_user(real_name="钱七", phone="13800000000")
    page = text(client.get("/admin/users", query_string={"q": query}))
    assert {name for name in ("赵六", "钱七") if name in page} == found


def test_filter_by_role_and_paginate(client, make_user, admin):
    for n in range(22):
        make_user("reviewer", real_name=f"审核{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'子丑寅'[n // 10]}")
    make_user(real_name="学员某")
    first = text(client.get("/admin/users", query_string={"role": "reviewer"}))
    assert "学员某" not in first and "第 1 / 2 页" in first
    assert "role=reviewer" in first  # the next-page link keeps the filter
    second = text(client.get("/admin/users", query_string={"role": "reviewer", "page": 2}))
    assert second.count("<td class=\"primary\">") == 2  # the 21st and 22nd reviewer


def test_granting_a_role_writes_an_audit_row(client, make_user, admin):
    user = make_user()
    response = client.post(f"/admin/users/{user.id}", data={"role": "reviewer", "region_code": user.region_code,
                                                             "active": "y"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "reviewer"
    row = audit_rows("role_granted")[0]
    assert (row.actor_id, row.target, row.details) == (admin.id, f"user:{user.id}",
                                                       {"role": "reviewer", "previous": "trainee"})
    assert "变更角色" in text(client.get("/admin/audit"))


def test_a_producer_needs_an_organisation_and_a_bureau_officer_a_region(client, make_user, admin):
    user = make_user()
    page = text(client.post(f"/admin/users/{user.id}", data={"role": "producer", "region_code": "110105",
                                                             "active": "y"}))
    assert "课程制作方须填写所属机构" in page
    page = text(client.post(f"/admin/users/{user.id}", data={"role": "bureau", "region_code": "", "active": "y"}))
    assert "人社部门账号须填写有效的行政区划代码" in page
    page = text(client.post(f"/admin/users/{user.id}", data={"role": "bureau", "region_code": "991000",
                                                             "active": "y"}))
    assert "行政区划代码应为6位数字" in page
    db.session.refresh(user)
    assert user.role == "trainee" and audit_rows("role_granted") == []

    client.post(f"/admin/users/{user.id}", data={"role": "bureau", "region_code": "440300", "active": "y"})
    db.session.refresh(user)
    assert (user.role, user.region_code) == ("bureau", "440300")
    assert audit_rows("user_updated")[0].details == {"region_code": ["110105", "440300"]}


def test_deactivating_a_user_stops_them_and_is_audited(client, make_user, admin):
    user = make_user()
    client.post(f"/admin/users/{user.id}", data={"role": "trainee", "region_code": user.region_code})
    db.session.refresh(user)
    assert user.active is False
    assert audit_rows("user_deactivated")[0].target == f"user:{user.id}"
    client.post(f"/admin/users/{user.id}", data={"role": "trainee", "region_code": user.region_code, "active": "y"})
    assert audit_rows("user_activated")[0].target == f"user:{user.id}"


@pytest.mark.parametrize("data, message", [
    ({"role": "trainee", "active": "y"}, "不能取消自己的管理员角色"),
    ({"role": "admin"}, "不能停用自己的账号"),
])
def test_an_admin_cannot_demote_or_deactivate_themselves(client, admin, data, message):
    page = text(client.post(f"/admin/users/{admin.id}", data={**data, "region_code": admin.region_code}))
    assert message in page
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active
    assert client.get("/admin/users").status_code == 200


def test_an_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/99999").status_code == 404


def test_the_audit_log_is_newest_first_and_filters_by_action(client, make_user, admin):
    user = make_user()
    client.post(f"/admin/users/{user.id}", data={"role": "reviewer", "region_code": user.region_code, "active": "y"})
    client.post(f"/admin/users/{user.id}", data={"role": "reviewer", "region_code": user.region_code})
    page = text(client.get("/admin/audit"))
    assert page.index(cell("user_deactivated")) < page.index(cell("role_granted")) < page.index(cell("login"))
    filtered = text(client.get("/admin/audit", query_string={"action": "role_granted"}))
    assert cell("role_granted") in filtered
    assert cell("user_deactivated") not in filtered and cell("login") not in filtered


def cell(action: str) -> str:
    """How an action appears in a row of the audit table (the filter menu lists them all)."""
    return f'<code class="meta">{action}</code>'
