"""Incremental sync is exactly-once: records committed late, written while a client pages, or changed
later (a certificate issued) each reach the client once per version. On SQLite and PostgreSQL."""
import random
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

import bureau.records_api
import learning.certificate_api
from bureau.records import Filters
from bureau.records_api import Position, fetch_page, horizon_at, synced_until
from bureau.scope import scope_for
from core import sqlite_writers
from core.db import utcnow
from core.extensions import db
from learning.models import CreditRecord
from tests.bureau.records_helpers import bearer, credit, token_for

URL = "/api/v1/bureau/records"
LAG = 1.0  # far longer than a writer's transaction below, even on a busy machine


@pytest.fixture
def app_overrides():
    return {"SYNC_LAG_SECONDS": LAG}


@pytest.fixture
def officer(make_user):
    return make_user("bureau", region_code="440000")


@pytest.fixture
def course(make_course):
    return make_course("数字经济概论")


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def run_pages(scope, since, now: datetime, lag: float, limit: int = 1) -> tuple[list[int], datetime]:
    """One sync run at ``now`` through the query layer: every page to the end; (ids, synced_until)."""
    ids, after, horizon = [], None, horizon_at(now, lag)
    while True:
        page = fetch_page(scope, Filters(updated_since=since), after, limit, horizon)
        ids += [row[0] for row in page.rows]
        if not page.has_more:
            return ids, synced_until(horizon, since)
        after = Position(page.rows[-1][-1], page.rows[-1][0])


@contextmanager
def in_flight(user, course, stamped: datetime):
    """A credit record inserted on another connection, stamped ``stamped``, committed on exit."""
    with db.engine.connect() as connection:
        transaction = connection.begin()
        result = connection.execute(insert(CreditRecord).values(
            user_id=user.id, course_id=course.id, year=2026, hours_tenths=15, basis="completion", reason="",
            awarded_at=stamped, updated_at=stamped))
        yield result.inserted_primary_key[0]
        transaction.commit()


@pytest.mark.parametrize("lag, delivered", [(2.0, True), (0.0, False)])
def test_the_lag_is_what_delivers_a_record_committed_after_a_client_paged_past_it(
        officer, course, make_user, lag, delivered):
    """A transaction stamps updated_at at t and commits later; a client pages through meanwhile.
    With a lag longer than the transaction it gets the record exactly once; without, never."""
    t = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
    early = [credit(make_user(region_code="440305"), course, at=t - timedelta(seconds=3 - i)).id for i in range(3)]
    late_user = make_user(region_code="440306")
    scope = scope_for(officer)
    with in_flight(late_user, course, stamped=t) as late:
        first, since = run_pages(scope, None, now=t + timedelta(seconds=0.5), lag=lag)
    second, _since = run_pages(scope, since, now=t + timedelta(seconds=3), lag=lag)
    assert first + second == (early + [late] if delivered else early)


def test_records_sharing_an_updated_at_page_by_id(client, officer, course, make_user):
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    ids = [credit(make_user(region_code="440305"), course, at=at).id for _ in range(5)]
    received, cursor = [], None
    while True:
        body = client.get(URL, query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=bearer(token_for(officer))).get_json()
        received += [item["id"] for item in body["items"]]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert received == sorted(ids)


