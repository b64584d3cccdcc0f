"""The worker for real, against real HTTP receivers on free ports (docs/push_receiver.py)."""
import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from push import delivery, endpoints
from push.models import PushAttempt, PushEvent
from push.rules import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.push.conftest import Switch, free_port_url, receiving, wait_until, write_row

ROOT = Path(__file__).resolve().parents[2]


def pending():
    db.session.expire_all()
    return db.session.scalars(select(PushEvent).where(PushEvent.delivered_at.is_(None)).order_by(PushEvent.id)).all()


def test_events_arrive_signed_as_cloudevents_and_are_marked_delivered(register, make_user):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        trainee = make_user(region_code="330102")
        row = write_row(trainee, 15)
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}
    event = db.session.scalars(select(PushEvent)).one()
    message = switch.receiver.events[event.event_id]
    assert message["specversion"] == "1.0" and message["type"] == "cn.zhixin.credit.recorded"
    assert message["subject"] == f"credit-records/{row.id}" and message["datacontenttype"] == "application/json"
    assert message["data"]["id"] == row.id and message["data"]["hours"] == 1.5
    assert message["data"]["id_number"] == trainee.id_number and message["data"]["basis"] == "declared"
    assert pending() == []


def test_an_endpoint_of_the_hr_profile_receives_the_records_under_their_indicator_codes(register, make_user):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url, profile="hr")
        switch.receiver.secret = secret
        trainee = make_user(region_code="330102")
        write_row(trainee, 15)
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}
    data = next(iter(switch.receiver.events.values()))["data"]
    assert data["aac002"] == trainee.id_number and data["aac003"] == trainee.real_name
    assert "id_number" not in data and data["hours"] == 1.5


def test_a_forged_or_stale_message_is_refused_by_the_reference_receiver(register):
    from docs.push_receiver import expected_signature, verify
    body, now = b'{"id":"x"}', 1_800_000_000
    good = expected_signature("s", str(now), body)
    assert verify("s", str(now), good, body, now)
    assert not verify("other", str(now), good, body, now)
    assert not verify("s", str(now), good, body + b" ", now)
    assert not verify("s", str(now), good, body, now + 301)  # a replay outside the window


def test_500_and_a_hang_count_as_failures_and_back_off(register, make_user, app):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        write_row(make_user(region_code="330102"))
        switch.mode = "500"
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 0, "failed": 1}
        first = pending()[0]
        assert first.attempts == 1 and first.last_error == "HTTP 500"
        assert first.next_attempt_at > utcnow() + timedelta(seconds=20)  # 30 s after the first failure
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 0, "failed": 0}  # not yet due
        switch.mode = "hang"
        endpoints.retry_now(endpoint, utcnow())
        db.session.commit()
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 0, "failed": 1}
        second = pending()[0]
        switch.release.set()
        assert second.attempts == 2 and "timed out" in second.last_error
        statuses = db.session.scalars(select(PushAttempt.status).order_by(PushAttempt.id)).all()
        assert statuses == [500, None]


def test_one_trainees_events_keep_their_order_others_go_on(register, make_user):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        stuck, other = make_user(region_code="330102"), make_user(region_code="330102")
        write_row(stuck)
        switch.mode = "500"
        delivery.deliver_endpoint(endpoint.id)
        switch.mode = "ok"
        write_row(stuck)
        write_row(other)
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}  # only the other's
        assert [e.user_id for e in pending()] == [stuck.id, stuck.id]
        endpoints.retry_now(endpoint, utcnow())
        db.session.commit()
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 2, "failed": 0}
    order = [m["data"]["id"] for m in switch.receiver.events.values() if m["data"]["id_number"] == stuck.id_number]
    assert order == sorted(order)


def test_a_day_long_outage_then_reconciliation_loses_nothing(register, make_user, client, login):
    url = free_port_url()  # the receiver is down
    endpoint, secret = register(url)
    trainees = [make_user(region_code="330102") for _ in range(3)]
    for trainee in trainees:
        write_row(trainee)
    for _round in range(4):
        assert delivery.deliver_endpoint(endpoint.id)["delivered"] == 0
        endpoints.retry_now(endpoint, utcnow())
        db.session.commit()
    assert {e.attempts for e in pending()} == {4} and len(pending()) == 3
    with receiving(switch := Switch(secret)) as new_url:
        endpoint.url = new_url  # the receiver is back (at the same address in real life)
        db.session.commit()
        endpoints.retry_now(endpoint, utcnow())
        db.session.commit()
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 3, "failed": 0}
        # The receiver lost one event in its own crash: reconciliation finds and resends it.
        lost = sorted(switch.receiver.events)[0]
        del switch.receiver.events[lost]
        officer = make_user("bureau", region_code="330000")
        login(officer)
        day = utcnow().astimezone(__import__("core.tz", fromlist=["CHINA"]).CHINA).date().isoformat()
        base = f"/api/v1/push/endpoints/{endpoint.id}/days/{day}"
        ours = client.get(f"{base}/digest").get_json()
        from docs.push_receiver import digest
        assert ours["count"] == 3 and ours["sha256"] != digest(switch.receiver.events)["sha256"]
        answer = client.post(f"{base}/reconcile", json={"ids": sorted(switch.receiver.events)}).get_json()
        assert answer["missing"] == [lost] and answer["unknown"] == []
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}
        assert digest(switch.receiver.events)["sha256"] == ours["sha256"]


