"""The trainee's unit page (/me/unit) and its v1 calls (/api/v1/me/unit)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from openapi.openapi import spec
from tests.conftest import make_id_number
from tests.openapi.openapi_checker import Checker
from units.models import UnitLink


def _text(response) -> str:
    return response.get_data(as_text=True)


def _current(user) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(row.unit_id, row.status) for row in
            db.session.scalars(select(UnitLink).where(UnitLink.user_id == user.id).order_by(UnitLink.id))]


def test_the_page_says_no_unit_is_chosen_and_finds_units_by_name_or_code(client, sign_in, trainee, make_unit):
    unit = make_unit(name="深圳市南山区人民医院")
    make_unit(name="已撤销的医院", active=False)
    sign_in(trainee)
    assert "未选择" in _text(client.get("/me/unit"))
    page = _text(client.get("/me/unit?q=医院"))
    assert "深圳市南山区人民医院" in page and "已撤销的医院" not in page
    assert f'name="unit_id" value="{unit.id}"' in page
    assert "深圳市南山区人民医院" in _text(client.get(f"/me/unit?q={unit.credit_code[:10].lower()}"))
    assert "没有找到工作单位" in _text(client.get("/me/unit?q=无此单位"))


def test_choosing_shows_pending_then_confirmed_and_leaving_ends_it(client, sign_in, trainee, make_unit):
    unit = make_unit(name="深圳市南山区人民医院")
    sign_in(trainee)
    response = client.post("/me/unit", data={"unit_id": unit.id}, follow_redirects=True)
    assert "等待单位确认" in _text(response) and "待单位确认" in _text(response)
    assert _current(trainee) == [(unit.id, "pending")]
    again = client.post("/me/unit", data={"unit_id": unit.id}, follow_redirects=True)
    assert "无需重复选择" in _text(again) and _current(trainee) == [(unit.id, "pending")]
    link = db.session.scalars(select(UnitLink)).one()
    link.status, link.decided_at = "confirmed", utcnow()
    db.session.commit()
    assert "已确认" in _text(client.get("/me/unit"))
    left = client.post("/me/unit/leave", follow_redirects=True)
    assert "已退出“深圳市南山区人民医院”" in _text(left) and "未选择" in _text(left)
    assert _current(trainee) == [(unit.id, "ended")]


def test_a_rejection_shows_its_reason(client, sign_in, trainee, make_unit):
    unit = make_unit(name="深圳市南山区人民医院")
    db.session.add(UnitLink(user_id=trainee.id, unit_id=unit.id, status="rejected", reason="本单位无此人员",
                            requested_at=utcnow() - timedelta(days=1), decided_at=utcnow()))
    db.session.commit()
    sign_in(trainee)
    page = _text(client.get("/me/unit"))
    assert "被拒绝" in page and "本单位无此人员" in page


def test_bad_choices_are_explained_and_change_nothing(client, sign_in, trainee, make_unit):
    closed = make_unit(name="已撤销的医院", active=False)
    sign_in(trainee)
    assert "已停用，不能选择" in _text(client.post("/me/unit", data={"unit_id": closed.id}, follow_redirects=True))
    assert "没有这个工作单位" in _text(client.post("/me/unit", data={"unit_id": "x"}, follow_redirects=True))
    assert _current(trainee) == []


def test_only_trainees_open_the_page(client, sign_in, make_user):
    sign_in(make_user("bureau", region_code="440300"))
    assert client.get("/me/unit").status_code == 403
    assert client.post("/me/unit", data={"unit_id": 1}).status_code == 403


def test_a_new_trainee_lands_on_the_unit_page_and_may_skip_it(client, make_unit):
    unit = make_unit(name="深圳市南山区人民医院")
    response = client.post("/register", data={
        "real_name": "王小明", "id_number": make_id_number("440305"), "phone": "13912345678",
        "employer": "深圳市南山区人民医院", "password": "secret-pass-1", "confirm": "secret-pass-1"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/me/unit")
    page = _text(client.get(response.headers["Location"]))
    assert "/me/learning" in page  # the skip link
    assert f'name="unit_id" value="{unit.id}"' in page  # the units named as the employer typed, to choose


def test_the_profile_links_to_the_unit_page(client, sign_in, trainee):
    sign_in(trainee)
    page = _text(client.get("/me"))
    assert 'href="/me/unit"' in page and trainee.employer in page


class TestApi:
    def test_get_put_delete(self, client, sign_in, trainee, make_unit):
        unit = make_unit(name="深圳市南山区人民医院")
        sign_in(trainee)
        assert client.get("/api/v1/me/unit").get_json() == {"link": None}
        chosen = client.put("/api/v1/me/unit", json={"unit_id": unit.id})
        assert chosen.status_code == 200
        link = chosen.get_json()["link"]
        assert link["unit"] == {"id": unit.id, "name": unit.name, "credit_code": unit.credit_code}
        assert (link["status"], link["reason"], link["decided_at"]) == ("pending", "", None)
        assert client.get("/api/v1/me/unit").get_json()["link"]["status"] == "pending"
        left = client.delete("/api/v1/me/unit")
        assert left.status_code == 200 and left.get_json() == {"link": None}
        assert _current(trainee) == [(unit.id, "ended")]

    @pytest.mark.parametrize(("body", "status", "code"), [
        ("[1]", 400, "invalid_json"), ({"unit_id": "1"}, 422, "invalid_unit_id"), ({"unit_id": True}, 422,
                                                                                  "invalid_unit_id"),
        ({}, 422, "invalid_unit_id"), ({"unit_id": 999999}, 404, "not_found"), ({"unit_id": 2**63}, 404, "not_found"),
    ])
    def test_bad_bodies(self, client, sign_in, trainee, body, status, code):
        sign_in(trainee)
        if isinstance(body, str):
            response = client.put("/api/v1/me/unit", data=body, content_type="application/json")
        else:
            response = client.put("/api/v1/me/unit", json=body)
        assert response.status_code == status and response.get_json()["error"]["code"] == code
        assert _current(trainee) == []

    def test_an_inactive_unit_and_a_non_trainee_are_refused(self, client, sign_in, trainee, make_unit, make_user):
        closed = make_unit(active=False)
        sign_in(trainee)
        response = client.put("/api/v1/me/unit", json={"unit_id": closed.id})
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "inactive_unit"
        sign_in(make_user("bureau", region_code="440300"))
        assert client.put("/api/v1/me/unit", json={"unit_id": make_unit(name="甲医院").id}).status_code == 403
        assert client.delete("/api/v1/me/unit").get_json()["error"]["code"] == "not_trainee"


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_choosing_needs_the_token(self, client, sign_in, trainee, make_unit):
        unit = make_unit(name="深圳市南山区人民医院")
        sign_in(trainee)
        assert client.post("/me/unit", data={"unit_id": unit.id}).status_code == 400
        assert client.put("/api/v1/me/unit", json={"unit_id": unit.id}).status_code == 400
        assert _current(trainee) == []
        page = _text(client.get("/me/unit?q=南山"))
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post("/me/unit", data={"unit_id": unit.id, "csrf_token": token}).status_code == 302
        assert client.delete("/api/v1/me/unit", headers={"X-CSRFToken": token}).status_code == 200
        assert _current(trainee) == [(unit.id, "ended")]


def test_the_answers_match_the_openapi_document(client, sign_in, trainee, make_unit, make_user):
    checker = Checker(spec())
    path = "/api/v1/me/unit"

    def call(method: str, **kwargs):
        return checker.check(client.open(path, method=method.upper(), **kwargs), path, method)

    unit, closed = make_unit(name="深圳市南山区人民医院"), make_unit(name="已撤销的医院", active=False)
    sign_in(trainee)
    call("get")
    assert call("put", json={"unit_id": unit.id}).status_code == 200
    call("get")
    for body, status in (({"unit_id": closed.id}, 422), ({"unit_id": 0}, 404), ({"unit_id": "x"}, 422)):
        assert call("put", json=body).status_code == status
    assert call("put", data="no json", content_type="application/json").status_code == 400
    assert call("delete").status_code == 200
    sign_in(make_user("bureau", region_code="440300"))
    assert call("put", json={"unit_id": unit.id}).status_code == 403
    assert call("delete").status_code == 403
    assert {(method, int(status)) for _path, method, status in checker.seen} >= {
        ("get", 200), ("put", 200), ("put", 400), ("put", 403), ("put", 404), ("put", 422), ("delete", 200),
        ("delete", 403)}


def test_a_confirmed_trainee_asks_to_move_to_another_employer(client, sign_in, trainee, make_unit, link_to_unit):
    old, new = make_unit(name="深圳市南山区人民医院"), make_unit(name="深圳市福田区人民医院")
    link_to_unit(trainee, old)
    sign_in(trainee)
    page = _text(client.get("/me/unit"))
    assert "调换工作单位" in page and "与“深圳市南山区人民医院”的关联随即结束" in page
    moved = _text(client.post("/me/unit", data={"unit_id": new.id}, follow_redirects=True))
    assert "已申请调换到“深圳市福田区人民医院”，与“深圳市南山区人民医院”的关联已结束，等待新单位确认。" in moved
    assert _current(trainee) == [(old.id, "ended"), (new.id, "pending")]
