"""An overloaded server answers heartbeats late; the honest player loses no second for it
(docs/rules.md rule 5a, issue 22), and still earns no more than wall time (rule 5b)."""
import pytest

from tests.learning.conftest import events, progress


@pytest.fixture
def lesson(make_course):
    return make_course(title="数字经济概论", lessons=1, lesson_seconds=600).lessons[0]


def test_heartbeats_answered_25_seconds_late_are_credited_in_full(make_viewer, lesson, clock):
    viewer = make_viewer()
    viewer.open(lesson.id)
    # The first heartbeat leaves at 15 s and waits 25 s in the server's queue.
    clock.advance(40)
    assert viewer.beat([[0, 15]])["credited_seconds"] == 15
    # The player sends the next one 15 s after that late answer: it covers 40 s of playback,
    # more than two intervals' worth, and waits 25 s in the queue too.
    clock.advance(40)
    assert viewer.beat([[15, 55]])["credited_seconds"] == 40
    clock.advance(40)
    assert viewer.beat([[55, 95]])["credited_seconds"] == 40
    assert progress(viewer.user, lesson).covered_seconds == 95  # in 120 s of wall time
    assert events(viewer.user) == []


def test_a_claim_longer_than_the_wait_is_still_cut(make_viewer, lesson, clock):
    viewer = make_viewer()
    viewer.open(lesson.id)
    clock.advance(60)
    viewer.beat([], position=0)  # paused a minute: the server acknowledges a heartbeat
    clock.advance(15)
    # 60 s claimed 15 s later: within the trainee's wall clock (75 s), not within one heartbeat.
    assert viewer.beat([[0, 60]])["credited_seconds"] == 33  # two intervals' worth
    [cut] = events(viewer.user)
    assert (cut.kind, cut.details["allowed"]) == ("oversized_heartbeat", 33)
