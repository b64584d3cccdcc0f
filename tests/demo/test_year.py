"""The demo's year of study: watching in the past goes through the ledger and the rules, and
``flask demo seed`` leaves a province as it looks in December."""
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.tz import CHINA
from courses.models import Course, Lesson, Question
from demo import watching, year
from demo.data import DEMO_ACCOUNTS, POPULATION_PHONE_PREFIX
from learning import ledger
from learning.models import CreditRecord, ExamAttempt, IntegrityEvent, LessonProgress, WatchSession
from learning.rules import credit_year

MARCH = datetime(2025, 3, 14, 9, 30, tzinfo=CHINA)


def records(user) -> list[CreditRecord]:
    return db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user.id)).all()


def events(user) -> list[str]:
    return sorted(db.session.scalars(select(IntegrityEvent.kind).where(IntegrityEvent.user_id == user.id)))


def watch_course(user, course, start, **options):
    moment, budget = start, ledger.lock_budget(user.id)
    for lesson in course.lessons:
        moment = watching.watch_lesson(budget, lesson, moment, "198.51.100.7",
                                       last=lesson is course.lessons[-1], **options)
    db.session.commit()
    return moment


def test_watching_a_course_in_the_past_credits_it_in_that_year_once_its_last_lesson_ends(
        make_user, make_course):
    trainee = make_user()
    course = make_course(lessons=2, lesson_seconds=1350)  # 1.0 学时
    ended = watch_course(trainee, course, MARCH)
    [record] = records(trainee)
    assert (record.year, record.hours_tenths, record.basis) == (2025, 10, "completion")
    assert record.awarded_at == ended and ended - MARCH == timedelta(minutes=45)  # real time, heartbeat by heartbeat
    progress = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == trainee.id)).all()
    assert len(progress) == 2 and all(p.completed_at and p.covered_seconds == 1350 for p in progress)
    sessions = db.session.scalars(select(WatchSession).where(WatchSession.user_id == trainee.id)).all()
    assert len(sessions) == 2 and sum(not s.open for s in sessions) == 1  # one screen at a time
    assert events(trainee) == []


def test_a_course_watched_again_is_not_credited_twice(make_user, make_course):
    trainee = make_user()
    course = make_course(lessons=1, lesson_seconds=270)  # 0.1 学时
    watch_course(trainee, course, MARCH)
    watch_course(trainee, course, MARCH + timedelta(days=300))
    assert [r.year for r in records(trainee)] == [2025]


def test_a_script_claiming_faster_than_real_time_is_cut_and_credits_nothing(make_user, make_course):
    trainee = make_user()
    course = make_course(lessons=1, lesson_seconds=270)  # 0.1 学时
    watch_course(trainee, course, MARCH, rush=True)
    assert records(trainee) == []
    assert "faster_than_real_time" in events(trainee)


def test_two_screens_leave_a_refused_heartbeat_on_record(make_user, make_course):
    trainee = make_user()
    course = make_course(lessons=1, lesson_seconds=270)  # 0.1 学时
    watching.refused_on_a_second_screen(trainee.id, course.lessons[0], MARCH, "198.51.100.7")
    db.session.commit()
    assert events(trainee) == ["closed_session"]


def test_the_population_is_the_same_on_every_run_and_spans_two_provinces():
    people = year.people(200)
    assert people == year.people(200)
    assert len({p.id_number for p in people}) == len({p.phone for p in people}) == len(people) >= 190
    assert {p.region_code[:2] for p in people} == {"11", "33"}
    assert len({p.region_code[:4] for p in people}) >= 4  # Beijing and three cities of Zhejiang
    assert all(p.phone.startswith(POPULATION_PHONE_PREFIX) for p in people)


def test_the_gap_left_is_exact_when_the_courses_allow_it():
    courses = [Course(title=str(t), credit_tenths=t) for t in (100, 53, 41, 22, 10, 7, 3, 1)]
    assert sum(c.credit_tenths for c in year.exactly(courses, 227)) == 227


@pytest.mark.slow
def test_the_seeded_year_looks_like_a_province_in_december(app):
    app.config.update(CREDIT_MINUTES_PER_HOUR=0.1, ANNUAL_REQUIRED_HOURS=30)  # 2-second clips, 0.3 学时
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--quick", "--trainees", "20"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    this_year = credit_year(utcnow())
    totals = defaultdict(int)
    for user_id, record_year, tenths in db.session.execute(
            select(CreditRecord.user_id, CreditRecord.year, func.sum(CreditRecord.hours_tenths))
            .group_by(CreditRecord.user_id, CreditRecord.year)):
        totals[user_id, record_year] = tenths
    population = db.session.scalars(select(User).where(User.phone.like(f"{POPULATION_PHONE_PREFIX}%"))).all()
    assert len(population) == 20 and {u.region_code[:2] for u in population} == {"11", "33"}
    this = [totals[u.id, this_year] for u in population]
    last = [totals[u.id, this_year - 1] for u in population]
    assert sum(t >= 300 for t in this) >= 5 and sum(0 < t < 300 for t in this) >= 3, this
    assert sum(t >= 300 for t in last) >= 10, last
    assert db.session.scalar(select(func.count()).select_from(IntegrityEvent)) > 0
    published = db.session.scalars(select(Course).where(Course.status == "published")).all()
    assert len(published) > 15 and all(len(course.questions) >= 10 for course in published)  # 专题班 too

    demo = db.session.scalar(select(User).where(User.phone == DEMO_ACCOUNTS[0].phone))
    assert totals[demo.id, this_year] == 297 and totals[demo.id, this_year - 1] >= 300
    closer = db.session.scalar(select(Course).where(Course.title == result.output.split("学完《")[1].split("》")[0]))
    assert closer.status == "published" and closer.credit_tenths >= 3
    done = db.session.scalar(select(func.count()).select_from(LessonProgress).join(Lesson).where(
        LessonProgress.user_id == demo.id, Lesson.course_id == closer.id, LessonProgress.completed_at.is_not(None)))
    assert done == 0

    for record in db.session.scalars(select(CreditRecord)):  # each written when the test was passed after the lessons
        lessons = db.session.scalar(
            select(func.count()).select_from(Lesson).where(Lesson.course_id == record.course_id))
        completed = db.session.scalars(select(LessonProgress.completed_at).where(
            LessonProgress.user_id == record.user_id, LessonProgress.course_id == record.course_id)).all()
        passed = db.session.scalar(select(func.min(ExamAttempt.submitted_at)).where(
            ExamAttempt.user_id == record.user_id, ExamAttempt.course_id == record.course_id,
            ExamAttempt.passed.is_(True)))
        assert len(completed) == lessons and passed is not None and passed == record.awarded_at > max(completed)
        assert record.awarded_at.astimezone(CHINA).year == record.year
    attempts = db.session.scalars(select(ExamAttempt)).all()
    assert all(a.submitted_at is not None and a.closed_by == "trainee" for a in attempts)
    assert sum(not a.passed for a in attempts) > 0, "some trainees failed a test once"

    before = row_counts()
    again = app.test_cli_runner().invoke(args=["demo", "seed", "--quick", "--trainees", "20"])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert row_counts() == before


def row_counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Course, Question, CreditRecord, WatchSession, LessonProgress, IntegrityEvent,
                          ExamAttempt)}
