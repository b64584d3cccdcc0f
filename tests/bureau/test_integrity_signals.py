"""Integrity signals as queries: each finds the right trainee, inside the scope only.

The county 440305 (南山) has:
  clipper   three clipped heartbeats (two faster than real time, one oversized body) and an
            unrelated repeated seq, which is no signal
  twin      one heartbeat for a closed session (two screens), and two session openings
            refused for their pace (session churn)
  crammer   11 学时 credited on 10 May, China time (the first credit is 9 May in UTC)
  owl       6 + 6 学时 on one UTC day that is two China days: not a signal
  steady    exactly 10 学时 on one day: not a signal (more than 10 is)
and five trainees seen at 203.0.113.7. The neighbouring county 440306 (宝安) has a trainee
with every kind of signal, and two of them share 198.51.100.9 with two 南山 trainees.
"""
import pytest

from bureau import signals
from bureau.scope import Scope
from core.extensions import db
from tests.bureau.stats_world import china, credit, event, watch_session

SHARED = "203.0.113.7"
BORDER = "198.51.100.9"


@pytest.fixture
def world(make_user, make_course):
    course = make_course(lessons=3)
    lesson = course.lessons[0]
    others = [make_course(f"课程{n}") for n in range(4)]
    people = {name: make_user(real_name=name, region_code="440305") for name in
              ("clipper", "twin", "crammer", "owl", "steady", "p1", "p2", "p3")}
    far = make_user(real_name="far", region_code="440306")
    far2 = make_user(real_name="far2", region_code="440306")
    clipper, twin, crammer, owl, steady = (people[n] for n in ("clipper", "twin", "crammer", "owl", "steady"))
    event(clipper, "faster_than_real_time", china(2026, 3, 1, 9), ip="192.0.2.1", lesson=lesson,
          claimed=40, credited=18)
    event(clipper, "faster_than_real_time", china(2026, 3, 2, 9), ip="192.0.2.1", lesson=lesson)
    event(clipper, "oversized_body", china(2026, 3, 3, 9), ip="192.0.2.1")
    event(clipper, "repeated_seq", china(2026, 3, 4, 9), ip="192.0.2.1")
    event(twin, "closed_session", china(2026, 4, 1, 20), ip="192.0.2.2", lesson=lesson)
    for minute in (1, 2):
        event(twin, "session_rate_limited", china(2026, 4, 2, 20, minute), ip="192.0.2.2", lesson=lesson)
    event(far, "session_rate_limited", china(2026, 4, 2, 20), ip=BORDER)
    event(clipper, "faster_than_real_time", china(2025, 12, 31, 23), ip="192.0.2.1")  # last year's
    credit(crammer, others[0], 60, china(2026, 5, 10, 1))
    credit(crammer, others[1], 50, china(2026, 5, 10, 22))
    credit(owl, others[0], 60, china(2026, 5, 10, 23, 30))
    credit(owl, others[1], 60, china(2026, 5, 11, 0, 30))
    credit(steady, others[0], 60, china(2026, 6, 1, 9))
    credit(steady, others[1], 40, china(2026, 6, 1, 15))
    for name in ("clipper", "twin", "p1", "p2", "p3"):
        watch_session(people[name], lesson, china(2026, 2, 1), ip=SHARED)
    event(people["p3"], "invalid_heartbeat", china(2026, 2, 2), ip=SHARED)
    for person in (people["p1"], people["p2"], far, far2):
        watch_session(person, lesson, china(2026, 2, 3), ip=BORDER)
    event(far, "rate_above_limit", china(2026, 3, 1), ip=BORDER)
    event(far, "closed_session", china(2026, 3, 1), ip=BORDER)
    credit(far, others[2], 70, china(2026, 5, 10, 9))
    credit(far, others[3], 70, china(2026, 5, 10, 10))
    return {**people, "far": far, "far2": far2, "lesson": lesson}


def names(flagged):
    return [row.user.real_name for row in flagged]


def test_clipped_heartbeats(world):
    total, rows = signals.flagged_by_events(Scope("440305"), 2026, signals.CLIPPED_KINDS)
    assert total == 2 and names(rows) == ["clipper", "p3"]
    assert rows[0].count == 3  # the repeated seq and last year's event are not counted
    total, rows = signals.flagged_by_events(Scope("440300"), 2026, signals.CLIPPED_KINDS)
    assert set(names(rows)) == {"clipper", "p3", "far"}


