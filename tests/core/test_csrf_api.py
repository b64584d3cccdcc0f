"""JSON calls made with the session cookie must carry the CSRF token in X-CSRFToken."""
import re

import pytest

from tests.conftest import sign_in_as


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def csrf_token(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/catalogue").get_data(as_text=True)).group(1)


def test_a_cookie_call_without_the_header_is_refused_and_changes_nothing(client, make_user, make_course):
    lesson = make_course().lessons[0]
    sign_in_as(client, make_user())
    refused = client.post(f"/api/v1/lessons/{lesson.id}/sessions", json={})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    accepted = client.post(f"/api/v1/lessons/{lesson.id}/sessions", json={},
                           headers={"X-CSRFToken": csrf_token(client)})
    assert accepted.status_code == 201
