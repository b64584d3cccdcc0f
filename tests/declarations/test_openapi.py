"""Every answer of the declaration calls, success and error, as the OpenAPI document describes it
(objects closed: a field the code sends but the document does not list fails)."""
from openapi.openapi import spec
from tests.declarations.conftest import fields, with_files
from tests.openapi.openapi_checker import Checker


def test_the_answers_match_the_document(as_user, trainee, unit_admin, officer, far_officer):
    checker = Checker(spec())

    def call(person, method: str, template: str, address: str | None = None, **kwargs):
        response = as_user(person).open(address or template, method=method.upper(), **kwargs)
        return checker.check(response, template, method)

    mine = "/api/v1/me/declarations"
    number = call(trainee, "post", mine, data=with_files(fields()), content_type="multipart/form-data").json["id"]
    call(trainee, "post", mine, data=with_files(fields(hours="9")), content_type="multipart/form-data")
    call(trainee, "get", mine)
    call(trainee, "get", f"{mine}/{{declaration_id}}", f"{mine}/{number}")
    call(trainee, "get", f"{mine}/{{declaration_id}}", f"{mine}/999")
    call(unit_admin, "get", "/api/v1/unit/declarations")
    unit = "/api/v1/unit/declarations/{declaration_id}/decision"
    call(unit_admin, "post", unit, unit.format(declaration_id=number), json={"approve": "x"})
    call(unit_admin, "post", unit, unit.format(declaration_id=number), data="x")
    call(unit_admin, "post", unit, unit.format(declaration_id=999), json={"approve": True})
    call(unit_admin, "post", unit, unit.format(declaration_id=number), json={"approve": True})
    call(officer, "get", "/api/v1/bureau/declarations")
    bureau = "/api/v1/bureau/declarations/{declaration_id}/decision"
    call(far_officer, "post", bureau, bureau.format(declaration_id=number), json={"approve": True})
    call(officer, "post", bureau, bureau.format(declaration_id=number), json={"approve": True})
    call(officer, "post", bureau, bureau.format(declaration_id=number), json={"approve": True})  # 409
    withdraw = f"{mine}/{{declaration_id}}/withdraw"
    call(trainee, "post", withdraw, f"{mine}/{number}/withdraw")  # 409: approved
    call(unit_admin, "get", mine)  # 403
