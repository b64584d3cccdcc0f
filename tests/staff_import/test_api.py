"""POST /api/v1/unit/staff/import: the dry run by default, the real run all or nothing."""
import re

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from tests.bureau.records_helpers import bearer, token_for
from tests.staff_import.conftest import audit_rows, person, upload, xlsx
from units.models import UnitLink

URL = "/api/v1/unit/staff/import"


def trainees() -> list[User]:
    return db.session.scalars(select(User).where(User.role == "trainee")).all()


def test_the_dry_run_is_the_default_and_creates_nothing(client, admin):
    response = client.post(URL, data=upload(xlsx([person(1), person(2, name="")])), headers=bearer(token_for(admin)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False and body["rows"] == 2 and body["created"] == []
    assert body["errors"] == [{"row": 3, "field": "real_name", "code": "invalid_name", "message": "请填写真实姓名。"}]
    clean = client.post(URL, data=upload(xlsx([person(3)])), headers=bearer(token_for(admin))).get_json()
    assert clean == {"ok": True, "rows": 1, "errors": [], "created": []} and trainees() == []


def test_a_real_run_with_errors_is_422_and_creates_nothing(client, admin):
    response = client.post(URL, data=upload(xlsx([person(1), person(2, name="")]), dry_run="false"),
                           headers=bearer(token_for(admin)))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["code"] == "invalid_rows" and body["ok"] is False and len(body["errors"]) == 1
    assert trainees() == [] and audit_rows("staff_imported") == []


def test_a_real_run_creates_every_account_with_its_password_once(client, admin):
    rows = [person(1, "李明"), person(2, "王芳")]
    response = client.post(URL, data=upload(xlsx(rows), dry_run="false"), headers=bearer(token_for(admin)))
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["ok"] is True and [item["real_name"] for item in body["created"]] == ["李明", "王芳"]
    first = body["created"][0]
    assert first["id_number"] == rows[0][1][:6] + "********" + rows[0][1][-4:] and len(first["password"]) == 14
    assert {link.user_id for link in db.session.scalars(select(UnitLink))} == {item["id"] for item in body["created"]}
    [row] = audit_rows("staff_imported")
    assert row.details["rows"] == 2 and first["password"] not in str(row.details)
    again = client.post(URL, data=upload(xlsx(rows), dry_run="false"), headers=bearer(token_for(admin)))
    assert again.status_code == 422 and {e["code"] for e in again.get_json()["errors"]} == {
        "id_number_taken", "phone_taken"}


def test_a_missing_or_unreadable_file_is_422(client, admin):
    headers = bearer(token_for(admin))
    assert client.post(URL, data={}, headers=headers).get_json()["error"]["code"] == "missing_file"
    refused = client.post(URL, data=upload(b"MZ\x90\x00 an exe"), headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_xlsx"


@pytest.mark.parametrize("role", ["trainee", "bureau", "admin"])
def test_other_roles_are_refused(client, make_user, role):
    caller = make_user(role)
    before = len(trainees())
    response = client.post(URL, data=upload(xlsx([person(1)]), dry_run="false"), headers=bearer(token_for(caller)))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert len(trainees()) == before


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_cookie_call_needs_the_header(self, client, sign_in, admin):
        sign_in(admin)
        refused = client.post(URL, data=upload(xlsx([person(1)]), dry_run="false"))
        assert refused.status_code == 400 and trainees() == []
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/unit/staff/import").get_data(
            as_text=True)).group(1)
        done = client.post(URL, data=upload(xlsx([person(1)]), dry_run="false"), headers={"X-CSRFToken": csrf})
        assert done.status_code == 201 and len(trainees()) == 1
