"""忘记密码 through /api/v1/password/…: the same steps as the pages, each answer checked against
the OpenAPI document; anonymous calls need no CSRF token."""
import pytest
from werkzeug.security import check_password_hash

from core.extensions import db
from openapi.openapi import spec
from tests.openapi.openapi_checker import Checker
from tests.recovery.conftest import link_in

NEW = "a-new-password-9"


@pytest.fixture
def app_overrides(app_overrides):
    return {**app_overrides, "WTF_CSRF_ENABLED": True}  # as in production: the calls must pass without a token


@pytest.fixture
def api(client):
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        return checker.check(client.open(url or template, method=method.upper(), **kwargs), template, method)

    call.checker = checker
    return call


def covered(api, tag: str) -> None:
    """Every operation tagged ``tag`` was called at least once."""
    wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
              if tag in op["tags"]}
    assert wanted - {(path, method) for path, method, _status in api.checker.seen} == set()


def test_a_link_by_mail_then_a_new_password(api, make_user, smtp):
    user = make_user(email="chen@example.com")
    for typed in (user.phone, "13600000000"):
        assert api("post", "/api/v1/password/forgot", json={"identifier": typed}).status_code == 202
    assert len(smtp.messages()) == 1
    token = link_in(smtp).rsplit("/", 1)[1]
    assert api("post", "/api/v1/password/reset", json={"token": token, "password": "short"}).status_code == 422
    assert api("post", "/api/v1/password/reset", json={"token": token, "password": NEW}).status_code == 200
    again = api("post", "/api/v1/password/reset", json={"token": token, "password": NEW})
    assert again.status_code == 410 and again.get_json()["error"]["code"] == "link_used"
    assert api("post", "/api/v1/password/reset", json={"token": "x" + token, "password": NEW}).status_code == 404
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)
    assert api("post", "/api/v1/password/forgot", json={"identifier": ""}).status_code == 422


def test_a_code_by_sms_then_a_new_password(api, make_user, sms_gateway):
    user = make_user()
    assert api("post", "/api/v1/password/sms", json={"phone": user.phone}).status_code == 202
    assert api("post", "/api/v1/password/sms", json={"phone": "12"}).status_code == 422
    [code] = sms_gateway.codes_to(user.phone)
    wrong = api("post", "/api/v1/password/sms/reset", json={"phone": user.phone, "code": "x", "password": NEW})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "code_invalid"
    done = api("post", "/api/v1/password/sms/reset", json={"phone": user.phone, "code": code, "password": NEW})
    assert done.status_code == 200
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)
    api("post", "/api/v1/password/forgot", json={"identifier": user.phone})
    api("post", "/api/v1/password/reset", json={"token": "garbled", "password": NEW})
    covered(api, "recovery")
