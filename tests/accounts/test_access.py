"""The role matrix: who may open each protected page of the accounts room."""
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import ROLES
from core.extensions import db

PAGES = ["/me", "/admin/users", "/admin/users/{id}", "/admin/tokens", "/admin/audit"]
ADMIN_ONLY = {"/admin/users", "/admin/users/{id}", "/admin/tokens", "/admin/audit"}


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_login_and_back(client, make_user, page):
    path = page.format(id=make_user().id)
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_role_on_each_page(client, make_user, login, role, page):
    user = make_user(role, organisation="知新制作中心" if role == "producer" else "")
    login(user)
    expected = 200 if page not in ADMIN_ONLY or role == "admin" else 403
    response = client.get(page.format(id=user.id))
    assert response.status_code == expected
    if expected == 403:
        assert "您没有权限访问此页面" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("method, path", [
    ("post", "/admin/users/{id}"), ("post", "/admin/tokens"), ("post", "/admin/tokens/1/revoke"),
])
def test_non_admins_cannot_change_anything(client, make_user, login, role, method, path):
    user = make_user(role)
    login(user)
    response = getattr(client, method)(path.format(id=user.id), data={"role": "admin", "active": "y"})
    assert response.status_code == 403
    db.session.refresh(user)
    assert user.role == role
