"""The reconciliation calls (scope, bad input) and the ``flask push endpoints`` commands."""
from sqlalchemy import select

from accounts.models import AuditLog
from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from core.tz import CHINA
from push.models import PushEndpoint, PushEvent
from push.rules import derive_secret, digest, fingerprint
from tests.push.conftest import free_port_url, write_row


def today() -> str:
    return utcnow().astimezone(CHINA).date().isoformat()


def bearer(make_user, region="330000", token_region=None):
    officer = make_user("bureau", region_code=region)
    _row, plain = issue_token(officer, "sync", utcnow(), token_region)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_digest_and_reconcile_with_a_bureau_token(client, make_user, register):
    endpoint, _secret = register(free_port_url())
    for _ in range(3):
        write_row(make_user(region_code="330102"))
    ids = db.session.scalars(select(PushEvent.event_id).order_by(PushEvent.id)).all()
    headers = bearer(make_user)
    url = f"/api/v1/push/endpoints/{endpoint.id}/days/{today()}"
    answer = client.get(f"{url}/digest", headers=headers).get_json()
    assert answer == {"endpoint_id": endpoint.id, "day": today(), **digest(ids)}
    answer = client.post(f"{url}/reconcile", headers=headers, json={"ids": ids[:2] + ["nope"]}).get_json()
    assert answer["missing"] == [ids[2]] and answer["unknown"] == ["nope"] and answer["count"] == 3
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "push_reconciled"))


def test_another_regions_endpoint_and_bad_input_are_refused(client, make_user, register):
    endpoint, _secret = register(free_port_url(), region="440000")
    url = f"/api/v1/push/endpoints/{endpoint.id}/days/{today()}"
    response = client.get(f"{url}/digest", headers=bearer(make_user))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden_region"
    narrowed = bearer(make_user, "440000", token_region="440300")  # a token limited to a city
    assert client.get(f"{url}/digest", headers=narrowed).status_code == 403
    headers = bearer(make_user, "440000")
    assert client.get(f"/api/v1/push/endpoints/{endpoint.id}/days/2026-13-01/digest",
                      headers=headers).get_json()["error"]["code"] == "invalid_day"
    assert client.get(f"/api/v1/push/endpoints/{endpoint.id}/days/20261201/digest",
                      headers=headers).status_code == 422
    assert client.get(f"/api/v1/push/endpoints/999/days/{today()}/digest", headers=headers).status_code == 404
    for body in ({"ids": "x"}, {"ids": [1]}, [], {"nothing": []}):
        response = client.post(f"{url}/reconcile", headers=headers, json=body)
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_ids"
    assert client.get(f"{url}/digest").status_code == 401
    trainee = make_user()
    _row, plain = issue_token(trainee, "x", utcnow())
    db.session.commit()
    assert client.get(f"{url}/digest", headers={"Authorization": f"Bearer {plain}"}).status_code == 403


def test_cli_add_list_rotate_disable(app):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["push", "endpoints", "add", "--name", "ZJ", "--region", "330000",
                                "--url", "https://jxjy.example.cn/events"])
    assert added.exit_code == 0, added.output
    secret = added.output.strip().splitlines()[-1]
    endpoint = db.session.scalars(select(PushEndpoint)).one()
    assert fingerprint(secret) == endpoint.secret_fingerprint
    assert derive_secret(app.config["SECRET_KEY"], endpoint.secret_salt) == secret
    assert "330000" in runner.invoke(args=["push", "endpoints", "list"]).output
    rotated = runner.invoke(args=["push", "endpoints", "rotate", str(endpoint.id)]).output.strip().splitlines()[-1]
    assert rotated != secret
    assert runner.invoke(args=["push", "endpoints", "disable", str(endpoint.id)]).exit_code == 0
    db.session.expire_all()
    assert not db.session.get(PushEndpoint, endpoint.id).active
    bad = runner.invoke(args=["push", "endpoints", "add", "--name", "X", "--region", "33", "--url", "https://a.cn/"])
    assert bad.exit_code != 0 and "地区代码" in bad.output
    assert runner.invoke(args=["push", "endpoints", "rotate", "999"]).exit_code != 0
