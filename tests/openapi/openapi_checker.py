"""Check live responses against /api/v1/openapi.json, with jsonschema (Draft 2020-12, OpenAPI 3.1's dialect).

The spec's objects are open (fields may be added within v1); here every object with
``properties`` is closed, so a field the code sends but the spec does not list fails.
"""
import copy
import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:zhixin:openapi"


def closed(node):
    """A copy of ``node`` where every object schema with properties allows no others."""
    node = copy.deepcopy(node)

    def walk(value):
        if isinstance(value, dict):
            if value.get("type") == "object" and "properties" in value:
                value.setdefault("additionalProperties", False)
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(node)
    return node


def pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def template_of(rule: str) -> str:
    """``/api/v1/courses/<int:course_id>`` → ``/api/v1/courses/{course_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


class Checker:
    """Validates responses; remembers which (path, method, status) it has seen."""

    def __init__(self, spec: dict):
        self.spec = closed(spec)
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(BASE, resource)
        self.seen: set[tuple[str, str, str]] = set()

    def _response(self, path: str, method: str, status: str) -> tuple[dict, str]:
        operation = self.spec["paths"][path][method]
        assert status in operation["responses"], f"{method.upper()} {path}: status {status} is not described"
        response, where = operation["responses"][status], pointer("paths", path, method, "responses", status)
        if "$ref" in response:
            where = response["$ref"].lstrip("#/")
            response = self.spec
            for part in where.split("/"):
                response = response[part]
        return response, where

    def check(self, response, path: str, method: str):
        """Assert that ``response`` is what the spec says for ``method path`` at its status."""
        method, status = method.lower(), str(response.status_code)
        described, where = self._response(path, method, status)
        content = described.get("content")
        if content is None:
            assert not response.get_data(), f"{method.upper()} {path} {status}: a body where none is described"
        else:
            assert response.mimetype in content, f"{method.upper()} {path} {status}: {response.mimetype}"
            schema = {"$ref": f"{BASE}#/{where}/content/{pointer(response.mimetype)}/schema"}
            Draft202012Validator(schema, registry=self.registry).validate(response.get_json())
        for name in described.get("headers", {}):
            if name not in ("Upload-Expires", "Zhixin-Video-Id", "Upload-Metadata"):  # present only sometimes
                assert name in response.headers, f"{method.upper()} {path} {status}: no {name} header"
        self.seen.add((path, method, status))
        return response