def http_run(client, headers, since: str | None, limit: int = 4) -> tuple[list[int], str]:
    """One sync run as an integrator writes it: follow next_cursor; (ids, synced_until)."""
    ids, cursor = [], None
    while True:
        query = {"limit": limit, **({"updated_since": since} if since else {}),
                 **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, query_string=query, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        ids += [item["id"] for item in body["items"]]
        if not body["has_more"]:
            return ids, body["synced_until"]
        cursor = body["next_cursor"]


def write_records(app, pairs, errors: list) -> None:
    """Award credit records one by one, each transaction staying open a moment after its stamp,
    so that commits land out of updated_at (and id) order, as busy heartbeats do."""
    try:
        with app.app_context():
            for user_id, course_id in pairs:
                # Like the app's writers (the heartbeat's ledger), wait for the writer's turn on
                # SQLite first: SQLite's own busy wait has second-long tails on a busy machine,
                # longer than this test's lag, which a record's stamp would then fall behind.
                sqlite_writers.queue_for_writing(db.session)
                now = utcnow()
                db.session.add(CreditRecord(user_id=user_id, course_id=course_id, year=2026, hours_tenths=15,
                                            basis="completion", awarded_at=now, updated_at=now))
                db.session.flush()
                time.sleep(random.uniform(0, 0.03))
                db.session.commit()
                time.sleep(random.uniform(0.1, 0.25))
            db.session.remove()
    except Exception as error:  # reported by the test thread
        errors.append(error)


def test_a_client_syncing_while_records_are_written_receives_each_exactly_once(
        app, client, officer, make_user, make_course):
    courses = [make_course(f"课程{i}", lessons=1) for i in range(3)]
    trainees = [make_user(region_code=("440305", "440100", "441900")[i % 3]) for i in range(12)]
    pairs = [(t.id, c.id) for t in trainees for c in courses]
    random.shuffle(pairs)
    errors: list = []
    writers = [threading.Thread(target=write_records, args=(app, pairs[i::3], errors)) for i in range(3)]
    headers = bearer(token_for(officer))
    runs, since = [], None
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        ids, since = http_run(client, headers, since)
        runs.append(ids)
    for writer in writers:
        writer.join()
    time.sleep(LAG + 0.2)  # the last records pass the horizon
    ids, since = http_run(client, headers, since)
    runs.append(ids)

    assert not errors, errors
    delivered = [record_id for run in runs for record_id in run]
    assert len(delivered) == len(set(delivered)) == len(pairs)
    assert set(delivered) == set(db.session.scalars(select(CreditRecord.id)))
    assert sum(1 for run in runs if run) >= 2, "records arrived in several runs, while others were written"


def test_issuing_a_course_certificate_sends_its_record_again_with_the_number(
        client, officer, course, make_user, login, monkeypatch):
    clock = Clock(datetime(2026, 5, 10, 2, 0, tzinfo=UTC))
    monkeypatch.setattr(bureau.records_api, "utcnow", clock)
    monkeypatch.setattr(learning.certificate_api, "utcnow", clock)
    trainee = make_user(region_code="440305")
    record = credit(trainee, course, year=2026, at=clock.now - timedelta(days=1))
    headers = bearer(token_for(officer))
    first = client.get(URL, headers=headers).get_json()
    assert [(i["id"], i["certificate_number"]) for i in first["items"]] == [(record.id, None)]

    login(trainee)
    clock.advance(60)
    year_cert = client.post("/api/v1/me/certificates", json={"kind": "year", "year": 2026})
    assert year_cert.status_code == 201
    clock.advance(60)
    assert client.get(URL, headers=headers, query_string={"updated_since": first["synced_until"]}).get_json()[
        "items"] == []  # a year certificate changes no record

    course_cert = client.post("/api/v1/me/certificates", json={"kind": "course", "year": 2026, "course_id": course.id})
    assert course_cert.status_code == 201
    clock.advance(LAG + 1)
    second = client.get(URL, headers=headers, query_string={"updated_since": first["synced_until"]}).get_json()
    assert [(i["id"], i["certificate_number"]) for i in second["items"]] == [
        (record.id, course_cert.get_json()["number"])]
    third = client.get(URL, headers=headers, query_string={"updated_since": second["synced_until"]}).get_json()
    assert third["items"] == []


def test_synced_until_never_goes_back_before_updated_since():
    horizon = datetime(2026, 1, 1, tzinfo=UTC)
    assert synced_until(horizon, None) == horizon
    assert synced_until(horizon, horizon + timedelta(hours=1)) == horizon + timedelta(hours=1)
    assert synced_until(horizon, horizon - timedelta(hours=1)) == horizon
