"""The docking API: GET /api/v1/bureau/records with bureau tokens, its scope, paging, errors and audit."""
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from accounts.models import ApiToken, AuditLog
from bureau.records_api import Position, decode_cursor, encode_cursor
from core.db import utcnow
from core.extensions import db
from tests.bureau.records_helpers import bearer, certificate, credit, token_for

URL = "/api/v1/bureau/records"
OLD = datetime(2025, 3, 1, 16, 30, 0, 123456, tzinfo=UTC)


@pytest.fixture
def officer(make_user):
    return make_user("bureau", real_name="周官", region_code="440000")


@pytest.fixture
def world(make_user, make_course):
    """Trainees in Shenzhen (two), Guangzhou and Guangxi, each with one 1.5-学时 course."""
    course = make_course("网络安全法解读")
    people = {
        "sz1": make_user(real_name="赵甲", region_code="440305", id_number="44030519900101002X",
                         phone="13900000001", employer="=HYPERLINK(1)"),
        "sz2": make_user(real_name="钱乙", region_code="440306"),
        "gz": make_user(real_name="孙丙", region_code="440100"),
        "gx": make_user(real_name="李丁", region_code="450100"),
    }
    rows = {key: credit(user, course, at=OLD + timedelta(seconds=i)) for i, (key, user) in enumerate(people.items())}
    return {"course": course, "people": people, "rows": rows}


def get(client, headers, **query):
    return client.get(URL, query_string=query, headers=headers)


def names(response) -> list[str]:
    return [item["name"] for item in response.get_json()["items"]]


def test_a_bureau_token_gets_the_records_of_its_region_with_every_field(client, officer, world):
    cert = certificate(world["people"]["sz1"], world["course"], "GX2025-440305-000001")
    response = get(client, bearer(token_for(officer)))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert names(response) == ["赵甲", "钱乙", "孙丙"]  # not the Guangxi trainee
    assert body["has_more"] is False and body["next_cursor"] is None
    row = world["rows"]["sz1"]
    assert body["items"][0] == {
        "id": row.id, "id_number": "44030519900101002X", "name": "赵甲", "phone": "13900000001",
        "employer": "=HYPERLINK(1)", "region_code": "440305", "year": 2025, "course_id": world["course"].id,
        "course_title": "网络安全法解读", "category": "digital", "hours": 1.5,
        "completed_at": "2025-03-01T16:30:00.123456Z", "certificate_number": cert.number,
        "exam_score": None, "exam_attempts": 0, "exam_passed_at": None,  # this course had no test
        "subject_type": "gongxu", "sector_public": False, "rule_prefix": "",
        "basis": "completion", "source_id": None, "reason": "", "title": "网络安全法解读", "unit": None,
        "checks_asked": 0, "checks_passed": 0, "checks_failed": 0, "checks_missed": 0,
        "face_reviews_accepted": 0, "face_reviews_rejected": 0,  # no check was asked on this course
        "updated_at": "2025-03-01T16:30:00.123456Z",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", body["synced_until"])


def test_the_token_region_narrows_the_officer_scope(client, officer, world):
    headers = bearer(token_for(officer, region="440300"))
    assert names(get(client, headers)) == ["赵甲", "钱乙"]
    assert names(get(client, headers, region="440306")) == ["钱乙"]
    refused = get(client, headers, region="440100")  # inside the officer's province, outside the token's city
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden_region"


@pytest.mark.parametrize("region", ["450000", "450100"])
def test_a_region_outside_the_scope_is_403_never_an_empty_page(client, officer, world, region):
    response = get(client, bearer(token_for(officer)), region=region)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden_region"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "records_api")) is None


def test_a_token_whose_region_lies_outside_its_officer_is_403(client, make_user, world):
    city = make_user("bureau", region_code="440300")
    response = get(client, bearer(token_for(city, region="440100")))  # made before the check at creation
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden_region"


def test_a_revoked_token_is_401_and_its_use_was_recorded(app, client, officer, world):
    token = token_for(officer)
    assert get(client, bearer(token)).status_code == 200
    row = db.session.scalar(select(ApiToken))
    db.session.refresh(row)
    assert row.last_used_at is not None
    result = app.test_cli_runner().invoke(args=["tokens", "revoke", "--id", str(row.id)])
    assert result.exit_code == 0, result.output
    response = get(client, bearer(token))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", ["trainee", "producer", "reviewer", "admin"])
def test_other_roles_are_403(client, make_user, world, role):
    user = make_user(role, region_code="440000", organisation="某机构")
    response = get(client, bearer(token_for(user)))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_is_401(client, world):
    assert get(client, {}).status_code == 401


def test_the_officer_session_cookie_works_too(client, officer, world, login):
    login(officer)
    assert names(get(client, {}, region="440100")) == ["孙丙"]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "records_api"))
    assert entry.target == "session" and entry.actor_id == officer.id


