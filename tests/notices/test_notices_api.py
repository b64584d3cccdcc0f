"""GET /api/v1/me/notices, POST …/<id>/read and …/read-all: each answer checked against the OpenAPI document."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from core.extensions import db
from notices.models import Notice
from notices.service import notify
from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, token_for
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1/me/notices"


@pytest.fixture
def api(client):
    """``api(method, template, url, **kwargs)``: make the call, check it against the spec, return it."""
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        return checker.check(client.open(url or template, method=method.upper(), **kwargs), template, method)

    call.checker = checker
    return call


def add(user, title="学时证明已更新", link="", at=None) -> Notice:
    notice = notify(user.id, "certificate_superseded", title, "因学时更正，证明已重新签发", link)
    notice.created_at = at or notice.created_at
    db.session.commit()
    return notice


def test_the_list_pages_the_callers_notices_with_the_unread_count(api, make_user):
    user = make_user()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    notices = [add(user, f"通知{n}", "/me/certificates", start + timedelta(hours=n)) for n in range(5)]
    notices[0].read_at = start
    add(make_user(), "别人的通知")
    headers = bearer(token_for(user))
    body = api("get", V1, query_string={"per_page": 2}, headers=headers).get_json()
    assert [item["title"] for item in body["items"]] == ["通知4", "通知3"]
    assert body["unread"] == 4 and body["total"] == 5 and body["pages"] == 3 and body["prev"] is None
    assert body["next"] == f"{V1}?per_page=2&page=2"
    first = body["items"][0]
    assert first["kind"] == "certificate_superseded" and first["link"] == "/me/certificates"
    assert first["created_at"] == "2026-01-01T04:00:00+00:00" and first["read_at"] is None
    last = api("get", V1, query_string={"per_page": 2, "page": 3}, headers=headers).get_json()
    assert [item["title"] for item in last["items"]] == ["通知0"] and last["items"][0]["read_at"]
    unread = api("get", V1, query_string={"unread": "true"}, headers=headers).get_json()
    assert unread["total"] == 4 and all(item["read_at"] is None for item in unread["items"])
    assert api("get", V1, query_string={"unread": "false"}, headers=headers).get_json()["total"] == 5


def test_a_link_off_the_site_is_given_as_none(api, make_user):
    user = make_user()
    add(user, link="https://evil.example/")
    assert api("get", V1, headers=bearer(token_for(user))).get_json()["items"][0]["link"] is None


@pytest.mark.parametrize("query, code", [({"unread": "maybe"}, "invalid_unread"), ({"page": "0"}, "invalid_page"),
                                         ({"page": "x"}, "invalid_page"), ({"per_page": "101"}, "invalid_per_page"),
                                         ({"page": "１"}, "invalid_page")])
def test_bad_parameters_are_refused(api, make_user, query, code):
    response = api("get", V1, query_string=query, headers=bearer(token_for(make_user())))
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code


def test_marking_one_and_all_read(api, make_user):
    user = make_user()
    one, two, three = (add(user, f"通知{n}") for n in range(3))
    theirs = add(make_user())
    headers = bearer(token_for(user))
    read = api("post", f"{V1}/{{notice_id}}/read", f"{V1}/{one.id}/read", headers=headers).get_json()
    assert read["id"] == one.id and read["read_at"]
    again = api("post", f"{V1}/{{notice_id}}/read", f"{V1}/{one.id}/read", headers=headers).get_json()
    assert again["read_at"] == read["read_at"]
    assert api("post", f"{V1}/read-all", headers=headers).get_json() == {"marked": 2, "unread": 0}
    assert api("get", V1, headers=headers).get_json()["unread"] == 0
    db.session.expire_all()
    assert db.session.get(Notice, theirs.id).read_at is None


def test_another_users_notice_is_not_found(api, make_user):
    owner = make_user()
    notice = add(owner)
    response = api("post", f"{V1}/{{notice_id}}/read", f"{V1}/{notice.id}/read", headers=bearer(token_for(make_user())))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).read_at is None


def test_every_call_needs_a_caller(api):
    for method, template, url in (("get", V1, V1), ("post", f"{V1}/{{notice_id}}/read", f"{V1}/1/read"),
                                  ("post", f"{V1}/read-all", f"{V1}/read-all")):
        assert api(method, template, url).status_code == 401
    wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
              if "notices" in op["tags"]}
    assert wanted == {(path, method) for path, method, _status in api.checker.seen}


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_cookie_calls_need_the_token_and_bearer_calls_do_not(self, client, make_user, sign_in):
        user = make_user()
        notice = add(user)
        sign_in(user)
        refused = client.post(f"{V1}/read-all")
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
        db.session.expire_all()
        assert db.session.get(Notice, notice.id).read_at is None
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/me/notices").get_data(as_text=True))
        assert client.post(f"{V1}/{notice.id}/read", headers={"X-CSRFToken": token.group(1)}).status_code == 200
        client.delete_cookie("session")
        assert client.post(f"{V1}/read-all", headers=bearer(token_for(user))).status_code == 200
