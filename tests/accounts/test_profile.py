"""The owner's own page: the one place a full ID number is shown; changing the password."""
from werkzeug.security import check_password_hash

from core.extensions import db
from tests.accounts.helpers import audit_rows, text
from tests.conftest import PASSWORD


def test_the_owner_sees_their_full_data(client, make_user, login):
    user = make_user("producer", id_number="11010519491231002X", organisation="知新制作中心",
                     employer="知新传媒", title="编辑", region_code="440305")
    login(user)
    response = client.get("/me")
    page = text(response)
    for shown in ("11010519491231002X", user.phone, "课程制作方", "广东省深圳市南山区（440305）", "知新传媒", "编辑",
                  "知新制作中心"):
        assert shown in page
    assert response.headers["Cache-Control"] == "no-store"


def test_changing_the_password_needs_the_current_one(client, make_user, login):
    user = make_user()
    login(user)
    page = text(client.post("/me", data={"current": "wrong-one", "password": "new-password-1",
                                         "confirm": "new-password-1"}))
    assert "当前密码不正确" in page
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)


def test_a_new_password_must_be_valid_and_confirmed(client, make_user, login):
    login(make_user())
    page = text(client.post("/me", data={"current": PASSWORD, "password": "short", "confirm": "short"}))
    assert "密码至少需要8个字符" in page
    page = text(client.post("/me", data={"current": PASSWORD, "password": "new-password-1", "confirm": "other-one-1"}))
    assert "两次输入的密码不一致" in page


def test_a_changed_password_is_the_one_that_works(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post("/me", data={"current": PASSWORD, "password": "new-password-1",
                                        "confirm": "new-password-1"})
    assert response.status_code == 302
    assert audit_rows("password_changed")[0].actor_id == user.id
    client.post("/logout")
    assert client.post("/login", data={"identifier": user.phone, "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"identifier": user.phone, "password": "new-password-1"}).status_code == 302
