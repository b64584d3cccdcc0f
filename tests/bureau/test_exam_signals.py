"""Integrity signals of course tests: too fast to read, two addresses at once, failures in a row.

The county 440305 (南山) has:
  racer     a 10-question paper submitted after 30 s (under 5 s a question), and one after 50 s
            (exactly the floor: not a signal), and one closed by the server at its deadline
  twin      two attempts open at once from two addresses; and two at once from one address,
            and two from two addresses one after the other (neither is a signal)
  guesser   fail, fail, fail (a run of three, across two courses), pass, fail, fail (two: no run)
  learner   fail, fail, pass: no signal
The neighbouring county 440306 (宝安) has a trainee with every signal; 南山's officer never sees them.
"""
from datetime import timedelta

import pytest

from accounts.models import AuditLog
from bureau import exam_signals
from bureau.scope import Scope
from core.extensions import db
from tests.bureau.records_helpers import attempt
from tests.bureau.stats_world import china

NANSHAN, BAOAN = Scope("440305"), Scope("440306")
YEAR = 2026


@pytest.mark.parametrize("elapsed,questions,per_question,fast", [
    (30, 10, 5, True), (49.9, 10, 5, True), (50, 10, 5, False), (600, 10, 5, False),
    (3, 0, 5, False),  # an empty paper has nothing to read
    (1, 10, 0, False),  # 0 seconds per question switches the signal off
])
def test_a_paper_is_fast_when_submitted_before_a_person_could_read_it(elapsed, questions, per_question, fast):
    assert exam_signals.is_fast(elapsed, questions, per_question) is fast
    assert exam_signals.reading_floor(questions, per_question) == questions * per_question


def executed(stmt) -> list:
    return db.session.execute(stmt).all()


def trainee_set(flagged) -> dict[str, tuple[int, int]]:
    total, rows = flagged
    assert total == len(rows)
    return {row.user.real_name: (row.count, row.worst) for row in rows}


@pytest.fixture
def world(make_user, make_course):
    one, two = make_course("课程一"), make_course("课程二")
    people = {name: make_user(real_name=name, region_code="440305")
              for name in ("racer", "twin", "guesser", "learner")}
    far = make_user(real_name="far", region_code="440306")
    racer, twin, guesser, learner = (people[n] for n in ("racer", "twin", "guesser", "learner"))
    attempt(racer, one, china(YEAR, 3, 1, 9), score=100, seconds=30, questions=10)
    attempt(racer, two, china(YEAR, 3, 1, 10), score=100, seconds=50, questions=10)
    attempt(racer, one, china(YEAR, 3, 2, 9), score=0, seconds=20, questions=10, closed_by="deadline")
    attempt(racer, two, china(YEAR - 1, 3, 1, 9), score=100, seconds=10, questions=10)  # last year's
    attempt(twin, one, china(YEAR, 4, 1, 9), score=80, seconds=1200, ip="192.0.2.1")
    attempt(twin, two, china(YEAR, 4, 1, 9, 10), score=90, seconds=600, ip="192.0.2.2")  # while the first ran
    attempt(twin, one, china(YEAR, 4, 2, 9), score=80, seconds=1200, ip="192.0.2.1")
    attempt(twin, two, china(YEAR, 4, 2, 9, 10), score=80, seconds=600, ip="192.0.2.1")  # the same address
    attempt(twin, one, china(YEAR, 4, 3, 9), score=80, seconds=600, ip="192.0.2.1")
    attempt(twin, two, china(YEAR, 4, 3, 9, 10), score=80, seconds=600, ip="192.0.2.2")  # after the first ended
    for day, (course, score) in enumerate([(one, 10), (two, 20), (one, 30), (one, 90), (two, 10), (two, 20)], 1):
        attempt(guesser, course, china(YEAR, 5, day, 9), score=score)
    for day, score in enumerate([10, 20, 90], 1):
        attempt(learner, one, china(YEAR, 5, day, 9), score=score)
    attempt(far, one, china(YEAR, 3, 1, 9), score=100, seconds=120, ip="198.51.100.1")
    attempt(far, two, china(YEAR, 3, 1, 9, 1), score=0, seconds=5, ip="198.51.100.2")
    for day in range(1, 4):
        attempt(far, two, china(YEAR, 6, day, 9), score=0, ip="198.51.100.1")
    return {**people, "far": far}


def test_papers_submitted_faster_than_a_person_reads_are_flagged(world):
    assert trainee_set(exam_signals.flagged_fast(NANSHAN, YEAR, 5)) == {"racer": (1, 1)}
    rows = executed(exam_signals.fast_rows(NANSHAN, YEAR, 5))
    assert [(user.real_name, title, round(seconds), questions) for _a, user, title, seconds, questions in rows] == [
        ("racer", "课程一", 30, 10)]
    assert trainee_set(exam_signals.flagged_fast(NANSHAN, YEAR, 6)) == {"racer": (2, 2)}  # 50 s < 60 s
    assert trainee_set(exam_signals.flagged_fast(NANSHAN, YEAR, 0)) == {}


def test_attempts_open_at_once_from_two_addresses_are_flagged(world):
    assert trainee_set(exam_signals.flagged_overlaps(NANSHAN, YEAR)) == {"twin": (1, 1)}
    [(first, later, user, first_title, later_title)] = executed(exam_signals.overlap_rows(NANSHAN, YEAR))
    assert (first.ip, later.ip, first_title, later_title) == ("192.0.2.1", "192.0.2.2", "课程一", "课程二")
    assert later.started_at - first.started_at == timedelta(minutes=10)


