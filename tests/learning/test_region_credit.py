"""学时 counted under the trainee's region rules, per subject type (docs/rules.md rules 7 and 14):
the credit year, the worth of a course, tests the rules do not require, locked years and a
province's daily cap, through the v1 watch calls."""
from datetime import UTC, datetime, timedelta

import pytest

from core.extensions import db
from core.policy.examples import GUANGDONG, HENAN, NATIONAL
from learning import ledger
from learning.models import CreditRecord
from tests.learning.conftest import credits, progress
from tests.learning.exam_world import add_bank, complete_lessons

GUANGZHOU, ZHENGZHOU, BEIJING = "440106", "410105", "110105"


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


# The demo's Guangdong set asks 随堂弹题 (issue 19, tests/learning/test_checks.py); these tests
# are about years and worth, so their Guangdong has the checks off.
GUANGDONG_NO_CHECKS = {key: value for key, value in GUANGDONG.items() if key != "checks"}


@pytest.fixture
def examples(store_rules):
    store_rules(NATIONAL, GUANGDONG_NO_CHECKS, HENAN)


def finish(viewer, course) -> dict:
    body = None
    for lesson in course.lessons:
        viewer.open(lesson.id)
        body = viewer.watch(0, lesson.video.duration_seconds)
    return body


def test_a_guangdong_public_course_finished_in_march_counts_for_last_year(examples, make_viewer, make_course,
                                                                          make_user, clock):
    course = make_course(lessons=2, lesson_seconds=1350, subject_type="gongxu")
    viewer = make_viewer(make_user(region_code=GUANGZHOU))
    clock.now = cst(2027, 3, 1, 9)
    assert finish(viewer, course)["course"]["credited_hours"] == 1.0
    [record] = credits(viewer.user)
    assert (record.year, record.subject_type, record.rule_prefix, record.hours) == (2026, "gongxu", "44", 1.0)


def test_a_guangdong_professional_course_finished_in_march_counts_for_this_year(examples, make_viewer,
                                                                                make_course, make_user, clock):
    course = make_course(lessons=1, lesson_seconds=2700, subject_type="zhuanye")
    viewer = make_viewer(make_user(region_code=GUANGZHOU))
    clock.now = cst(2027, 3, 1, 9)
    finish(viewer, course)
    [record] = credits(viewer.user)
    assert (record.year, record.subject_type) == (2027, "zhuanye")


def test_once_last_years_public_hours_are_full_march_counts_for_this_year(examples, make_viewer, make_course,
                                                                         make_user, clock):
    viewer = make_viewer(make_user(region_code=GUANGZHOU))
    earlier = make_course(title="往年公需课")
    db.session.add(CreditRecord(user_id=viewer.user.id, course_id=earlier.id, year=2026, hours_tenths=300,
                                subject_type="gongxu", rule_prefix="44", basis="completion"))
    db.session.commit()
    course = make_course(lessons=1, lesson_seconds=2700, subject_type="gongxu")
    clock.now = cst(2027, 3, 1, 9)
    finish(viewer, course)
    assert {record.course_id: record.year for record in credits(viewer.user)}[course.id] == 2027


def test_the_nation_counts_the_same_march_for_this_year(examples, make_viewer, make_course, make_user, clock):
    course = make_course(lessons=1, lesson_seconds=2700)
    viewer = make_viewer(make_user(region_code=BEIJING))
    clock.now = cst(2027, 3, 1, 9)
    finish(viewer, course)
    [record] = credits(viewer.user)
    assert (record.year, record.rule_prefix) == (2027, "")


def test_after_henans_lock_date_a_heartbeat_credits_nothing_and_says_why(examples, make_viewer, make_course,
                                                                        make_user, clock):
    course = make_course(lessons=1, lesson_seconds=600)
    viewer = make_viewer(make_user(region_code=ZHENGZHOU))
    clock.now = cst(2026, 12, 16, 9)
    viewer.open(course.lessons[0].id)
    body = viewer.watch(0, 30)
    assert body["credited_seconds"] == 0 and body["lesson"]["covered_seconds"] == 0
    assert body["closed"]["code"] == "year_locked" and "关闭" in body["closed"]["message"]
    assert progress(viewer.user, course.lessons[0]) is None and credits(viewer.user) == []


