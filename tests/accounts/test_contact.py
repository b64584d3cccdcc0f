"""The owner changes their phone and e-mail (after the password) and 职称, on the profile page
and through /api/v1/me; each change is audited, masked."""
import pytest

from core.extensions import db
from openapi.openapi import spec
from tests.accounts.helpers import audit_rows, text
from tests.conftest import PASSWORD
from tests.openapi.openapi_checker import Checker


def fresh(user):
    db.session.expire_all()
    return db.session.get(type(user), user.id)


def test_the_profile_offers_each_change(client, make_user, sign_in):
    sign_in(make_user())
    page = text(client.get("/me"))
    for action in ('action="/me/phone"', 'action="/me/email"', 'action="/me/title"', 'href="/me/unit#find-unit"'):
        assert action in page
    assert "申请调换工作单位" in page


def test_the_phone_changes_only_with_the_password(client, make_user, login):
    user = make_user(phone="13700000001")
    login(user)
    page = text(client.post("/me/phone", data={"phone": "13700000002", "current": "wrong-pass"},
                            follow_redirects=True))
    assert "当前密码不正确" in page and fresh(user).phone == "13700000001"
    page = text(client.post("/me/phone", data={"phone": "13700000002", "current": ""}, follow_redirects=True))
    assert "请填写当前密码" in page
    page = text(client.post("/me/phone", data={"phone": "1390000", "current": PASSWORD}, follow_redirects=True))
    assert "手机号应为11位中国大陆手机号码" in page
    page = text(client.post("/me/phone", data={"phone": "+86 137 0000 0002", "current": PASSWORD},
                            follow_redirects=True))
    assert "手机号已更换" in page and fresh(user).phone == "13700000002"
    [row] = audit_rows("phone_changed")
    assert row.actor_id == user.id and row.details == {"old": "137****0001", "new": "137****0002"}
    client.post("/logout")
    assert client.post("/login", data={"identifier": "13700000002", "password": PASSWORD}).status_code == 302


def test_a_phone_another_account_holds_is_refused(client, make_user, login):
    make_user(phone="13700000009")
    user = make_user(phone="13700000001")
    login(user)
    page = text(client.post("/me/phone", data={"phone": "13700000009", "current": PASSWORD}, follow_redirects=True))
    assert "该手机号已被其他账号使用" in page and fresh(user).phone == "13700000001"
    assert audit_rows("phone_changed") == []


def test_the_email_changes_only_with_the_password(client, make_user, login):
    user = make_user()
    login(user)
    page = text(client.post("/me/email", data={"email": "chen@example.com", "current": "wrong-pass"},
                            follow_redirects=True))
    assert "当前密码不正确" in page and fresh(user).email == ""
    client.post("/me/email", data={"email": "chen@Example.com", "current": PASSWORD})
    assert fresh(user).email == "chen@example.com"
    assert [row.details for row in audit_rows("email_changed")] == [{"cleared": False}]


def test_the_title_is_edited_and_logged(client, make_user, sign_in):
    user = make_user(title="")
    sign_in(user)
    assert "职称已保存" in text(client.post("/me/title", data={"title": " 副主任医师 "}, follow_redirects=True))
    assert fresh(user).title == "副主任医师"
    assert "职称不能超过64个字" in text(client.post("/me/title", data={"title": "长" * 65}, follow_redirects=True))
    [row] = audit_rows("title_changed")
    assert row.details == {"old": "", "new": "副主任医师"}


def test_changing_the_password_signs_out_other_sessions_but_not_this_one(app, client, make_user, login):
    user = make_user()
    login(user)
    other = app.test_client()
    other.post("/login", data={"identifier": user.phone, "password": PASSWORD})
    assert other.get("/me").status_code == 200
    client.post("/me", data={"current": PASSWORD, "password": "new-password-1", "confirm": "new-password-1"})
    assert client.get("/me").status_code == 200
    assert other.get("/me").status_code == 302


class TestApi:
    @pytest.fixture
    def api(self, client):
        checker = Checker(spec())

        def call(method: str, template: str, **kwargs):
            return checker.check(client.open(template, method=method.upper(), **kwargs), template, method)

        call.checker = checker
        return call

    def test_phone_email_and_title_through_the_api(self, api, make_user, sign_in):
        make_user(phone="13700000009")
        user = make_user(phone="13700000001")
        sign_in(user)
        assert api("patch", "/api/v1/me", json={"title": "工程师"}).get_json()["title"] == "工程师"
        refused = api("put", "/api/v1/me/phone", json={"phone": "13700000002", "password": "wrong-pass"})
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "wrong_password"
        taken = api("put", "/api/v1/me/phone", json={"phone": "13700000009", "password": PASSWORD})
        assert taken.status_code == 409
        assert api("put", "/api/v1/me/phone", json={"phone": "139", "password": PASSWORD}).status_code == 422
        done = api("put", "/api/v1/me/phone", json={"phone": "13700000002", "password": PASSWORD})
        assert done.status_code == 200 and done.get_json()["phone"] == "137****0002"
        mailed = api("put", "/api/v1/me/email", json={"email": "chen@example.com", "password": PASSWORD})
        assert mailed.get_json()["has_email"] is True
        assert api("patch", "/api/v1/me", data="not json").status_code == 400
        assert [len(audit_rows(a)) for a in ("title_changed", "phone_changed", "email_changed")] == [1, 1, 1]
        wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
                  if "profile" in op["tags"]}
        assert wanted - {(path, method) for path, method, _status in api.checker.seen} == set()


def test_an_account_that_must_change_its_password_sees_only_that_form(client, make_user, sign_in):
    sign_in(make_user(must_change_password=True))
    page = text(client.get("/me"))
    assert 'action="/me"' in page and 'action="/me/phone"' not in page and 'action="/me/email"' not in page