def test_an_attempt_left_open_counts_until_its_deadline(world, make_user, make_course):
    """An attempt never submitted is open up to its deadline, not beyond (answers after it are refused)."""
    person, course = make_user(real_name="leaver", region_code="440305"), make_course("课程三")
    attempt(person, course, china(YEAR, 7, 1, 9), ip="192.0.2.8", minutes=30)  # still open in the table
    attempt(person, make_course("课程四"), china(YEAR, 7, 1, 9, 40), score=70,
            ip="192.0.2.9")  # after that deadline
    assert "leaver" not in trainee_set(exam_signals.flagged_overlaps(NANSHAN, YEAR))
    attempt(person, make_course("课程五"), china(YEAR, 7, 1, 9, 20), score=70, ip="192.0.2.9")  # before it
    assert trainee_set(exam_signals.flagged_overlaps(NANSHAN, YEAR))["leaver"] == (1, 1)


def test_runs_of_failed_attempts_are_flagged_a_pass_breaking_the_run(world):
    assert trainee_set(exam_signals.flagged_fails(NANSHAN, YEAR, 3)) == {"guesser": (1, 3)}
    rows = executed(exam_signals.fail_rows(NANSHAN, YEAR, 3))
    assert sorted(a.score for a, *_rest in rows) == [10, 20, 30]
    assert {(title, n) for _a, _u, title, n, _start in rows} == {("课程一", 3), ("课程二", 3)}
    assert trainee_set(exam_signals.flagged_fails(NANSHAN, YEAR, 2)) == {"guesser": (2, 3), "learner": (1, 2)}


def test_another_county_sees_its_own_trainee_only(world):
    for flagged in (exam_signals.flagged_fast(BAOAN, YEAR, 5), exam_signals.flagged_overlaps(BAOAN, YEAR),
                    exam_signals.flagged_fails(BAOAN, YEAR, 3)):
        assert set(trainee_set(flagged)) == {"far"}
    assert exam_signals.flagged_fails(NANSHAN, YEAR - 1, 3) == (0, [])


@pytest.fixture
def nanshan_officer(make_user, login):
    officer = make_user("bureau", real_name="南山人社", region_code="440305")
    login(officer)
    return officer


def section(html: str, signal: str) -> str:
    return html.split(f'id="signal-{signal}"')[1].split("</section>")[0]


def test_the_signals_page_shows_each_test_signal_for_the_scope_only(client, nanshan_officer, world):
    html = client.get(f"/bureau/integrity?year={YEAR}").get_data(as_text=True)
    for signal, name in (("exam_fast", "racer"), ("exam_overlap", "twin"), ("exam_fails", "guesser")):
        part = section(html, signal)
        assert f'data-user="{world[name].id}"' in part and f'/bureau/trainees/{world[name].id}"' in part
        assert f'data-user="{world["far"].id}"' not in part
    assert "每题 5 秒" in section(html, "exam_fast") and "连续 3 次" in section(html, "exam_fails")


def test_the_thresholds_are_settings(app, client, nanshan_officer, world):
    app.config.update(EXAM_SECONDS_PER_QUESTION=6, EXAM_FAILS_IN_A_ROW=2)
    html = client.get(f"/bureau/integrity?year={YEAR}").get_data(as_text=True)
    assert f'data-user="{world["learner"].id}"' in section(html, "exam_fails")
    assert "每题 6 秒" in section(html, "exam_fast")


@pytest.mark.parametrize("signal,name,rows", [("exam_fast", "racer", 1), ("exam_overlap", "twin", 1),
                                               ("exam_fails", "guesser", 3)])
def test_each_drill_down_lists_the_attempts_in_scope(client, nanshan_officer, world, signal, name, rows):
    response = client.get(f"/bureau/integrity/{signal}?year={YEAR}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count(f'data-user="{world[name].id}"') == rows and "far" not in html.split("<main")[1]
    mine = client.get(f"/bureau/integrity/{signal}?year={YEAR}&user={world[name].id}")
    assert mine.get_data(as_text=True).count("<tr data-") == rows
    assert client.get(f"/bureau/integrity/{signal}?year={YEAR}&user={world['far'].id}").status_code == 404
    assert client.get(f"/bureau/integrity/{signal}?year={YEAR}&region=440306").status_code == 403


@pytest.mark.parametrize("role", ["trainee", "producer", "reviewer"])
def test_only_bureau_officers_open_the_drill_downs(client, make_user, login, world, role):
    login(make_user(role, region_code="440305", organisation="某机构"))
    assert client.get(f"/bureau/integrity/exam_fails?year={YEAR}").status_code == 403


def test_the_audited_trainee_record_lists_the_test_attempts(client, nanshan_officer, world):
    html = client.get(f"/bureau/trainees/{world['racer'].id}").get_data(as_text=True)
    part = html.split('id="h-exams"')[1].split("</section>")[0]
    assert part.count("<tr data-attempt=") == 4 and "（到时交卷）" in part and "0 / 60 不及格" in part
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "trainee_record_viewed")).one()
    assert entry.details["exam_attempts"] == 4
