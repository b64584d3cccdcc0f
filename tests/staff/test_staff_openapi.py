"""The unit administrator's v1 calls answer as the OpenAPI document describes them, errors
included, and every one of them is described."""
from openapi import staff as described
from openapi.openapi import spec
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1/unit/staff"


def test_every_call_answers_as_described(client, sign_in, world):
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        return checker.check(client.open(url or template, method=method.upper(), **kwargs), template, method)

    sign_in(world.admin)
    assert call("get", V1).json["total"] == 3
    call("get", V1, query_string={"status": "short", "q": "李", "year": str(world.year)})
    call("get", V1, query_string={"status": "nope"})
    call("get", f"{V1}/pending")
    confirm, reject = f"{V1}/links/{{link_id}}/confirm", f"{V1}/links/{{link_id}}/reject"
    call("post", reject, f"{V1}/links/{world.pending.id}/reject", json={})
    call("post", reject, f"{V1}/links/{world.pending.id}/reject", data="x")
    call("post", reject, f"{V1}/links/{world.other_pending.id}/reject", json={"reason": "x"})
    call("post", confirm, f"{V1}/links/{world.pending.id}/confirm")
    call("post", confirm, f"{V1}/links/{world.pending.id}/confirm")  # 409
    call("post", f"{V1}/remind", json={"user_ids": [world.short.id, world.done.id]})
    call("post", f"{V1}/remind", json={"user_ids": []})
    call("post", f"{V1}/remind", json={"user_ids": [world.stranger.id]})
    reset = f"{V1}/{{user_id}}/password-reset"
    call("post", reset, f"{V1}/{world.short.id}/password-reset")
    call("post", reset, f"{V1}/{world.stranger.id}/password-reset")  # 404: another unit's
    sign_in(world.bureau)
    call("get", V1)
    client.delete_cookie("session")
    call("get", f"{V1}/pending")
    wanted = {(path, method) for path, item in described.paths().items() for method in item}
    assert wanted - {(path, method) for path, method, _status in checker.seen} == set()
    assert {status for *_call, status in checker.seen} >= {"200", "400", "401", "403", "404", "409", "422"}
