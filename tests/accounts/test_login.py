"""Signing in by ID number or phone, failing without telling why, signing out."""
from urllib.parse import urlsplit

import pytest

from core.extensions import db
from tests.accounts.helpers import audit_rows, text
from tests.conftest import PASSWORD

GENERIC = "身份证号/手机号或密码不正确"


def sign_in(client, identifier, password=PASSWORD, path="/login"):
    return client.post(path, data={"identifier": identifier, "password": password})


def test_sign_in_by_phone_records_the_time_and_an_audit_row(client, make_user):
    user = make_user()
    assert user.last_login_at is None

    response = sign_in(client, user.phone)

    assert response.status_code == 302 and urlsplit(response.location).path == "/me/centre"  # the trainee's landing
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert client.get("/me").status_code == 200
    assert audit_rows("login")[0].actor_id == user.id


@pytest.mark.parametrize("typed", ["11010519491231002X", "11010519491231002x", " 11010519491231002x "])
def test_sign_in_by_id_number_in_either_case(client, make_user, typed):
    make_user(id_number="11010519491231002X")
    assert sign_in(client, typed).status_code == 302
    assert client.get("/me").status_code == 200


@pytest.mark.parametrize("who", ["wrong password", "unknown phone", "unknown id"])
def test_failures_get_one_generic_message_and_a_masked_audit_row(client, make_user, who):
    user = make_user(id_number="11010519491231002X", phone="13912341234")
    identifier, password = {
        "wrong password": ("13912341234", "not-the-password"),
        "unknown phone": ("13800000000", PASSWORD),
        "unknown id": ("11010519491231002x".replace("1949", "1950"), PASSWORD),
    }[who]

    response = sign_in(client, identifier, password)

    assert response.status_code == 200
    assert GENERIC in text(response)
    assert client.get("/me").status_code == 302
    row = audit_rows("login_failed")[0]
    assert row.actor_id is None
    assert row.target in ("139****1234", "138****0000", "110105********002X")
    stored = f"{row.target} {row.details}"
    assert identifier.upper() not in stored.upper() and password not in stored
    db.session.refresh(user)
    assert user.last_login_at is None


def test_an_inactive_account_cannot_sign_in(client, make_user):
    user = make_user(active=False)
    response = sign_in(client, user.phone)
    assert response.status_code == 200
    assert "该账号已停用" in text(response)
    assert client.get("/me").status_code == 302
    assert audit_rows("login_failed")[0].details == {"reason": "inactive"}


def test_an_inactive_account_with_a_wrong_password_learns_nothing(client, make_user):
    user = make_user(active=False)
    page = text(sign_in(client, user.phone, "wrong-password"))
    assert GENERIC in page and "停用" not in page


def test_empty_fields_are_asked_for(client):
    page = text(client.post("/login", data={"identifier": "", "password": ""}))
    assert "请填写身份证号或手机号" in page and "请填写密码" in page


@pytest.mark.parametrize("target, expected", [
    ("/courses/1", "/courses/1"),
    ("/courses/1?tab=lessons", "/courses/1?tab=lessons"),
    ("https://evil.example/", "/me/centre"),
    ("//evil.example", "/me/centre"),
    ("/\\evil.example", "/me/centre"),
    ("javascript:alert(1)", "/me/centre"),
])
def test_next_is_honoured_only_on_this_site(client, make_user, target, expected):
    user = make_user()
    response = client.post("/login", query_string={"next": target},
                           data={"identifier": user.phone, "password": PASSWORD})
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.netloc in ("", "localhost")
    assert location.path + (f"?{location.query}" if location.query else "") == expected


def test_the_login_form_keeps_a_safe_next_and_drops_an_unsafe_one(client):
    assert 'action="/login?next=/courses/1"' in text(client.get("/login?next=/courses/1"))
    assert 'action="/login" ' in text(client.get("/login?next=//evil.example"))


def test_a_signed_in_user_visiting_login_goes_on(client, make_user, login):
    login(make_user())
    response = client.get("/login?next=/courses/2")
    assert response.status_code == 302 and response.location.endswith("/courses/2")


def test_logout_is_post_only_and_ends_the_session(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/me").status_code == 200

    response = client.post("/logout")

    assert response.status_code == 302 and urlsplit(response.location).path == "/"
    assert client.get("/me").status_code == 302


def test_a_deactivated_user_loses_an_open_session(client, make_user, login):
    user = make_user()
    login(user)
    user.active = False
    db.session.commit()
    assert client.get("/me").status_code == 302
