"""GET /api/v1/openapi.json: a well-formed OpenAPI 3.1 description of every v1 call, and only of those."""
import json
import re

import pytest
from jsonschema import Draft202012Validator, ValidationError

from tests.openapi.openapi_checker import Checker, template_of

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def described_routes(app) -> set[tuple[str, str]]:
    """(path template, method) of every /api/v1 route the app answers; automatic HEAD/OPTIONS left out."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        methods = set(rule.methods)
        if "GET" in methods:
            methods.discard("HEAD")
        if getattr(rule, "provide_automatic_options", False):
            methods.discard("OPTIONS")
        routes |= {(template_of(rule.rule), method.lower()) for method in methods}
    return routes


def test_every_v1_route_is_described_and_nothing_else(app, spec):
    in_spec = {(path, method) for path, method, _op in operations(spec)}
    in_app = described_routes(app)
    assert in_app - in_spec == set(), "calls the app answers but the spec does not describe"
    assert in_spec - in_app == set(), "calls the spec describes but the app does not answer"
    assert ("/api/v1/bureau/records", "get") in in_spec and ("/api/v1/uploads/{video_id}", "head") in in_spec


def test_the_contract_calls_of_the_architecture_are_there(spec):
    for path in ("/api/v1/courses", "/api/v1/courses/{course_id}", "/api/v1/lessons/{lesson_id}/sessions",
                 "/api/v1/sessions/{session_id}/heartbeats", "/api/v1/me/progress", "/api/v1/me/certificates",
                 "/api/v1/certificates/{number}", "/api/v1/bureau/records", "/api/v1/uploads",
                 "/api/v1/videos/{video_id}", "/api/v1/studio/courses", "/api/v1/studio/courses/{course_id}/lessons",
                 "/api/v1/studio/courses/{course_id}/submit", "/api/v1/review/courses/{course_id}/decision",
                 "/api/v1/openapi.json"):
        assert path in spec["paths"], path


def test_it_is_openapi_3_1_with_bearer_and_cookie_security(spec):
    assert spec["openapi"] == "3.1.0" and spec["info"]["version"] == "1"
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer", "description": schemes["bearer"]["description"]}
    assert schemes["cookie"]["in"] == "cookie" and schemes["csrf"]["name"] == "X-CSRFToken"
    assert set(spec["components"]["schemas"]["Error"]["properties"]["error"]["required"]) == {"code", "message"}


def test_every_schema_is_valid_json_schema_2020_12(spec):
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for _path, _method, op in operations(spec):
        for response in op["responses"].values():
            for media in response.get("content", {}).values():
                Draft202012Validator.check_schema(media["schema"])


def test_every_reference_resolves(spec):
    for ref in set(refs(spec)):
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]


def test_operations_are_complete_and_uniquely_named(spec):
    ids = []
    for path, method, op in operations(spec):
        ids.append(op["operationId"])
        assert op["summary"] and op["tags"] and op["responses"], (path, method)
        assert all(re.fullmatch(r"[1-5]\d\d", status) for status in op["responses"]), (path, method)
        declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (path, method)
        assert "security" in op, f"{method.upper()} {path}: say who may call it"
    assert len(ids) == len(set(ids))


def test_the_spec_may_be_fetched_without_an_account(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]


def test_the_checker_refuses_extra_fields_wrong_types_and_undescribed_statuses(app, spec):
    checker = Checker(spec)
    me = {"id": 1, "role": "trainee", "real_name": "张三", "id_number": "110105********002X", "phone": "139****1234",
          "has_email": False, "employer": "", "title": "", "region_code": "110105", "organisation": ""}

    def answer(body, status=200):
        return app.response_class(json.dumps(body), status=status, mimetype="application/json")

    checker.check(answer(me), "/api/v1/me", "get")
    with pytest.raises(ValidationError):
        checker.check(answer({**me, "password_hash": "x"}), "/api/v1/me", "get")
    with pytest.raises(ValidationError):
        checker.check(answer({**me, "id": "1"}), "/api/v1/me", "get")
    with pytest.raises(ValidationError):
        checker.check(answer({"error": "no"}, 401), "/api/v1/me", "get")
    with pytest.raises(AssertionError, match="status 418 is not described"):
        checker.check(answer(me, 418), "/api/v1/me", "get")
