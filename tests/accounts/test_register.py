"""Registering as a trainee: every field checked, nothing half-created, then signed in."""
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from tests.accounts.helpers import audit_rows, text, user_count


def test_a_valid_registration_creates_a_signed_in_trainee(client, registration):
    response = client.post("/register", data=registration)

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/me/unit"  # the new trainee chooses their unit first
    user = db.session.scalar(select(User).where(User.id_number == registration["id_number"]))
    assert (user.role, user.real_name, user.phone, user.title) == ("trainee", "李华", registration["phone"], "主治医师")
    assert user.region_code == "440305"  # from the ID number, as the field was left empty
    assert user.password_hash.startswith("scrypt:")
    assert registration["password"] not in user.password_hash
    me = client.get("/me")
    assert me.status_code == 200 and "注册成功" in text(me)  # signed in, and the flash shows
    assert audit_rows("user_registered")[0].actor_id == user.id


def test_registration_follows_a_safe_next_and_keeps_the_region_given(client, registration):
    response = client.post("/register?next=/courses/1", data={**registration, "region_code": "110105"})
    assert response.location.endswith("/courses/1")
    assert db.session.scalar(select(User.region_code)) == "110105"


def test_a_lower_case_x_is_stored_upper_case(client, registration):
    registration["id_number"] = "11010519491231002x"
    assert client.post("/register", data=registration).status_code == 302
    assert db.session.scalar(select(User.id_number)) == "11010519491231002X"


@pytest.mark.parametrize("field, value, message", [
    ("real_name", "", "请填写真实姓名"),
    ("real_name", "王", "姓名应为2至32个字"),
    ("real_name", "Wang Wei", "姓名只能包含汉字"),
    ("id_number", "", "请填写身份证号"),
    ("id_number", "4403051985030110", "身份证号应为18位"),
    ("id_number", "44030519850301ABCD", "前17位应为数字"),
    ("id_number", "110105199902301230", "出生日期不存在"),
    ("id_number", "110105194912310021", "校验位不正确"),
    ("phone", "", "请填写手机号"),
    ("phone", "23912345678", "手机号应为11位"),
    ("phone", "1391234567", "手机号应为11位"),
    ("employer", "   ", "请填写工作单位"),
    ("region_code", "12345", "行政区划代码应为6位数字"),
    ("region_code", "990100", "行政区划代码应为6位数字"),
    ("title", "职" * 65, "职称不能超过64个字"),
    ("password", "short", "密码至少需要8个字符"),
    ("confirm", "another-password", "两次输入的密码不一致"),
    ("confirm", "", "请再次输入密码"),
])
def test_any_single_invalid_field_creates_nothing_and_says_why(client, registration, field, value, message):
    response = client.post("/register", data={**registration, field: value})

    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert user_count() == 0
    assert client.get("/me").status_code == 302  # not signed in


def test_every_invalid_field_gets_its_own_message(client):
    response = client.post("/register", data={"real_name": "A", "id_number": "1", "phone": "2", "password": "x"})
    page = text(response)
    for message in ("姓名应为2至32个字", "身份证号应为18位", "手机号应为11位", "请填写工作单位", "密码至少需要8个字符"):
        assert message in page
    assert user_count() == 0


@pytest.mark.parametrize("field, message", [("id_number", "该身份证号已注册"), ("phone", "该手机号已被其他账号使用")])
def test_an_id_number_or_phone_already_registered_is_refused(client, make_user, registration, field, message):
    make_user(**{field: registration[field]})
    response = client.post("/register", data=registration)

    assert response.status_code == 200
    assert message in text(response)
    assert user_count() == 1


def test_the_same_id_number_typed_with_lower_case_x_is_a_duplicate(client, make_user, registration):
    make_user(id_number="11010519491231002X")
    response = client.post("/register", data={**registration, "id_number": "11010519491231002x"})
    assert "该身份证号已注册" in text(response)
    assert user_count() == 1


def test_the_form_does_not_echo_the_password(client, registration):
    response = client.post("/register", data={**registration, "real_name": ""})
    assert registration["password"] not in text(response)


def test_a_signed_in_user_is_sent_on_from_the_register_page(client, make_user, login):
    login(make_user())
    assert client.get("/register").status_code == 302
