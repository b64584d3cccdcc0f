"""The address notices are mailed to, set (or cleared) by its owner on the profile page, with
their password (accounts.contact)."""
import re

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from tests.conftest import PASSWORD


def text(response) -> str:
    return response.get_data(as_text=True)


def email_of(user) -> str:
    db.session.expire_all()
    return db.session.get(type(user), user.id).email


def test_the_owner_sets_and_clears_their_address(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    page = text(client.get("/me"))
    assert 'action="/me/email"' in page and "本平台暂未开通邮件通知" in page
    response = client.post("/me/email", data={"email": "  Chen.Xuewen+notices@Example.COM ", "current": PASSWORD},
                           follow_redirects=True)
    assert "电子邮箱已保存" in text(response)
    assert email_of(user) == "Chen.Xuewen+notices@example.com"
    assert 'value="Chen.Xuewen+notices@example.com"' in text(client.get("/me"))
    assert "电子邮箱已清除" in text(client.post("/me/email", data={"email": "", "current": PASSWORD},
                                            follow_redirects=True))
    assert email_of(user) == ""
    client.post("/me/email", data={"email": "", "current": PASSWORD})  # no change: not logged again
    logged = list(db.session.scalars(select(AuditLog).where(AuditLog.action == "email_changed").order_by(AuditLog.id)))
    assert [(row.actor_id, row.details) for row in logged] == [(user.id, {"cleared": False}),
                                                               (user.id, {"cleared": True})]
    assert "example.com" not in str([row.details for row in logged])


MALFORMED = ["chen", "chen@example", "chen xuewen@example.com", "chen@example.com\r\nBcc: x@evil.example",
             "陈@example.com", "chen@@example.com", "chen@-example.com", "a" * 65 + "@example.com",
             "Chen <chen@example.com>", "chen@example.com,wang@example.com"]


@pytest.mark.parametrize("typed", MALFORMED)
def test_a_malformed_address_is_refused_and_nothing_changes(client, make_user, sign_in, typed):
    user = make_user(email="old@example.com")
    sign_in(user)
    page = text(client.post("/me/email", data={"email": typed, "current": PASSWORD}, follow_redirects=True))
    assert "请填写有效的电子邮箱地址，如 name@example.com。" in page
    assert email_of(user) == "old@example.com"


def test_the_page_says_notices_are_mailed_when_mail_is_on(app, client, make_user, sign_in):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    sign_in(make_user())
    assert "站内通知也会发送到此邮箱" in text(client.get("/me"))


def test_it_needs_a_signed_in_user(client):
    response = client.post("/me/email", data={"email": "chen@example.com"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_form_needs_the_pages_token(self, client, make_user, sign_in):
        user = make_user()
        sign_in(user)
        assert client.post("/me/email", data={"email": "chen@example.com", "current": PASSWORD}).status_code == 400
        assert email_of(user) == ""
        page = text(client.get("/me"))
        token = re.search(r'action="/me/email"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)
        sent = client.post("/me/email", data={"email": "chen@example.com", "current": PASSWORD,
                                              "csrf_token": token.group(1)})
        assert sent.status_code == 302
        assert email_of(user) == "chen@example.com"
