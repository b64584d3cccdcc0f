"""Live answers of POST /api/v1/unit/staff/import match the OpenAPI document (objects closed)."""
from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, token_for
from tests.openapi.openapi_checker import Checker
from tests.staff_import.conftest import person, upload, xlsx

URL = "/api/v1/unit/staff/import"


def test_every_answer_of_the_import_matches_the_document(client, admin, make_user):
    checker = Checker(spec())
    headers = bearer(token_for(admin))

    def call(status: int, data: dict, caller: dict = headers):
        response = checker.check(client.post(URL, data=data, headers=caller), URL, "post")
        assert response.status_code == status, response.get_data(as_text=True)
        return response

    call(200, upload(xlsx([person(1), person(2, name="")])))
    call(422, upload(xlsx([person(1), person(2, name="")]), dry_run="false"))
    call(422, upload(b"not a sheet"))
    call(422, {})
    created = call(201, upload(xlsx([person(3)]), dry_run="false")).get_json()["created"]
    assert len(created) == 1
    call(403, upload(xlsx([person(4)])), bearer(token_for(make_user())))
    call(401, upload(xlsx([person(4)])), {"Authorization": "Bearer zx_unknown"})
    assert {status for _path, _method, status in checker.seen} == {"200", "201", "401", "403", "422"}
