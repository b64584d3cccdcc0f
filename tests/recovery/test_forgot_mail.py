"""忘记密码 by e-mail: the link read from a real SMTP server, used once, refused after expiry; the
same answer for every identifier; a reset ends the account's sessions everywhere."""
from datetime import timedelta

from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from core.db import utcnow
from core.extensions import db
from learning.models import WatchSession
from recovery.models import PasswordReset
from tests.accounts.helpers import audit_rows, text
from tests.conftest import PASSWORD, sign_in_as
from tests.recovery.conftest import link_in

NEW = "a-new-password-9"
SENT = "如果该账号已登记电子邮箱，重置密码的链接已发送到该邮箱"


def ask(client, identifier):
    return client.post("/password/forgot", data={"identifier": identifier})


def test_the_login_page_leads_to_forgot_password(client):
    assert 'href="/password/forgot"' in text(client.get("/login"))
    page = text(client.get("/password/forgot"))
    assert "身份证号或手机号" in page and "请联系本单位的单位管理员" in page


def test_the_mailed_link_sets_a_new_password_once(app, client, make_user, smtp):
    user = make_user(email="chen@example.com", real_name="陈学文")
    assert SENT in text(ask(client, user.id_number.lower()))
    [message] = smtp.messages()
    assert message["To"] == "chen@example.com" and message["Subject"] == "知新：重置密码"
    assert "陈学文" in message.get_content() and "30 分钟" in message.get_content()
    link = link_in(smtp)
    assert "设置新密码" in text(client.get(link))
    done = client.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW) and not user.must_change_password
    again = client.get(link)
    assert again.status_code == 410 and "该链接已使用过" in text(again)
    assert client.post(link, data={"password": "another-one-1", "confirm": "another-one-1"}).status_code == 410
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)
    assert [row.details for row in audit_rows("password_reset")] == [{"channel": "email"}]
    assert [row.details for row in audit_rows("password_reset_requested")] == [{"channel": "email"}]


def test_the_new_password_follows_the_registration_rules(client, make_user, smtp):
    ask(client, make_user(email="chen@example.com").phone)
    link = link_in(smtp)
    assert "密码至少需要8个字符" in text(client.post(link, data={"password": "short", "confirm": "short"}))
    assert "两次输入的密码不一致" in text(client.post(link, data={"password": NEW, "confirm": NEW + "x"}))
    assert client.get(link).status_code == 200  # still unused


def test_an_expired_link_is_refused(client, make_user, smtp):
    user = make_user(email="chen@example.com")
    ask(client, user.phone)
    link = link_in(smtp)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post(link, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 410 and "该链接已过期" in text(response)
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)


def test_a_forged_or_altered_link_is_refused(client, make_user, smtp):
    ask(client, make_user(email="chen@example.com").phone)
    link = link_in(smtp)
    assert client.get(link[:-3] + "abc").status_code == 404
    assert client.get("/password/reset/nothing-here").status_code == 404


def test_a_newer_link_replaces_the_older(client, make_user, smtp):
    user = make_user(email="chen@example.com")
    ask(client, user.phone)
    first = link_in(smtp)
    ask(client, user.phone)
    second = link_in(smtp)
    assert client.get(first).status_code == 410 and client.get(second).status_code == 200


def test_the_answer_is_the_same_whether_or_not_an_account_exists(client, make_user, smtp):
    with_mail = make_user(email="chen@example.com")
    without_mail = make_user()
    disabled = make_user(email="off@example.com", active=False)
    pages = [text(ask(client, typed)) for typed in (with_mail.phone, without_mail.phone, disabled.phone,
                                                     "13600000000", "11010519491231002X")]
    assert all(SENT in page for page in pages)
    assert [m["To"] for m in smtp.messages()] == ["chen@example.com"]
    assert db.session.scalars(select(PasswordReset.user_id)).all() == [with_mail.id]


def test_without_mail_the_page_says_so(app, client, make_user):
    app.config["SMTP_URL"] = ""
    page = text(client.get("/password/forgot"))
    assert "本平台暂未开通邮件找回密码" in page and "请联系本单位的单位管理员" in page


def test_a_reset_signs_the_account_out_everywhere(app, client, make_user, make_course, smtp):
    user = make_user(email="chen@example.com")
    elsewhere = app.test_client()
    sign_in_as(elsewhere, user)
    assert elsewhere.get("/me").status_code == 200
    lesson = make_course().lessons[0]
    opened = elsewhere.post(f"/api/v1/lessons/{lesson.id}/sessions")
    assert opened.status_code == 201
    ask(client, user.phone)
    client.post(link_in(smtp), data={"password": NEW, "confirm": NEW})
    response = elsewhere.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(WatchSession, opened.get_json()["id"]).open is False
    assert client.post("/login", data={"identifier": user.phone, "password": NEW}).status_code == 302