def test_two_screens(world):
    assert names(signals.flagged_by_events(Scope("440305"), 2026, signals.TWO_SCREENS_KINDS)[1]) == ["twin"]
    assert names(signals.flagged_by_events(Scope("440306"), 2026, signals.TWO_SCREENS_KINDS)[1]) == ["far"]
    assert signals.flagged_by_events(Scope("450000"), 2026, signals.TWO_SCREENS_KINDS) == (0, [])


def test_session_churn(world):
    total, rows = signals.flagged_by_events(Scope("440305"), 2026, signals.SESSION_CHURN_KINDS)
    assert total == 1 and names(rows) == ["twin"] and rows[0].count == 2
    assert names(signals.flagged_by_events(Scope("440300"), 2026, signals.SESSION_CHURN_KINDS)[1]) == ["twin", "far"]
    assert signals.flagged_by_events(Scope("440305"), 2025, signals.SESSION_CHURN_KINDS) == (0, [])


def test_more_than_ten_hours_on_one_china_day(world):
    total, rows = signals.flagged_long_days(Scope("440305"), 2026, 100)
    assert total == 1 and names(rows) == ["crammer"]
    assert (rows[0].count, rows[0].last, rows[0].worst) == (1, "2026-05-10", 110)
    assert names(signals.flagged_long_days(Scope("440306"), 2026, 100)[1]) == ["far"]
    # With a lower limit, steady's 10 学时 day and owl's two 6 学时 days show up.
    assert set(names(signals.flagged_long_days(Scope("440305"), 2026, 59)[1])) == {"crammer", "owl", "steady"}


def test_many_accounts_from_one_address_counts_only_the_scope(world):
    total, rows = signals.shared_addresses(Scope("440305"), 2026, 5)
    assert total == 1 and (rows[0].ip, rows[0].users, rows[0].seen) == (SHARED, 5, 6)
    # 198.51.100.9 has four trainees, but only two of them are 南山's.
    assert [row.ip for row in signals.shared_addresses(Scope("440305"), 2026, 2)[1]] == [SHARED, BORDER]
    assert [row.ip for row in signals.shared_addresses(Scope("440305"), 2026, 3)[1]] == [SHARED]
    city = signals.shared_addresses(Scope("440300"), 2026, 4)[1]
    assert {(row.ip, row.users) for row in city} == {(SHARED, 5), (BORDER, 4)}
    assert signals.shared_addresses(Scope("440306"), 2026, 3) == (0, [])


def test_event_drill_down(world):
    page = signals.paged(signals.event_rows(Scope("440305"), 2026, signals.CLIPPED_KINDS, world["clipper"].id), 1, 50)
    assert page.total == 3
    kinds = [row[0].kind for row in page.items]
    assert kinds == ["oversized_body", "faster_than_real_time", "faster_than_real_time"]  # newest first
    assert page.items[-1][3] == world["lesson"].title
    outside = signals.paged(signals.event_rows(Scope("440305"), 2026, signals.CLIPPED_KINDS, world["far"].id), 1, 50)
    assert outside.total == 0


def test_long_day_drill_down(world):
    rows = db.session.execute(signals.long_day_rows(Scope("440305"), 2026, 100)).all()
    assert [(r[1].real_name, r[3], r[4], r[0].hours_tenths) for r in rows] == [
        ("crammer", "2026-05-10", 110, 60), ("crammer", "2026-05-10", 110, 50)]
    assert db.session.execute(signals.long_day_rows(Scope("440305"), 2026, 100, day="2026-05-11")).all() == []


def test_shared_address_drill_down(world):
    page = signals.paged(signals.shared_ip_rows(Scope("440305"), 2026, 5, ip=SHARED), 1, 50)
    assert page.total == 6
    assert {row[3].real_name for row in page.items} == {"clipper", "twin", "p1", "p2", "p3"}
    assert {row[2] for row in page.items} == {"session", "invalid_heartbeat"}
    # An address below the threshold is no signal, so it has no drill-down either.
    assert signals.paged(signals.shared_ip_rows(Scope("440305"), 2026, 5, ip=BORDER), 1, 50).total == 0


def test_paging(world):
    stmt = signals.shared_ip_rows(Scope("440305"), 2026, 5)
    first, last = signals.paged(stmt, 1, 4), signals.paged(stmt, 2, 4)
    assert (first.pages, first.has_next, last.has_prev, last.has_next) == (2, True, True, False)
    assert len(first.items) == 4 and len(last.items) == 2
