"""The declaration calls refuse what they must, clearly and changing nothing: bad fields, no
confirmed unit, other people's declarations (404), another region (403), the wrong role."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.policy.rulebook import china_date
from declarations.models import Declaration
from tests.declarations.conftest import fields, with_files, yesterday


def declare(client, **changes):
    return client.post("/api/v1/me/declarations", data=with_files(fields(**changes)),
                       content_type="multipart/form-data")


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Declaration))


@pytest.mark.parametrize(("changes", "code", "field", "words"), [
    ({"title": "  "}, "invalid_title", "title", "培训名称"),
    ({"organiser": ""}, "invalid_organiser", "organiser", "主办单位"),
    ({"title": "长" * 201}, "invalid_title", "title", "200"),
    ({"subject_type": "other"}, "invalid_subject_type", "subject_type", "科目类型"),
    ({"start_date": "2026-13-01"}, "invalid_start_date", "start_date", "YYYY-MM-DD"),
    ({"start_date": "today"}, "invalid_start_date", "start_date", "YYYY-MM-DD"),
    ({"start_date": "{tomorrow}"}, "invalid_end_date", "end_date", "早于"),
    ({"end_date": "{tomorrow}"}, "invalid_end_date", "end_date", "今天"),
    ({"hours": "0"}, "invalid_hours", "hours", "大于0"),
    ({"hours": "8.5", "hours_reason": "多听了一场"}, "invalid_hours", "hours", "不超过 8"),
    ({"hours": "abc"}, "invalid_hours", "hours", "数字"),
    ({"hours": "inf"}, "invalid_hours", "hours", "数字"),
    ({"hours": "1e400"}, "invalid_hours", "hours", "数字"),
    ({"hours": "7.25"}, "invalid_hours", "hours", "一位小数"),
    ({"hours": "6"}, "invalid_hours_reason", "hours_reason", "说明原因"),
    ({"pledge": ""}, "no_pledge", "pledge", "本人承诺以上信息属实"),
])
def test_bad_fields_are_refused_with_the_field_named(as_user, trainee, changes, code, field, words):
    tomorrow = (china_date(utcnow()) + timedelta(days=1)).isoformat()
    changes = {key: value.replace("{tomorrow}", tomorrow) for key, value in changes.items()}
    response = declare(as_user(trainee), **changes)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field) and words in error["message"]
    assert count() == 0


def test_lower_hours_with_a_reason_and_control_characters_dropped(as_user, trainee):
    body = declare(as_user(trainee), hours="3.5", hours_reason="只参加了上午", title="数据\x07安全培训").get_json()
    assert (body["hours"], body["default_hours"], body["hours_reason"]) == (3.5, 8, "只参加了上午")
    assert body["title"] == "数据安全培训"
    two_days = declare(as_user(trainee), start_date=(yesterday() - timedelta(days=1)).isoformat()).get_json()
    assert two_days["hours"] == 16


def test_a_trainee_needs_a_confirmed_unit(as_user, make_user, unit, link_to_unit):
    alone = make_user("trainee", region_code="440305")
    response = declare(as_user(alone))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_unit"
    link_to_unit(alone, unit, "pending")
    assert declare(as_user(alone)).status_code == 409
    assert count() == 0


def test_scope_of_the_reviews(as_user, make_user, trainee, unit_admin, officer, other_admin, far_officer):
    number = declare(as_user(trainee)).get_json()["id"]
    decision = f"/api/v1/unit/declarations/{number}/decision"
    assert as_user(other_admin).post(decision, json={"approve": True}).status_code == 404
    assert as_user(other_admin).get("/api/v1/unit/declarations").get_json()["declarations"] == []
    for person in (trainee, officer):
        assert as_user(person).post(decision, json={"approve": True}).status_code == 403
    assert as_user(unit_admin).post(decision, json={"approve": True}).status_code == 200

    decision = f"/api/v1/bureau/declarations/{number}/decision"
    refused = as_user(far_officer).post(decision, json={"approve": True})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "out_of_region"
    assert as_user(far_officer).get("/api/v1/bureau/declarations").get_json()["declarations"] == []
    assert as_user(officer).post("/api/v1/bureau/declarations/99999/decision", json={"approve": True}).status_code \
        == 404
    for person in (trainee, unit_admin):
        assert as_user(person).post(decision, json={"approve": True}).status_code == 403
    other = make_user("trainee", region_code="440305")
    assert as_user(other).get(f"/api/v1/me/declarations/{number}").status_code == 404
    assert as_user(other).post(f"/api/v1/me/declarations/{number}/withdraw").status_code == 404
    assert as_user(unit_admin).post("/api/v1/me/declarations", data=fields()).status_code == 403
    db.session.expire_all()
    assert db.session.get(Declaration, number).status == "bureau_review"


def test_decision_bodies(as_user, trainee, unit_admin):
    number = declare(as_user(trainee)).get_json()["id"]
    decision = f"/api/v1/unit/declarations/{number}/decision"
    client = as_user(unit_admin)
    assert client.post(decision, data="approve").get_json()["error"]["code"] == "invalid_json"
    for body, code in (({"approve": "yes"}, "invalid_approve"), ({}, "invalid_approve"),
                       ({"approve": False, "reason": 5}, "invalid_reason"),
                       ({"approve": False, "reason": " \n "}, "invalid_reason")):
        response = client.post(decision, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["error"]["code"] == code
    # A NUL in JSON text is refused as no JSON at all (the app's JSON reading), never a 500.
    assert client.post(decision, json={"approve": False, "reason": "\x00"}).status_code == 400
    assert client.post(f"/api/v1/unit/declarations/{2**40}/decision", json={"approve": True}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Declaration, number).status == "unit_review"
