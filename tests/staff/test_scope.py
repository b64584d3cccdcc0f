"""Who may do what in the unit administrator's room: the unit's own administrator; another unit's
administrator sees only their own unit (another unit's objects are 404); bureau officers,
trainees and visitors are refused. With CSRF on, every form needs its token."""
import re

import pytest

from core.extensions import db
from tests.staff.conftest import notices_of
from units.models import UnitLink

READS = ["/unit/", "/unit/staff.csv", "/unit/staff.xlsx", "/api/v1/unit/staff", "/api/v1/unit/staff/pending"]


def writes(world) -> list[tuple[str, dict]]:
    link = world.pending.id
    return [(f"/unit/links/{link}/confirm", {}), (f"/unit/links/{link}/reject", {"data": {"reason": "x"}}),
            ("/unit/remind", {"data": {"user_ids": [world.short.id]}}),
            (f"/api/v1/unit/staff/links/{link}/confirm", {}),
            (f"/api/v1/unit/staff/links/{link}/reject", {"json": {"reason": "x"}}),
            ("/api/v1/unit/staff/remind", {"json": {"user_ids": [world.short.id]}})]


@pytest.mark.parametrize("who", ["bureau", "outsider", "short"])
def test_other_roles_are_forbidden_everywhere(client, sign_in, world, who):
    sign_in(getattr(world, who))
    for path in READS:
        assert client.get(path).status_code == 403, path
    for path, body in writes(world):
        assert client.post(path, **body).status_code == 403, path
    api = client.get("/api/v1/unit/staff")
    assert api.json["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert db.session.get(UnitLink, world.pending.id).status == "pending" and notices_of(world.short) == []


def test_visitors_are_sent_to_log_in_and_scripts_get_401(client, world):
    assert client.get("/unit/").status_code == 302
    assert client.get("/api/v1/unit/staff").status_code == 401


def test_another_units_administrator_sees_only_their_own_unit(client, sign_in, world):
    sign_in(world.other_admin)
    html = client.get("/unit/").get_data(as_text=True)
    assert "赵外单位" in html and "周别处" in html and "李未满" not in html and "孙申请" not in html
    assert [row["name"] for row in client.get("/api/v1/unit/staff").json["staff"]] == ["赵外单位"]
    assert [link["user"]["name"] for link in client.get("/api/v1/unit/staff/pending").json["links"]] == ["周别处"]
    csv_text = client.get("/unit/staff.csv").get_data().decode("utf-8")
    assert "赵外单位" in csv_text and "李未满" not in csv_text
    for path, body in writes(world):
        assert client.post(path, **body).status_code == 404, path
    db.session.expire_all()
    assert db.session.get(UnitLink, world.pending.id).status == "pending" and notices_of(world.short) == []


def test_the_nav_offers_the_unit_page_to_its_administrator_only(client, sign_in, world):
    sign_in(world.admin)
    assert 'href="/unit/"' in client.get("/me/learning").get_data(as_text=True)
    sign_in(world.bureau)
    assert 'href="/unit/"' not in client.get("/me/learning").get_data(as_text=True)


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_form_needs_its_token(self, client, sign_in, world):
        sign_in(world.admin)
        html = client.get("/unit/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        for path, body in writes(world)[:3]:
            assert client.post(path, **body).status_code == 400, path
        assert client.post("/api/v1/unit/staff/remind", json={"user_ids": [world.short.id]}).status_code == 400
        db.session.expire_all()
        assert db.session.get(UnitLink, world.pending.id).status == "pending" and notices_of(world.short) == []
        assert client.post(f"/unit/links/{world.pending.id}/confirm", data={"csrf_token": token}).status_code == 302
        api = client.post("/api/v1/unit/staff/remind", json={"user_ids": [world.short.id]},
                          headers={"X-CSRFToken": token})
        assert api.status_code == 200 and api.json["sent"] == 1
