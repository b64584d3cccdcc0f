"""A trainee's link to a unit (units.links): choose, choose again, leave; who may."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from tests.units.conftest import audit_rows
from units import links
from units.models import UnitLink
from units.service import Refused


def _links(user) -> list[UnitLink]:
    db.session.expire_all()
    return list(db.session.scalars(select(UnitLink).where(UnitLink.user_id == user.id).order_by(UnitLink.id)))


def test_choosing_a_unit_opens_a_pending_link_and_audits_it(trainee, make_unit):
    unit = make_unit()
    link = links.choose(trainee, unit.id, utcnow())
    db.session.commit()
    assert (link.status, link.unit_id) == ("pending", unit.id)
    assert links.current_link(trainee.id).id == link.id
    [row] = audit_rows("unit_link")
    assert (row.action, row.target, row.actor_id) == ("unit_link_requested", f"unit:{unit.id}", trainee.id)


def test_choosing_another_unit_ends_the_current_link(trainee, make_unit, link_to_unit):
    first, second = make_unit(name="深圳市第一医院"), make_unit(name="深圳市第二医院")
    old = link_to_unit(trainee, first, "confirmed")
    now = utcnow()
    links.choose(trainee, second.id, now)
    db.session.commit()
    rows = _links(trainee)
    assert [(row.unit_id, row.status) for row in rows] == [(first.id, "ended"), (second.id, "pending")]
    assert rows[0].id == old.id and rows[0].ended_at is not None
    assert audit_rows("unit_link")[0].details["previous"] == first.id


def test_choosing_the_unit_already_linked_changes_nothing(trainee, make_unit, link_to_unit):
    unit = make_unit()
    link = link_to_unit(trainee, unit, "confirmed")
    assert links.choose(trainee, unit.id, utcnow()).id == link.id
    db.session.commit()
    assert [(row.status) for row in _links(trainee)] == ["confirmed"]
    assert audit_rows("unit_link") == []


@pytest.mark.parametrize("role", ["bureau", "admin", "producer", "reviewer", "unit_admin"])
def test_only_trainees_have_a_unit(make_user, make_unit, role):
    user, unit = make_user(role, region_code="440305"), make_unit()
    with pytest.raises(Refused) as refused:
        links.choose(user, unit.id, utcnow())
    assert refused.value.status == 403
    with pytest.raises(Refused):
        links.leave(user, utcnow())
    assert _links(user) == []


def test_an_inactive_or_unknown_unit_is_refused(trainee, make_unit, link_to_unit):
    current = make_unit(name="深圳市第一医院")
    link_to_unit(trainee, current, "pending")
    closed = make_unit(name="已撤销的单位", active=False)
    for unit_id, status in ((closed.id, 422), (closed.id + 1000, 404), (0, 404), (2**40, 404)):
        with pytest.raises(Refused) as refused:
            links.choose(trainee, unit_id, utcnow())
        assert refused.value.status == status
    assert [(row.unit_id, row.status) for row in _links(trainee)] == [(current.id, "pending")]


def test_leaving_ends_the_link_and_keeps_it_as_history(trainee, make_unit, link_to_unit):
    unit = make_unit()
    link_to_unit(trainee, unit, "confirmed")
    assert links.leave(trainee, utcnow()).status == "ended"
    db.session.commit()
    assert links.current_link(trainee.id) is None and links.shown_link(trainee.id) is None
    assert [row.status for row in links.history(trainee.id)] == ["ended"]
    assert [row.action for row in audit_rows("unit_link")] == ["unit_link_ended"]
    assert links.leave(trainee, utcnow()) is None  # nothing left to leave


def test_a_rejection_is_shown_until_another_unit_is_chosen(trainee, make_unit):
    unit, other = make_unit(), make_unit(name="深圳市第二医院")
    db.session.add(UnitLink(user_id=trainee.id, unit_id=unit.id, status="rejected", reason="查无此人",
                            requested_at=utcnow() - timedelta(days=1), decided_at=utcnow()))
    db.session.commit()
    assert links.shown_link(trainee.id).reason == "查无此人"
    links.choose(trainee, other.id, utcnow())
    db.session.commit()
    assert links.shown_link(trainee.id).unit_id == other.id


def test_a_simultaneous_choice_is_refused_not_a_server_error(trainee, make_unit, link_to_unit, monkeypatch):
    first, second = make_unit(name="深圳市第一医院"), make_unit(name="深圳市第二医院")
    # As if another request of the same trainee had opened a link between the look-up and the insert.
    link_to_unit(trainee, first, "pending")
    monkeypatch.setattr(links, "current_link", lambda user_id: None)
    with pytest.raises(Refused) as refused:
        links.choose(trainee, second.id, utcnow())
    monkeypatch.undo()
    db.session.rollback()
    assert refused.value.status == 409
    assert [(row.unit_id, row.status) for row in _links(trainee)] == [(first.id, "pending")]
