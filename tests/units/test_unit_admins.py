"""Unit administrators: made on the unit's page by a bureau officer of its region or an admin,
with a one-time password shown once that must be changed at first sign-in."""
import re

import pytest
from sqlalchemy import select

from accounts.models import AuditLog, User
from core.extensions import db
from tests.conftest import PASSWORD, make_id_number
from tests.units.conftest import audit_rows


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(**changes) -> dict:
    return {"real_name": "马晓燕", "id_number": make_id_number("440305"), "phone": "13912340001", **changes}


def _admins() -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(select(User).where(User.role == "unit_admin").order_by(User.id)))


@pytest.fixture
def unit(make_unit):
    return make_unit(name="深圳市南山区人民医院", region_code="440305")


@pytest.mark.parametrize(("who", "status"), [("officer", 200), ("admin", 200), ("beijing_officer", 403),
                                             ("trainee", 403)])
def test_who_may_create_a_unit_administrator(request, client, sign_in, unit, who, status):
    sign_in(request.getfixturevalue(who))
    assert client.get(f"/units/{unit.id}").status_code == status
    response = client.post(f"/units/{unit.id}/admins", data=_form())
    assert response.status_code == status
    assert len(_admins()) == (1 if status == 200 else 0)


def test_the_one_time_password_is_shown_once_and_must_be_changed(client, sign_in, officer, unit):
    sign_in(officer)
    created = client.post(f"/units/{unit.id}/admins", data=_form())
    assert created.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="one-time-password"[^>]*value="([^"]+)"', _text(created)).group(1)
    [person] = _admins()
    assert (person.unit_id, person.must_change_password, person.region_code) == (unit.id, True, "440305")
    page = _text(client.get(f"/units/{unit.id}"))
    assert password not in page and person.masked_id_number in page and person.id_number not in page
    [row] = audit_rows("unit_admin")
    assert row.action == "unit_admin_created" and row.actor_id == officer.id
    assert password not in str(row.details) and person.id_number not in str(row.details)

    client.post("/logout")
    signed_in = client.post("/login", data={"identifier": person.phone, "password": password})
    assert signed_in.status_code == 302
    assert client.get("/").headers["Location"] == "/me"  # only the password page opens
    assert client.get("/api/v1/me").get_json()["error"]["code"] == "password_change_required"
    assert "请先设置您自己的密码" in _text(client.get("/me"))
    changed = client.post("/me", data={"current": password, "password": "my-own-pass-1", "confirm": "my-own-pass-1"})
    assert changed.status_code == 302
    assert client.get("/unit/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, person.id).must_change_password is False


def test_bad_fields_are_explained_and_nothing_is_created(client, sign_in, officer, unit, make_user):
    taken = make_user(phone="13912340002")
    sign_in(officer)
    good = make_id_number("440305")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    cases = [(_form(id_number=wrong_check), "校验"), (_form(real_name="Ma"), "汉字"),
             (_form(phone="12345"), "手机号应为11位"), (_form(phone=taken.phone), "该手机号已被其他账号使用")]
    for data, words in cases:
        response = client.post(f"/units/{unit.id}/admins", data=data)
        assert response.status_code == 200 and words in _text(response), words
    assert _admins() == []


def test_the_unit_page_lists_administrators_and_deactivates_one(client, sign_in, officer, unit, make_user,
                                                                 make_unit):
    person = make_user("unit_admin", unit_id=unit.id, region_code="440305", real_name="马晓燕")
    other = make_user("unit_admin", unit_id=make_unit(name="别的医院").id, region_code="440305")
    sign_in(officer)
    page = _text(client.get(f"/units/{unit.id}"))
    assert "马晓燕" in page and person.masked_id_number in page and person.id_number not in page
    assert client.post(f"/units/{unit.id}/admins/{other.id}/deactivate").status_code == 404
    assert client.post(f"/units/{unit.id}/admins/{person.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).active is False and db.session.get(User, other.id).active is True
    assert [row.action for row in audit_rows("unit_admin")] == ["unit_admin_deactivated"]


def test_the_admin_users_page_refuses_making_a_unit_administrator(client, sign_in, admin, trainee, make_user):
    sign_in(admin)
    data = {"role": "unit_admin", "organisation": "", "region_code": trainee.region_code, "active": "y"}
    response = client.post(f"/admin/users/{trainee.id}", data=data)
    assert response.status_code == 200 and "在那里创建单位管理员" in _text(response)
    db.session.expire_all()
    assert db.session.get(User, trainee.id).role == "trainee"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "role_granted")) is None
    person = make_user("unit_admin", region_code="440305")
    assert f"/units/{person.unit_id}" in _text(client.get(f"/admin/users/{person.id}"))


def test_a_unit_administrator_signs_in_with_a_password_of_their_own(client, login, make_user):
    person = make_user("unit_admin", region_code="440305")
    login(person, PASSWORD)
    assert client.get("/unit/").status_code == 200  # no must-change flag, nothing in the way
