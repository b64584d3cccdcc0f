"""Live answers of the rule-set calls (tag "rules") match the OpenAPI description."""
import pytest

from core.policy.examples import GUANGDONG, HENAN
from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, token_for
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1"
ONE = f"{V1}/admin/rules/{{prefix}}"


@pytest.fixture
def api(client):
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        return checker.check(client.open(url or template, method=method.upper(), **kwargs), template, method)

    call.checker = checker
    return call


def test_rule_calls(api, make_user, examples):
    admin, trainee = bearer(token_for(make_user("admin"))), bearer(token_for(make_user()))
    api("get", f"{V1}/rules", f"{V1}/rules?region=440106&year=2026")
    api("get", f"{V1}/rules", f"{V1}/rules?region=410105")
    api("get", f"{V1}/rules")
    api("get", f"{V1}/rules", f"{V1}/rules?region=4401")
    api("get", ONE, f"{V1}/admin/rules/44")  # signed out: 401
    api("get", ONE, f"{V1}/admin/rules/44", headers=trainee)  # 403
    api("get", ONE, f"{V1}/admin/rules/44", headers=admin)
    api("get", ONE, f"{V1}/admin/rules/national", headers=admin)
    api("get", ONE, f"{V1}/admin/rules/4401", headers=admin)  # 404
    api("get", ONE, f"{V1}/admin/rules/x", headers=admin)  # 400
    new = {**GUANGDONG, "effective_from": "2026-01-01", "daily_cap_hours": 4.5}
    api("put", ONE, f"{V1}/admin/rules/4401", json=new, headers=admin)  # 201
    api("put", ONE, f"{V1}/admin/rules/4401", json={**new, "name": "广州市"}, headers=admin)  # 200
    api("put", ONE, f"{V1}/admin/rules/4401", json={**new, "lock": "13-01"}, headers=admin)  # 400
    api("put", ONE, f"{V1}/admin/rules/4401", data="x", content_type="application/json", headers=admin)  # 400
    api("put", ONE, f"{V1}/admin/rules/41", json={**HENAN, "minutes_per_hour": 40}, headers=admin)  # 409
    api("delete", ONE, f"{V1}/admin/rules/4401?effective_from=2026-01-01", headers=admin)
    api("delete", ONE, f"{V1}/admin/rules/4401", headers=admin)  # 404
    api("delete", ONE, f"{V1}/admin/rules/national", headers=admin)  # 409
    api("delete", ONE, f"{V1}/admin/rules/44?effective_from=x", headers=admin)  # 400
    wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
              if "rules" in op["tags"]}
    assert wanted - {(path, method) for path, method, _status in api.checker.seen} == set()
