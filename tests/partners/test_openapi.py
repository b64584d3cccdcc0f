"""Every answer of the partner calls, success and error, as the OpenAPI document describes it
(objects closed: a field the code sends but the document does not list fails)."""
from openapi.openapi import spec
from tests.openapi.openapi_checker import Checker
from tests.partners.conftest import accredit, completion

V1 = "/api/v1/partner/completions"


def test_the_answers_match_the_document(client, partner, trainee):
    _partner, plain = partner
    _other, other_plain = accredit("另一个平台")
    checker = Checker(spec())

    def call(method: str, template: str, address: str | None = None, token: str = plain, key: str | None = None,
             **kwargs):
        headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
        response = client.open(address or template, method=method.upper(), headers=headers, **kwargs)
        return checker.check(response, template, method)

    number = call("post", V1, key="a", json=completion(trainee)).json["id"]
    call("post", V1, key="a", json=completion(trainee))  # the replay
    call("post", V1, key="b", json=completion(trainee))  # 409 duplicate_completion
    call("post", V1, key="c", json=completion(trainee, hours="x"))  # 422
    call("post", V1, key="c", json=completion(trainee, id_number="440305199001010000"))  # 422 check digit
    call("post", V1, key="d", data="x")  # 400
    call("post", V1, key="e", token="zx_nope", json=completion(trainee))  # 401
    call("get", V1)
    call("get", V1, f"{V1}?before=0")  # 422
    one = f"{V1}/{{report_id}}"
    call("get", one, f"{V1}/{number}")
    call("get", one, f"{V1}/{number}", token=other_plain)  # 404
    fix = f"{V1}/{{report_id}}/corrections"
    call("post", fix, f"{V1}/{number}/corrections", json={"hours": 5, "reason": "核减"})
    call("post", fix, f"{V1}/{number}/corrections", json={"hours": 5, "reason": "再次"})  # 409 unchanged
    call("post", fix, f"{V1}/{number}/corrections", json={"reason": "缺少"})  # 422
    call("post", fix, f"{V1}/{number}/corrections", data="x")  # 400
    call("post", fix, f"{V1}/{number}/corrections", token=other_plain, json={"withdraw": True, "reason": "x"})  # 404
    wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
              if "partners" in op["tags"]}
    assert wanted - {(path, method) for path, method, _status in checker.seen} == set()
