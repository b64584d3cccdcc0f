"""The hand-over to the worker: a commit that wrote events queues their endpoint's delivery, and
the Huey task, run as the consumer runs it, delivers; the periodic task finds what is due."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.queue import huey
from push import delivery, endpoints
from push.models import PushEvent
from push.tasks import deliver_due
from tests.push.conftest import Switch, free_port_url, receiving, write_row


def run_queued() -> list:
    """Run every queued task as the consumer does; returns their results."""
    results = []
    while (task := huey.dequeue()) is not None:
        results.append(huey.execute(task))
    return results


def test_a_committed_change_is_handed_to_the_worker_which_delivers_it(register, make_user):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        run_queued()
        write_row(make_user(region_code="330102"))
        assert run_queued() == [{"delivered": 1, "failed": 0}]
    assert len(switch.receiver.events) == 1
    assert db.session.scalars(select(PushEvent.delivered_at)).one() is not None


def test_a_rolled_back_change_queues_nothing(register, make_user):
    register(free_port_url())
    run_queued()
    trainee = make_user(region_code="330102")
    run_queued()
    from learning.entries import add_entry
    add_entry(trainee, basis="correction", year=2026, hours_tenths=5, subject_type="gongxu", now=utcnow(),
              title="x", reason="y")
    db.session.rollback()
    assert run_queued() == []


def test_the_periodic_task_sends_only_endpoints_with_events_due(register, make_user):
    down, _secret = register(free_port_url())
    register(free_port_url(), region="440000")  # nothing for it
    write_row(make_user(region_code="330102"))
    run_queued()  # the first try fails: the event waits for its back-off
    assert delivery.endpoints_with_due_events(utcnow()) == []
    endpoints.retry_now(down, utcnow())
    db.session.commit()
    assert delivery.endpoints_with_due_events(utcnow()) == [down.id]
    deliver_due.call_local()
    assert run_queued() == [{"delivered": 0, "failed": 1}]
