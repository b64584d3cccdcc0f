"""The v1 calls of moving province: the same flow as the pages through the API (a Bearer token
with a narrower region too), every answer checked against the OpenAPI document (objects closed)."""
import io

from core.db import utcnow
from core.extensions import db
from learning import certificates, certifying
from learning.entries import add_entry
from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, token_for
from tests.openapi.openapi_checker import Checker
from tests.transfers.conftest import PDF, audit_rows, requests_of, this_year, transfer_rows

MINE = "/api/v1/me/transfers"
DECISION = "/api/v1/bureau/transfers/{request_id}/decision"


def asked(reference: str = "", files=((PDF, "proof.pdf"),), lines=((1, "gongxu", "30"), (2, "zhuanye", "42"))):
    return {"old_province": "11", "reference": reference,
            "year": [str(this_year() - back) for back, _kind, _hours in lines],
            "subject_type": [kind for _back, kind, _hours in lines], "hours": [hours for _back, _kind, hours in lines],
            "files": [(io.BytesIO(content), name) for content, name in files]}


def test_the_flow_through_the_api_matches_the_document(as_user, client, trainee, officer, far_officer):
    checker = Checker(spec())

    def call(person, method: str, template: str, address: str | None = None, **kwargs):
        response = (as_user(person) if person else client).open(address or template, method=method.upper(), **kwargs)
        return checker.check(response, template, method)

    created = call(trainee, "post", MINE, data=asked(), content_type="multipart/form-data")
    assert created.status_code == 201 and created.json["status"] == "pending"
    number, lines = created.json["id"], {line["subject_type"]: line["id"] for line in created.json["lines"]}
    again = call(trainee, "post", MINE, data=asked(), content_type="multipart/form-data")
    assert again.status_code == 409 and again.json["error"]["code"] == "already_claimed"
    bad = call(trainee, "post", MINE, data={**asked(files=((b"GIF89a", "x.pdf"),)), "year": ["2020"]},
               content_type="multipart/form-data")
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_lines"
    assert call(trainee, "get", MINE).json["transfers"][0]["id"] == number
    call(trainee, "get", f"{MINE}/{{request_id}}", f"{MINE}/{number}")
    call(trainee, "get", f"{MINE}/{{request_id}}", f"{MINE}/999")
    assert call(officer, "get", MINE).status_code == 403

    narrow = bearer(token_for(officer, "330200"))  # a token of 宁波市 only: the 杭州 trainee is outside
    assert call(None, "get", "/api/v1/bureau/transfers", headers=narrow).json["transfers"] == []
    assert call(officer, "get", "/api/v1/bureau/transfers").json["transfers"][0]["trainee"]["id_number"].count("*")
    decide = DECISION.format(request_id=number)
    assert call(far_officer, "post", DECISION, decide, json={"accept": True}).status_code == 403
    assert call(None, "post", DECISION, decide, headers=narrow, json={"accept": True}).status_code == 403
    assert call(officer, "post", DECISION, DECISION.format(request_id=999), json={"accept": True}).status_code == 404
    assert call(officer, "post", DECISION, decide, data="x").status_code == 400
    assert call(officer, "post", DECISION, decide, json={"accept": "yes"}).status_code == 422
    over = call(officer, "post", DECISION, decide, json={"accept": True, "hours": {str(lines["gongxu"]): 31}})
    assert over.status_code == 422 and over.json["error"]["code"] == "invalid_hours"
    done = call(officer, "post", DECISION, decide, json={"accept": True, "hours": {str(lines["gongxu"]): 24.5}})
    assert done.status_code == 200 and done.json["status"] == "accepted"
    assert [line["accepted_hours"] for line in done.json["lines"]] == [0, 24.5]
    assert [(row.year, row.hours_tenths) for row in transfer_rows(trainee)] == [(this_year() - 1, 245)]
    assert call(officer, "post", DECISION, decide, json={"accept": False, "reason": "x"}).status_code == 409
    withdrawn = call(trainee, "post", f"{MINE}/{{request_id}}/withdraw", f"{MINE}/{number}/withdraw")
    assert withdrawn.status_code == 409

    second = call(trainee, "post", MINE, data=asked(lines=((3, "xuanxiu", "6"),)), content_type="multipart/form-data")
    other = second.json["id"]
    refused = call(officer, "post", DECISION, DECISION.format(request_id=other), json={"accept": False})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "invalid_reason"
    call(trainee, "post", f"{MINE}/{{request_id}}/withdraw", f"{MINE}/{other}/withdraw")
    assert [row.status for row in requests_of(trainee)] == ["accepted", "withdrawn"]


def test_a_certificate_of_this_platform_through_the_api(as_user, trainee, officer):
    checker = Checker(spec())
    add_entry(trainee, basis="correction", year=this_year() - 1, hours_tenths=300, subject_type="gongxu",
              now=utcnow(), reason="补录", recorded_by=officer)
    cert, _created = certificates.issue(trainee, ("year", this_year() - 1, None), certifying.requirement(trainee),
                                        utcnow())
    db.session.commit()
    counted = checker.check(as_user(trainee).post(MINE, data=asked(cert.number, files=()),
                                                  content_type="multipart/form-data"), MINE, "post")
    assert counted.status_code == 200 and counted.json == {"status": "counted", "certificate": cert.number,
                                                           "year": this_year() - 1, "hours": 30.0}
    forged = checker.check(as_user(trainee).post(MINE, data=asked("http://localhost/verify/GX2020-110105-999999"),
                                                 content_type="multipart/form-data"), MINE, "post")
    assert forged.status_code == 422 and forged.json["error"]["code"] == "certificate_not_found"
    assert requests_of(trainee) == [] and [row.details["code"] for row in audit_rows()] == ["certificate_not_found"]
