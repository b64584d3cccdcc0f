"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every v1 call.

The description is code (this package) built once per process; it lives in a room of its
own, above the rooms whose calls it describes. tests/openapi/test_openapi*.py
checks that every /api/v1 route is described and that live answers match their schemas.
"""
import functools

from flask import Blueprint

from openapi import (
    accounts,
    backstage,
    declarations,
    dossier,
    exams,
    faces,
    notices,
    partners,
    paths,
    push,
    regions,
    rules,
    staff,
    staff_import,
    transfers,
    units,
)
from openapi.build import responses
from openapi.schemas import schemas

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

DESCRIPTION = """知新公需科目学习平台 API v1 — the Zhixin public-course learning platform.

Authenticate with `Authorization: Bearer <token>` (tokens are issued by an admin, or
`flask --app app tokens create`) or with the session cookie of a signed-in browser; with the
cookie, unsafe methods also send `X-CSRFToken`. Errors are `{"error": {"code", "message"}}`
with a fitting status. Fields may be added within v1; clients ignore fields they do not know.
The bureau sync protocol is in docs/sync.md."""


def _paths() -> dict:
    described = {}
    for group in (paths.catalogue, paths.watching, paths.me, paths.certificates,
                  backstage.uploads, backstage.videos, backstage.studio,
                  backstage.review, paths.bureau, paths.meta):
        described.update(group())
    for path, operations in accounts.paths().items():  # the caller's account changes, 忘记密码
        described.setdefault(path, {}).update(operations)
    described.update(exams.paths())  # the trainee's course-test calls
    described.update(rules.paths())  # the province rule sets
    described.update(units.paths())  # the units (工作单位)
    described.update(notices.paths())  # the caller's notices (站内通知)
    described.update(staff_import.paths())  # a unit's bulk staff import
    described.update(staff.paths())  # a unit's roster, links and 催学
    described.update(declarations.paths())  # offline 学时登记 and its two reviews
    described.update(regions.paths())  # the GB/T 2260 divisions, for the region pickers
    described.update(faces.paths())  # a trainee's face-check consent and reference photo
    described.update(push.paths())  # push reconciliation (docs/sync.md)
    described.update(partners.paths())  # accredited partner platforms report completions
    described.update(transfers.paths())  # moving province: the trainee's requests, the bureau's review
    described.update(dossier.paths())  # the trainee's 一人一档
    return described


@functools.cache
def spec() -> dict:
    """The whole description (one shared dict: callers must not change it)."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "Zhixin 知新 API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": _paths(),
        "components": {
            "schemas": schemas(),
            "responses": responses(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token (zx_…)."},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "The session cookie of a signed-in browser."},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                         "description": "With the cookie, unsafe methods send the page's CSRF token."},
                "watchToken": {"type": "apiKey", "in": "header", "name": "X-Watch-Token",
                               "description": "The watch_token of an opened watch session: heartbeats carry it "
                                              "instead of a login."},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return spec(), 200, {"Cache-Control": "public, max-age=300"}
