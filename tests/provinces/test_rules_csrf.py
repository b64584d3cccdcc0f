"""With CSRF on (as in production): the page's forms and cookie calls of the API need the token."""
import re

import pytest

from core.policy.examples import GUANGDONG
from tests.provinces.conftest import count_versions, form_of, stored


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def token_in(html: str) -> str:
    return re.search(r'name="csrf[-_]token"[^>]*(?:content|value)="([^"]+)"', html).group(1)


def test_the_forms_need_the_token(client, sign_in, admin, examples):
    sign_in(admin)
    data = form_of({**GUANGDONG, "prefix": "4401", "effective_from": "2026-01-01"})
    assert client.post("/admin/rules/new", data=data).status_code == 400
    assert client.post("/admin/rules/44/2024-01-01/delete").status_code == 400
    assert count_versions() == 3
    token = token_in(client.get("/admin/rules/new").get_data(as_text=True))
    assert client.post("/admin/rules/new", data={**data, "csrf_token": token}).status_code == 302
    token = token_in(client.get("/admin/rules/44/2024-01-01/delete").get_data(as_text=True))
    assert client.post("/admin/rules/44/2024-01-01/delete", data={"csrf_token": token}).status_code == 302
    assert [prefix for prefix, _day, _rules in stored()] == ["", "41", "4401"]


def test_cookie_calls_of_the_api_need_the_header(client, sign_in, admin, examples):
    sign_in(admin)
    refused = client.put("/api/v1/admin/rules/44", json={**GUANGDONG, "name": "广东省"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    assert client.delete("/api/v1/admin/rules/44").status_code == 400 and count_versions() == 3
    token = token_in(client.get("/admin/rules/").get_data(as_text=True))
    accepted = client.put("/api/v1/admin/rules/44", json={**GUANGDONG, "name": "广东省"},
                          headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.get_json()["name"] == "广东省"