def test_receiver_killed_mid_request_gets_the_event_again_and_keeps_it_once(register, make_user):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        write_row(make_user(region_code="330102"))
        switch.mode = "hangup"
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 0, "failed": 1}
        assert len(switch.receiver.events) == 1  # it had stored it before dying
        switch.mode = "ok"
        endpoints.retry_now(endpoint, utcnow())
        db.session.commit()
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}
    assert switch.receiver.deliveries == 2 and len(switch.receiver.events) == 1
    assert pending() == []


WORKER = """
import json, sys
from app import create_app
from push import delivery
app = create_app(json.loads(sys.argv[1]), instance_path=sys.argv[2])
with app.app_context():
    print(delivery.deliver_endpoint(int(sys.argv[3])), flush=True)
"""


def _worker(app, endpoint_id: int, tmp_path) -> subprocess.Popen:
    keys = ("SECRET_KEY", "DATABASE_URL", "SQLALCHEMY_ENGINE_OPTIONS", "QUEUE_URL", "PUSH_TIMEOUT_SECONDS")
    config = {key: current_app.config[key] for key in keys} | {"QUEUE_IMMEDIATE": False}
    config["PUSH_TIMEOUT_SECONDS"] = 30
    return subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(config), str(tmp_path / "w"), str(endpoint_id)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_worker_killed_mid_delivery_the_event_goes_again_after_the_lease(register, make_user, app, tmp_path):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        write_row(make_user(region_code="330102"))
        switch.mode = "hang"
        worker = _worker(app, endpoint.id, tmp_path)
        wait_until(lambda: switch.requests == 1, seconds=60)
        worker.send_signal(signal.SIGKILL)  # mid-delivery: the request is in flight
        worker.communicate(timeout=30)
        switch.mode = "ok"
        switch.release.set()
        event = pending()[0]
        assert event.lease_token is not None and event.attempts == 0  # claimed, never answered
        assert delivery.deliver_endpoint(endpoint.id)["delivered"] == 0  # the lease still holds it
        event.lease_until = utcnow() - timedelta(seconds=1)  # the lease runs out
        db.session.commit()
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}
    assert list(switch.receiver.events) == [event.event_id] and pending() == []


def test_signature_headers_are_present(register, make_user):
    seen = {}

    def wsgi(environ, start_response):
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    with receiving(wsgi) as url:
        endpoint, _secret = register(url)
        write_row(make_user(region_code="330102"))
        delivery.deliver_endpoint(endpoint.id)
    assert seen["CONTENT_TYPE"] == "application/cloudevents+json"
    assert seen["HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")].startswith("sha256=")
    assert seen["HTTP_" + TIMESTAMP_HEADER.upper().replace("-", "_")].isdigit()
    assert pending() == []


def test_nothing_is_sent_for_an_unreachable_receiver_until_it_answers(register, make_user):
    endpoint, _secret = register(free_port_url())
    write_row(make_user(region_code="330102"))
    assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 0, "failed": 1}
    assert "Connection" in pending()[0].last_error or "refused" in pending()[0].last_error.lower()


def test_a_trainee_who_moved_away_still_has_the_event_sent(register, make_user):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        trainee = make_user(region_code="330102")
        write_row(trainee)
        trainee.region_code = "440305"  # moved to Guangdong before the worker ran
        db.session.commit()
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 1, "failed": 0}
    assert [m["data"]["region_code"] for m in switch.receiver.events.values()] == ["440305"]


def test_a_changed_app_key_stops_deliveries_instead_of_sending_bad_signatures(register, make_user, app):
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        write_row(make_user(region_code="330102"))
        app.config["SECRET_KEY"] = "another-key"
        assert delivery.deliver_endpoint(endpoint.id) == {"delivered": 0, "failed": 1}
    assert switch.requests == 0 and pending()[0].last_error.startswith("secret_changed")


def test_two_workers_at_once_send_each_event_once(register, make_user, app):
    import threading
    with receiving(switch := Switch("")) as url:
        endpoint, secret = register(url)
        switch.receiver.secret = secret
        for _ in range(3):
            trainee = make_user(region_code="330102")
            for _ in range(3):
                write_row(trainee)
        endpoint_id = endpoint.id  # read here: the test's session is not the threads'

        def work():
            with app.app_context():
                delivery.deliver_endpoint(endpoint_id)

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    assert switch.receiver.deliveries == 9 and len(switch.receiver.events) == 9 and pending() == []
