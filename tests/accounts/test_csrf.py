"""With CSRF protection on (as in production), forms without the token are refused."""
import re

import pytest

from tests.accounts.helpers import audit_rows, text, user_count
from tests.conftest import PASSWORD


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_register_without_the_token_is_refused_and_creates_nothing(client, registration):
    response = client.post("/register", data=registration)
    assert response.status_code == 400
    assert "安全令牌" in text(response)
    assert user_count() == 0


def test_login_without_the_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/me").status_code == 302
    assert audit_rows("login") == []


def test_the_forms_carry_a_working_token(client, make_user, registration):
    token = token_from(text(client.get("/register")))
    assert client.post("/register", data={**registration, "csrf_token": token}).status_code == 302
    assert user_count() == 1


def test_logout_without_the_token_keeps_the_session(client, make_user):
    user = make_user()
    token = token_from(text(client.get("/login")))
    client.post("/login", data={"identifier": user.phone, "password": PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/me").status_code == 200
