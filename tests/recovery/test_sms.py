"""忘记密码 by SMS through the Aliyun SendSms adapter, against a local stand-in of that API that
checks each request's signature: the code arrives, works once, is kept only as an HMAC, allows
a few wrong guesses; sending is rate limited per phone and per address; off by default."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from core.extensions import db, limiter
from recovery import sms
from recovery.models import PasswordReset
from tests.accounts.helpers import audit_rows, text
from tests.conftest import PASSWORD
from tests.recovery.conftest import ACCESS_KEY_SECRET, expected_signature

NEW = "a-new-password-9"


def reset(client, phone, code, password=NEW):
    return client.post("/password/sms/reset", data={"phone": phone, "code": code, "password": password,
                                                    "confirm": password})


def test_the_code_arrives_signed_and_sets_a_new_password_once(client, make_user, sms_gateway):
    user = make_user()
    asked = client.post("/password/sms", data={"phone": user.phone})
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/password/sms/reset")
    assert sms_gateway.refused == []
    [code] = sms_gateway.codes_to(user.phone)
    assert f'value="{user.phone}"' in text(client.get("/password/sms/reset"))  # filled in from step one
    stored = db.session.scalars(select(PasswordReset.secret_hash)).one()
    assert code not in stored and len(stored) == 64
    assert reset(client, user.phone, code).status_code == 302
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)
    assert "验证码不正确或已失效" in text(reset(client, user.phone, code, "another-one-9"))
    assert [row.details for row in audit_rows("password_reset")] == [{"channel": "sms"}]


def test_wrong_guesses_spend_the_code(app, client, make_user, sms_gateway):
    user = make_user()
    client.post("/password/sms", data={"phone": user.phone})
    [code] = sms_gateway.codes_to(user.phone)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(app.config["SMS_CODE_ATTEMPTS"]):
        assert "验证码不正确或已失效" in text(reset(client, user.phone, wrong))
    assert "验证码不正确或已失效" in text(reset(client, user.phone, code))  # right, but too late
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)


def test_an_unknown_phone_gets_the_same_answer_and_no_message(client, make_user, sms_gateway):
    response = client.post("/password/sms", data={"phone": "13600001111"}, follow_redirects=True)
    assert "如该手机号已注册，验证码已发送" in text(response)
    assert sms_gateway.messages == [] and sms_gateway.refused == []


def test_the_adapter_signs_as_aliyun_documents():
    # RFC 3986 encoding: a space is %20 (not +), * is %2A, ~ stays; UTF-8 bytes for Chinese.
    assert sms.canonical_query({"b": "x y*~", "a": "知"}) == "a=%E7%9F%A5&b=x%20y%2A~"
    made = sms.send_sms_params({**sms_settings_for_test(), "SMS_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET}, "13600001111",
                               "123456", datetime(2026, 12, 4, 8, 0, tzinfo=UTC), nonce="n1")
    assert made["Timestamp"] == "2026-12-04T08:00:00Z" and made["TemplateParam"] == '{"code":"123456"}'
    assert made["Action"] == "SendSms" and made["Version"] == "2017-05-25"
    assert made["Signature"] == expected_signature(made)  # the stand-in's own implementation agrees


def sms_settings_for_test() -> dict:
    return {"SMS_ACCESS_KEY_ID": "LTAI-test-id", "SMS_SIGN_NAME": "知新学习", "SMS_TEMPLATE_CODE": "SMS_000001"}


def test_a_provider_refusal_is_an_error_the_request_does_not_see(app, client, make_user, sms_gateway, caplog):
    sms_gateway.fail = True
    user = make_user()
    assert client.post("/password/sms", data={"phone": user.phone}).status_code == 302
    assert "BUSINESS_LIMIT_CONTROL" in caplog.text and sms_gateway.messages == []
    with pytest.raises(sms.SmsNotSent, match="IncompleteSignature"):
        sms.send_code({**app.config, "SMS_ACCESS_KEY_SECRET": "wrong"}, user.phone, "123456",
                      datetime(2026, 12, 4, tzinfo=UTC))


class TestRateLimits:
    @pytest.fixture
    def app_overrides(self, app_overrides):
        return {**app_overrides, "RATELIMIT_ENABLED": True, "SMS_PHONE_RATE_LIMIT": "2 per hour",
                "SMS_IP_RATE_LIMIT": "3 per hour"}

    @pytest.fixture(autouse=True)
    def fresh_limits(self, app):
        limiter.reset()

    def test_one_phone_gets_only_so_many_codes_from_any_address(self, client, make_user, sms_gateway):
        user = make_user()
        answers = [client.post("/password/sms", data={"phone": user.phone},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(3)]
        assert answers == [302, 302, 429] and len(sms_gateway.codes_to(user.phone)) == 2
        other = make_user()
        assert client.post("/password/sms", data={"phone": other.phone},
                           environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302

    def test_one_address_asks_only_so_often(self, client, make_user, sms_gateway):
        phones = [make_user().phone for _ in range(4)]
        answers = [client.post("/password/sms", data={"phone": phone}, environ_base={"REMOTE_ADDR": "10.0.1.1"})
                   .status_code for phone in phones]
        assert answers == [302, 302, 302, 429] and len(sms_gateway.messages) == 3
        assert "操作过于频繁" in text(client.post("/password/sms", data={"phone": phones[0]},
                                               environ_base={"REMOTE_ADDR": "10.0.1.1"}))


class TestSmsOff:
    @pytest.fixture
    def app_overrides(self, smtp):
        return {"SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"}

    def test_there_is_no_sms_way_by_default(self, client):
        assert client.get("/password/sms").status_code == 404
        assert client.get("/password/sms/reset").status_code == 404
        assert "短信验证码" not in text(client.get("/password/forgot"))
        assert client.post("/api/v1/password/sms", json={"phone": "13600001111"}).status_code == 404