def test_following_next_cursor_pages_through_every_record_once(client, officer, world):
    headers = bearer(token_for(officer))
    seen, cursor, pages = [], None, 0
    while True:
        body = get(client, headers, limit=2, **({"cursor": cursor} if cursor else {})).get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if not body["has_more"]:
            assert body["next_cursor"] is None and body["synced_until"]
            break
        assert body["next_cursor"] and body["synced_until"] is None
        cursor = body["next_cursor"]
    rows = world["rows"]
    assert seen == [rows["sz1"].id, rows["sz2"].id, rows["gz"].id] and pages == 2


def test_updated_since_returns_only_records_changed_after_it(client, officer, world):
    headers = bearer(token_for(officer))
    since = (OLD + timedelta(seconds=1)).isoformat()  # the second record's updated_at, with +00:00
    assert names(get(client, headers, updated_since=since)) == ["孙丙"]
    in_china = (OLD + timedelta(seconds=0.5)).astimezone(timezone(timedelta(hours=8))).isoformat()
    assert names(get(client, headers, updated_since=in_china)) == ["钱乙", "孙丙"]
    unencoded_plus = in_china.replace("+", " ")  # what a client that forgot to URL-encode "+" sends
    assert names(get(client, headers, updated_since=unencoded_plus)) == ["钱乙", "孙丙"]
    assert names(get(client, headers, updated_since="2025-03-01T16:30:00.123456Z", year=2025)) == ["钱乙", "孙丙"]
    assert names(get(client, headers, updated_since="2025-03-01T16:30:00.123456Z", year=2024)) == []


def test_every_page_served_writes_one_audit_row(client, officer, world):
    token = token_for(officer, region="440300")
    headers = bearer(token)
    first = get(client, headers, limit=1, year=2025).get_json()
    get(client, headers, limit=1, year=2025, cursor=first["next_cursor"])
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "records_api").order_by(AuditLog.id)).all()
    token_id = db.session.scalar(select(ApiToken.id))
    assert [(e.actor_id, e.target, e.details["rows"], e.details["cursor"]) for e in entries] == [
        (officer.id, f"token:{token_id}", 1, False), (officer.id, f"token:{token_id}", 1, True)]
    assert entries[0].details["filters"] == {"year": 2025, "region": None, "type": None, "updated_since": None}


@pytest.mark.parametrize("query, code", [
    ({"year": "abc"}, "invalid_year"), ({"year": "1999"}, "invalid_year"), ({"year": "²⁰²⁶"}, "invalid_year"),
    ({"region": "4403"}, "invalid_region"), ({"region": "990000"}, "invalid_region"),
    ({"updated_since": "2026-01-01T00:00:00"}, "invalid_updated_since"),
    ({"updated_since": "yesterday"}, "invalid_updated_since"),
    ({"updated_since": "2026-01-01 08:00"}, "invalid_updated_since"),
    ({"limit": "0"}, "invalid_limit"), ({"limit": "1001"}, "invalid_limit"), ({"limit": "-5"}, "invalid_limit"),
    ({"limit": "١٠"}, "invalid_limit"),
    ({"cursor": "abc"}, "invalid_cursor"), ({"cursor": "a.b.c"}, "invalid_cursor"),
])
def test_invalid_parameters_are_422_with_a_code(client, officer, world, query, code):
    response = get(client, bearer(token_for(officer)), **query)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code


def test_a_forged_or_foreign_cursor_is_422(app, client, officer, world):
    headers = bearer(token_for(officer))
    cursor = get(client, headers, limit=1).get_json()["next_cursor"]
    payload, mac = cursor.split(".")
    position = decode_cursor(cursor, app.config["SECRET_KEY"])
    forged = encode_cursor(Position(position.updated_at, 0), "another-secret")
    tampered = encode_cursor(Position(position.updated_at, 0), app.config["SECRET_KEY"]).split(".")[0] + "." + mac
    for bad in (forged, tampered, payload + "." + mac[:-2]):
        response = get(client, headers, cursor=bad)
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_cursor"
    assert get(client, headers, cursor=cursor).status_code == 200


def test_a_limit_of_1000_is_allowed(client, officer, world):
    assert len(get(client, bearer(token_for(officer)), limit=1000).get_json()["items"]) == 3


def test_records_newer_than_the_sync_lag_wait_for_a_later_page(client, officer, world, make_user):
    """The default lag (30 s) holds back a record stamped just now; see test_sync.py for the why."""
    fresh = make_user(real_name="吴新", region_code="440305")
    credit(fresh, world["course"], at=utcnow())
    body = get(client, bearer(token_for(officer))).get_json()
    assert "吴新" not in [item["name"] for item in body["items"]] and len(body["items"]) == 3
