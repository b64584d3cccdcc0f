"""The demo's tests: every demo course has a bank a reader of its lessons can pass, made
through the studio's bank service; the year's trainees take each test after the lessons,
through the exam service, and only a pass credits the course."""
import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from core.extensions import db
from core.tz import CHINA
from courses.studio.bank_rules import paper_problem
from demo import seed, testing, watching
from demo.data import DEMO_COURSES
from demo.questions import BANKS, series_bank
from learning import ledger
from learning.models import CreditRecord, ExamAttempt

MARCH = datetime(2025, 3, 14, 9, 30, tzinfo=CHINA)


def test_every_demo_course_has_ten_questions_of_each_kind_with_explanations():
    assert set(BANKS) == {spec.title for spec in DEMO_COURSES}
    for title, questions in BANKS.items():
        assert Counter(q.kind for q in questions) == {"single": 5, "multiple": 3, "judge": 2}, title
        assert all(q.explanation for q in questions), title
        assert len({q.answer for q in questions if q.kind == "single"}) > 1, "the right option is not always A"


def test_a_draft_gets_its_bank_once_and_a_paper_adds_up_to_a_hundred(make_course):
    course = make_course(status="draft", lessons=1)
    title = DEMO_COURSES[5].title
    assert seed.ensure_bank(course, BANKS[title]) is True
    assert len(course.questions) == 10 and paper_problem(course) is None
    assert seed.ensure_bank(course, BANKS[title]) is False and len(course.questions) == 10
    series = make_course(title="专题班", status="draft", lessons=1)
    assert seed.ensure_bank(series, series_bank([DEMO_COURSES[0].title, DEMO_COURSES[1].title,
                                                 DEMO_COURSES[0].title])) is True
    assert len(series.questions) == 20 and paper_problem(series) is None


def banked_course(make_course):
    course = make_course(status="draft", lessons=2, lesson_seconds=270)
    seed.ensure_bank(course, BANKS[DEMO_COURSES[6].title])
    course.status = "published"
    db.session.commit()
    return course


def watch(user, course) -> datetime:
    moment, budget = MARCH, ledger.lock_budget(user.id)
    for lesson in course.lessons:
        moment = watching.watch_lesson(budget, lesson, moment, "198.51.100.7", last=lesson is course.lessons[-1])
    return moment


def attempts(user) -> list[ExamAttempt]:
    return db.session.scalars(select(ExamAttempt).where(ExamAttempt.user_id == user.id)
                              .order_by(ExamAttempt.id)).all()


def credit(user) -> list[CreditRecord]:
    return db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user.id)).all()


def test_lessons_alone_credit_nothing_and_the_pass_credits_the_course(make_user, make_course):
    trainee, course = make_user(), banked_course(make_course)
    ended = watch(trainee, course)
    assert credit(trainee) == []  # the test is still to pass
    submitted = testing.Examinee(trainee.id, "198.51.100.7", random.Random(1), always_pass=True).take(course, ended)
    db.session.commit()
    [attempt] = attempts(trainee)
    assert attempt.passed and attempt.score >= 60 and attempt.submitted_at == submitted > ended
    [record] = credit(trainee)
    assert record.awarded_at == submitted and record.hours_tenths == course.credit_tenths


def test_a_failed_attempt_is_followed_by_a_pass_or_by_giving_up(make_user, make_course, monkeypatch):
    course = banked_course(make_course)
    monkeypatch.setattr(testing, "FAIL_ONCE", 1.0)
    again = make_user()
    testing.Examinee(again.id, "198.51.100.7", random.Random(2)).take(course, watch(again, course))
    assert [a.passed for a in attempts(again)] == [False, True] and len(credit(again)) == 1
    assert attempts(again)[0].score < 60 and attempts(again)[1].started_at > attempts(again)[0].submitted_at

    monkeypatch.setattr(testing, "GIVE_UP", 1.0)
    short = make_user()
    testing.Examinee(short.id, "198.51.100.7", random.Random(3), may_give_up=True).take(
        course, watch(short, course) + timedelta(days=1))
    assert [a.passed for a in attempts(short)] == [False] and credit(short) == []
