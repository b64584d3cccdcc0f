"""Every ledger change in an active endpoint's region lands in its outbox, in the same transaction."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from learning import certificates
from learning.models import CreditRecord
from push import endpoints
from push.models import PushEvent
from tests.push.conftest import free_port_url, write_row


def events():
    return db.session.scalars(select(PushEvent).order_by(PushEvent.id)).all()


def test_rows_of_every_basis_in_scope_become_events(register, make_user):
    endpoint, _secret = register(free_port_url(), region="330000")
    inside, outside = make_user(region_code="330102"), make_user(region_code="440305")
    declared = write_row(inside)
    correction = write_row(inside, -5, basis="correction")
    write_row(outside)
    assert [(e.record_id, e.kind, e.endpoint_id) for e in events()] == [
        (declared.id, "recorded", endpoint.id), (correction.id, "recorded", endpoint.id)]
    assert len({e.event_id for e in events()}) == 2


def test_a_rolled_back_change_leaves_no_event(register, make_user):
    register(free_port_url())
    trainee = make_user(region_code="330102")
    db.session.add(CreditRecord(user_id=trainee.id, year=2026, hours_tenths=10, basis="correction", reason="x",
                                title="t", awarded_at=utcnow(), updated_at=utcnow()))
    db.session.flush()
    assert len(events()) == 1  # written with the row, in its transaction
    db.session.rollback()
    assert events() == []


def test_a_certificate_number_appearing_is_an_update(register, make_user, make_course):
    endpoint, _secret = register(free_port_url())
    trainee, course = make_user(region_code="330102"), make_course()
    record = CreditRecord(user_id=trainee.id, course_id=course.id, year=2026, hours_tenths=10, basis="completion",
                          awarded_at=utcnow(), updated_at=utcnow())
    db.session.add(record)
    db.session.commit()
    later = utcnow()
    certificates.touch_completion(trainee.id, course.id, later)  # how a course certificate bumps updated_at
    db.session.commit()
    assert [(e.record_id, e.kind) for e in events()] == [(record.id, "recorded"), (record.id, "updated")]


def test_written_and_touched_in_one_transaction_is_one_event(register, make_user, make_course):
    register(free_port_url())
    trainee, course = make_user(region_code="330102"), make_course()
    db.session.add(CreditRecord(user_id=trainee.id, course_id=course.id, year=2026, hours_tenths=10,
                                basis="completion", awarded_at=utcnow(), updated_at=utcnow()))
    db.session.flush()
    certificates.touch_completion(trainee.id, course.id, utcnow())
    db.session.commit()
    assert [e.kind for e in events()] == ["recorded"]


def test_a_disabled_endpoint_gets_nothing_new(register, make_user):
    endpoint, _secret = register(free_port_url())
    trainee = make_user(region_code="330102")
    write_row(trainee)
    endpoints.disable(endpoint)
    db.session.commit()
    write_row(trainee)
    assert len(events()) == 1
