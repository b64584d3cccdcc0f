"""API tokens: created by an admin or the CLI, shown once, stored as a hash, revocable."""
import hashlib
import re

import pytest
from sqlalchemy import select

from accounts.models import ApiToken
from core.extensions import db
from tests.accounts.helpers import audit_rows, text


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cli_token(app, user, *extra) -> str:
    args = ["tokens", "create", "--user", user.phone, "--name", "省平台对接", *extra]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_cli_prints_the_token_last_and_stores_only_its_hash(app, make_user):
    user = make_user("bureau", region_code="440300")
    token = cli_token(app, user, "--region", "440300")

    assert re.fullmatch(r"zx_[A-Za-z0-9_-]{40,}", token)
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.prefix) and token.startswith(row.prefix)
    assert (row.user_id, row.name, row.region_code) == (user.id, "省平台对接", "440300")
    audit = audit_rows("token_created")[0]
    assert audit.actor_id is None and audit.details["via"] == "cli" and token not in str(audit.details)


def test_bearer_token_works_on_me_and_masks_personal_data(app, client, make_user):
    user = make_user(id_number="11010519491231002X", phone="13912341234", employer="某单位")
    response = client.get("/api/v1/me", headers=bearer(cli_token(app, user)))
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id, "role": "trainee", "real_name": "张三", "id_number": "110105********002X",
        "phone": "139****1234", "has_email": False, "employer": "某单位", "title": "", "region_code": "110105",
        "organisation": "",
    }
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_me_works_with_the_session_cookie_too(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/api/v1/me").get_json()["id"] == user.id


@pytest.mark.parametrize("headers", [{}, bearer("zx_not-a-real-token"), {"Authorization": "Basic abc"}])
def test_me_without_valid_credentials_is_401_json(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_revoked_token_is_refused(app, client, make_user):
    token = cli_token(app, make_user())
    row_id = db.session.scalar(select(ApiToken.id))
    result = app.test_cli_runner().invoke(args=["tokens", "revoke", "--id", str(row_id)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert audit_rows("token_revoked")[0].details["via"] == "cli"


def test_a_deactivated_owner_token_is_refused(app, client, make_user):
    user = make_user()
    token = cli_token(app, user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_cli_refuses_unknown_users_and_bad_regions(app, make_user):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", "--user", "13800000000", "--name", "x"])
    assert result.exit_code != 0 and "找不到该用户" in result.output
    result = runner.invoke(args=["tokens", "create", "--user", make_user().phone, "--name", "x", "--region", "99"])
    assert result.exit_code != 0 and "行政区划代码" in result.output
    assert db.session.scalar(select(ApiToken)) is None


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin")
    login(user)
    return user


def test_an_admin_creates_a_token_that_is_shown_once(client, make_user, admin):
    owner = make_user("bureau", real_name="孙八", region_code="440300")
    response = client.post("/admin/tokens", data={"user": owner.id_number.lower(), "name": "深圳对接",
                                                  "region_code": "440300"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'value="(zx_[^"]+)"', text(response)).group(1)

    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["id"] == owner.id
    listing = text(client.get("/admin/tokens"))
    assert "深圳对接" in listing and "孙八" in listing and token[:10] in listing
    assert token not in listing
    row = audit_rows("token_created")[0]
    assert (row.actor_id, row.details["owner"]) == (admin.id, f"user:{owner.id}")


def test_an_admin_revokes_a_token(app, client, make_user, admin):
    token = cli_token(app, make_user())
    row_id = db.session.scalar(select(ApiToken.id))
    response = client.post(f"/admin/tokens/{row_id}/revoke")
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert "已吊销" in text(client.get("/admin/tokens"))
    assert audit_rows("token_revoked")[0].actor_id == admin.id


@pytest.mark.parametrize("data, message", [
    ({"user": "13800000000", "name": "x"}, "找不到该用户"),
    ({"user": "", "name": "x"}, "请填写用户的身份证号或手机号"),
    ({"user": "self", "name": ""}, "请填写令牌名称"),
    ({"user": "self", "name": "x", "region_code": "12"}, "行政区划代码应为6位数字"),
])
def test_token_form_errors(client, admin, data, message):
    data = {**data, "user": admin.phone if data["user"] == "self" else data["user"]}
    assert message in text(client.post("/admin/tokens", data=data))
    assert db.session.scalar(select(ApiToken)) is None


def test_a_bearer_header_speaks_for_the_request_even_with_a_session(app, client, make_user, login):
    signed_in, owner = make_user(), make_user()
    login(signed_in)
    token = cli_token(app, owner)
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["id"] == owner.id
    assert client.get("/api/v1/me", headers=bearer("zx_bogus")).status_code == 401
    assert client.get("/api/v1/me").get_json()["id"] == signed_in.id
