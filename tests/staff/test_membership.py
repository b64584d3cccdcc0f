"""A unit administrator confirms or rejects the requests to join the unit: on the page and
through the API, with a notice to the trainee and an audit row; another unit's request is 404."""
import pytest

from core.extensions import db
from tests.staff.conftest import audit_rows, notices_of
from units.models import UnitLink


def link(link_id: int) -> UnitLink:
    db.session.expire_all()
    return db.session.get(UnitLink, link_id)


def test_the_page_lists_the_pending_request_masked_and_confirming_it_tells_the_trainee(client, sign_in, world):
    sign_in(world.admin)
    html = client.get("/unit/").get_data(as_text=True)
    applicant = world.pending.user
    assert "孙申请" in html and applicant.masked_id_number in html and applicant.id_number not in html
    assert "周别处" not in html  # the other unit's request
    response = client.post(f"/unit/links/{world.pending.id}/confirm", follow_redirects=True)
    assert "已确认孙申请为本单位人员" in response.get_data(as_text=True)
    row = link(world.pending.id)
    assert (row.status, row.decided_by_id) == ("confirmed", world.admin.id) and row.decided_at is not None
    [notice] = notices_of(applicant)
    assert notice.kind == "unit_link_confirmed" and "深圳市南山区人民医院" in notice.title and notice.link == "/me/unit"
    [entry] = audit_rows("unit_link_confirmed")
    assert entry.actor_id == world.admin.id and entry.target == f"user:{applicant.id}"


def test_a_rejection_needs_a_reason_and_the_trainee_reads_it(client, sign_in, world):
    sign_in(world.admin)
    response = client.post(f"/unit/links/{world.pending.id}/reject", data={"reason": "  "}, follow_redirects=True)
    assert "拒绝时请填写原因" in response.get_data(as_text=True)
    assert link(world.pending.id).status == "pending" and notices_of(world.pending.user) == []
    client.post(f"/unit/links/{world.pending.id}/reject", data={"reason": "查无此人"})
    row = link(world.pending.id)
    assert (row.status, row.reason) == ("rejected", "查无此人")
    [notice] = notices_of(row.user)
    assert notice.kind == "unit_link_rejected" and "查无此人" in notice.body
    [entry] = audit_rows("unit_link_rejected")
    assert entry.details["reason"] == "查无此人"


def test_another_units_request_is_not_found_on_the_page_and_in_the_api(client, sign_in, world):
    sign_in(world.admin)
    assert client.post(f"/unit/links/{world.other_pending.id}/confirm").status_code == 404
    assert client.post(f"/unit/links/{world.other_pending.id}/reject", data={"reason": "x"}).status_code == 404
    api = client.post(f"/api/v1/unit/staff/links/{world.other_pending.id}/confirm")
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"
    unknown = client.post("/api/v1/unit/staff/links/99999/reject", json={"reason": "x"})
    assert unknown.status_code == 404 and unknown.json == api.json  # the same answer: nothing learned
    assert link(world.other_pending.id).status == "pending" and audit_rows("unit_link_confirmed") == []


def test_the_api_lists_decides_and_refuses_a_second_decision(client, sign_in, world):
    sign_in(world.admin)
    [waiting] = client.get("/api/v1/unit/staff/pending").json["links"]
    assert waiting["id"] == world.pending.id and waiting["user"]["id_number"] == world.pending.user.masked_id_number
    refused = client.post(f"/api/v1/unit/staff/links/{world.pending.id}/reject", json={})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "reason_required"
    assert client.post(f"/api/v1/unit/staff/links/{world.pending.id}/reject", data="x").status_code == 400
    done = client.post(f"/api/v1/unit/staff/links/{world.pending.id}/reject", json={"reason": "不是本院职工"})
    assert done.status_code == 200 and done.json["status"] == "rejected" and done.json["reason"] == "不是本院职工"
    again = client.post(f"/api/v1/unit/staff/links/{world.pending.id}/confirm")
    assert again.status_code == 409 and again.json["error"]["code"] == "already_decided"
    assert link(world.pending.id).status == "rejected" and client.get("/api/v1/unit/staff/pending").json["links"] == []


def test_a_confirmed_person_joins_the_roster(client, sign_in, world):
    sign_in(world.admin)
    names = {row["name"] for row in client.get("/api/v1/unit/staff").json["staff"]}
    assert "孙申请" not in names
    assert client.post(f"/api/v1/unit/staff/links/{world.pending.id}/confirm").status_code == 200
    names = {row["name"] for row in client.get("/api/v1/unit/staff").json["staff"]}
    assert names == {"陈达标", "李未满", "王北京", "孙申请"}


def test_of_two_racing_decisions_only_one_applies(app, world):
    from core.db import utcnow
    from staff import membership
    from units.service import Refused

    stale = db.session.get(UnitLink, world.pending.id)  # loaded while still pending
    with db.engine.begin() as connection:  # another administrator's decision commits meanwhile
        connection.execute(UnitLink.__table__.update().where(UnitLink.id == stale.id).values(status="rejected",
                                                                                             reason="先到"))
    with pytest.raises(Refused) as refused:
        membership.decide(world.admin, stale.id, True, "", utcnow())
    assert refused.value.code == "already_decided"
    db.session.rollback()
    assert (link(world.pending.id).status, notices_of(world.pending.user)) == ("rejected", [])
