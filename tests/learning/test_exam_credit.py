"""Hours for watching and passing (docs/rules.md rule 7 with rule 13): a course whose test is
required is credited when its lessons are complete and its test is passed, whichever comes last."""
import random
from datetime import timedelta

from core.extensions import db
from learning import exams
from learning.rules import credit_year
from tests.learning.conftest import credits
from tests.learning.exam_world import add_bank, right_answers, wrong_answers


def take(trainee, course, answers, now):
    attempt = exams.start(trainee.id, course.id, now, "", random.Random(4))
    exams.save_answers(trainee.id, attempt.id, answers(attempt), now)
    exams.submit(trainee.id, attempt.id, now + timedelta(minutes=1))
    db.session.commit()


def test_watching_alone_credits_nothing_and_the_pass_credits_the_course(make_viewer, make_course, clock):
    course = add_bank(make_course(lessons=1, lesson_seconds=300))
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    state = viewer.watch(0, 300)
    assert state["lesson"]["completed"] and state["course"]["credited_hours"] == 0.0
    assert state["course"]["completed"] and state["course"]["exam_pending"]  # the player asks for the test
    assert credits(viewer.user) == []
    take(viewer.user, course, wrong_answers, clock.now)
    assert credits(viewer.user) == []
    clock.advance(3600)
    take(viewer.user, course, right_answers, clock.now)
    assert viewer.watch(0, 10)["course"] == {"id": course.id, "completed": True, "exam_pending": False,
                                             "credited_hours": course.credit_hours}
    [record] = credits(viewer.user)
    assert (record.hours_tenths, record.year, record.basis) == (course.credit_tenths, credit_year(clock.now),
                                                                "completion")


def test_the_year_is_the_one_of_the_pass_when_it_comes_after_new_year(make_viewer, make_course, clock):
    """Watched on 31 December (China), passed on 1 January: the hours count for the new year."""
    course = add_bank(make_course(lessons=1, lesson_seconds=300))
    viewer = make_viewer()
    clock.now = clock.now.replace(month=12, day=31, hour=15, minute=0)  # 23:00 in China
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 300)
    passed_at = clock.now + timedelta(hours=2)  # 01:05 on 1 January in China
    take(viewer.user, course, right_answers, passed_at)
    [record] = credits(viewer.user)
    assert record.year == credit_year(clock.now) + 1


def test_a_course_without_a_test_is_credited_for_watching_as_before(make_viewer, make_course):
    course = make_course(lessons=1, lesson_seconds=300)
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    assert viewer.watch(0, 300)["course"]["credited_hours"] == course.credit_tenths / 10
    assert len(credits(viewer.user)) == 1


def test_a_course_whose_test_is_not_required_is_credited_for_watching(make_viewer, make_course):
    course = add_bank(make_course(lessons=1, lesson_seconds=300), required=False)
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 300)
    assert len(credits(viewer.user)) == 1