def test_before_henans_lock_date_watching_is_credited(examples, make_viewer, make_course, make_user, clock):
    course = make_course(lessons=1, lesson_seconds=600)
    viewer = make_viewer(make_user(region_code=ZHENGZHOU))
    clock.now = cst(2026, 12, 15, 9)
    viewer.open(course.lessons[0].id)
    body = viewer.watch(0, 30)
    assert body["credited_seconds"] == 15 and "closed" not in body


def test_a_daily_cap_stops_crediting_for_the_day_and_a_new_day_starts_again(store_rules, make_viewer,
                                                                            make_course, make_user, clock):
    store_rules(NATIONAL, {**NATIONAL, "prefix": "11", "name": "北京（测试）", "daily_cap_hours": 0.1})
    course = make_course(lessons=1, lesson_seconds=1350)
    viewer = make_viewer(make_user(region_code=BEIJING))
    clock.now = cst(2026, 5, 10, 22)
    viewer.open(course.lessons[0].id)
    body = viewer.watch(0, 270)  # 0.1 学时 = 4.5 minutes
    assert body["lesson"]["covered_seconds"] == 270 and "closed" not in body
    body = viewer.watch(270, 300)
    assert body["closed"]["code"] == "daily_cap" and body["lesson"]["covered_seconds"] == 270
    clock.now = cst(2026, 5, 11, 8)  # the next morning in China
    body = viewer.watch(300, 315)
    assert body["credited_seconds"] == 15 and "closed" not in body


def test_a_course_is_worth_its_video_under_a_50_minute_rule(store_rules, make_viewer, make_course, make_user,
                                                           clock):
    store_rules(NATIONAL, {**NATIONAL, "prefix": "11", "name": "北京（测试）", "minutes_per_hour": 50})
    course = make_course(lessons=2, lesson_seconds=1500)  # 50 minutes: 1.1 学时 at 45, 1.0 at 50
    viewer = make_viewer(make_user(region_code=BEIJING))
    finish(viewer, course)
    [record] = credits(viewer.user)
    assert record.hours == 1.0 and record.rule_prefix == "11"


def test_where_the_rules_require_no_test_completion_alone_credits(store_rules, make_viewer, make_course,
                                                                  make_user, clock):
    store_rules(NATIONAL, {**GUANGDONG_NO_CHECKS, "test_required": False})
    course = add_bank(make_course(lessons=1, lesson_seconds=2700))
    guangdong = make_viewer(make_user(region_code=GUANGZHOU))
    body = finish(guangdong, course)
    assert body["course"]["credited_hours"] == 1.0 and not body["course"]["exam_pending"]
    beijing = make_viewer(make_user(region_code=BEIJING))
    body = finish(beijing, course)
    assert body["course"]["exam_pending"] and credits(beijing.user) == []


def test_a_completion_in_a_closed_year_writes_no_record(examples, make_user, make_course):
    trainee = make_user(region_code=ZHENGZHOU)
    course = make_course(lessons=1, lesson_seconds=600)
    complete_lessons(trainee, course)
    assert ledger.credit_course_if_complete(trainee.id, course.id, cst(2026, 12, 20, 9)) is None
    assert ledger.credit_course_if_complete(trainee.id, course.id, cst(2027, 1, 2, 9)).year == 2027


def test_outside_every_window_of_the_courses_type_a_heartbeat_credits_nothing(store_rules, make_viewer,
                                                                             make_course, make_user, clock):
    half_year = {**NATIONAL, "prefix": "11", "name": "北京（测试）",
                 "windows": {"xuanxiu": {"start": "01-01", "end": "06-30"}}}
    store_rules(NATIONAL, half_year)
    viewer = make_viewer(make_user(region_code=BEIJING))
    clock.now = cst(2026, 8, 1, 9)
    viewer.open(make_course(lessons=1, lesson_seconds=600, subject_type="xuanxiu").lessons[0].id)
    body = viewer.watch(0, 30)
    assert body["credited_seconds"] == 0 and body["closed"]["code"] == "window_closed"
    viewer.open(make_course(title="公需课", lessons=1, lesson_seconds=600).lessons[0].id)
    assert "closed" not in viewer.watch(0, 30)  # 公需 runs with the calendar year
