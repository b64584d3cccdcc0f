"""``flask units create`` and, with CSRF on, the forms and cookie calls of the units."""
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from tests.units.conftest import HUAWEI, audit_rows
from units.models import Unit


def run(app, *args):
    return app.test_cli_runner().invoke(args=["units", "create", *args])


def test_the_command_creates_a_unit_and_prints_its_id(app):
    result = run(app, "--name", "华为技术有限公司", "--credit-code", HUAWEI, "--region", "440307")
    assert result.exit_code == 0, result.output
    unit = db.session.scalars(select(Unit)).one()
    assert result.output.strip() == str(unit.id) and unit.credit_code == HUAWEI
    [row] = audit_rows()
    assert row.actor_id is None and row.details["via"] == "cli"


def test_the_command_refuses_a_bad_code_and_a_duplicate(app):
    bad = run(app, "--name", "甲", "--credit-code", "91440300708461136U", "--region", "440307")
    assert bad.exit_code != 0 and "校验位" in bad.output
    assert run(app, "--name", "甲", "--credit-code", HUAWEI, "--region", "440307").exit_code == 0
    again = run(app, "--name", "乙", "--credit-code", HUAWEI, "--region", "440307")
    assert again.exit_code != 0 and "已登记为“甲”" in again.output


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def token_in(html: str) -> str:
        return re.search(r'name="csrf[-_]token"[^>]*(?:content|value)="([^"]+)"', html).group(1)

    def test_the_form_and_the_cookie_calls_need_the_token(self, client, sign_in, officer):
        sign_in(officer)
        data = {"name": "华为", "credit_code": HUAWEI, "region_code": "440307"}
        assert client.post("/units/new", data=data).status_code == 400
        refused = client.post("/api/v1/units", json=data)
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
        token = self.token_in(client.get("/units/new").get_data(as_text=True))
        assert client.post("/units/new", data={**data, "csrf_token": token}).status_code == 302
        unit = db.session.scalars(select(Unit)).one()
        assert client.patch(f"/api/v1/units/{unit.id}", json={"address": "坂田"},
                            headers={"X-CSRFToken": token}).status_code == 200
