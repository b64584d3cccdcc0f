"""Misses over the allowance hold a course's credit (issue 19, learning.check_review): the gate in
crediting, a reviewer's clearance, the trainee's 补录, and what the trainee's record page says."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from core.policy.examples import EXAMPLES
from learning import check_review, ledger
from learning.models import CheckClearance, LessonProgress, WatchCheck
from tests.learning.check_world import add_check, add_misses
from tests.learning.conftest import credits
from tests.learning.exam_world import add_bank, complete_lessons
from tests.learning.test_checks import QUESTIONS_ONLY, answer, watch_to_check, wrong_choice

GUANGDONG = "440305"  # the demo's Guangdong rules: 随堂弹题 on, two misses allowed


@pytest.fixture
def world(make_user, make_course, store_rules):
    store_rules(*EXAMPLES)
    course = make_course(title="网络安全意识", lessons=2, lesson_seconds=600)
    trainee = make_user(real_name="学员甲", region_code=GUANGDONG)
    return {"course": course, "trainee": trainee, "now": utcnow()}


def test_misses_within_the_allowance_do_not_hold_the_credit(world):
    trainee, course, now = world["trainee"], world["course"], world["now"]
    add_misses(trainee, course.lessons[0], 2, now - timedelta(hours=2))
    complete_lessons(trainee, course)
    assert ledger.credit_course_if_complete(trainee.id, course.id, utcnow()) is not None


def test_a_course_over_the_allowance_is_not_credited_until_a_person_clears_it(world, make_user):
    trainee, course, now = world["trainee"], world["course"], world["now"]
    add_misses(trainee, course.lessons[0], 2, now - timedelta(hours=2))
    add_check(trainee, course.lessons[1], "failed", now - timedelta(hours=1), slot=3)
    complete_lessons(trainee, course)
    assert ledger.credit_course_if_complete(trainee.id, course.id, utcnow()) is None
    assert credits(trainee) == []
    reviewer = make_user("bureau", region_code="440300")
    with pytest.raises(Refused) as refused:
        check_review.clear(reviewer.id, trainee.id, course.id, "   ", utcnow())
    assert refused.value.code == "note_required"
    check_review.clear(reviewer.id, trainee.id, course.id, "当面核实，系摄像头故障", utcnow())
    record = ledger.credit_course_if_complete(trainee.id, course.id, utcnow())
    assert record is not None and record.hours_tenths > 0
    with pytest.raises(Refused) as again:
        check_review.clear(reviewer.id, trainee.id, course.id, "再次", utcnow())
    assert again.value.code == "already_credited"


def test_new_misses_after_a_clearance_count_afresh(world, make_user):
    trainee, course, now = world["trainee"], world["course"], world["now"]
    add_misses(trainee, course.lessons[0], 3, now - timedelta(hours=3))
    check_review.clear(make_user("bureau", region_code=GUANGDONG).id, trainee.id, course.id, "已核实", utcnow())
    db.session.commit()
    rules = policy.rules_for(GUANGDONG)
    assert not check_review.held(trainee.id, course.id, rules, utcnow())
    later = utcnow() + timedelta(minutes=1)
    for slot in (5, 6, 7):
        add_check(trainee, course.lessons[1], "missed", later, slot=slot)
    assert check_review.held(trainee.id, course.id, rules, later + timedelta(hours=1))


def test_a_course_not_held_cannot_be_cleared_and_nothing_is_written(world, make_user):
    trainee, course, now = world["trainee"], world["course"], world["now"]
    add_misses(trainee, course.lessons[0], 1, now - timedelta(hours=2))
    with pytest.raises(Refused) as refused:
        check_review.clear(make_user("bureau", region_code=GUANGDONG).id, trainee.id, course.id, "说明", utcnow())
    assert refused.value.code == "not_held"
    assert db.session.scalars(select(CheckClearance)).all() == []


def test_rewatch_starts_the_lessons_with_misses_again_and_then_credits(world):
    trainee, course, now = world["trainee"], world["course"], world["now"]
    first, second = course.lessons
    add_misses(trainee, first, 3, now - timedelta(hours=3))
    passed = add_check(trainee, first, "passed", now - timedelta(hours=2), slot=4)
    other = add_check(trainee, second, "passed", now - timedelta(hours=2), slot=0)
    complete_lessons(trainee, course)
    assert ledger.credit_course_if_complete(trainee.id, course.id, utcnow()) is None
    check_review.rewatch(trainee.id, course.id, utcnow())
    db.session.commit()
    db.session.expire_all()
    rows = {row.lesson_id: row for row in db.session.scalars(select(LessonProgress)
                                                              .where(LessonProgress.user_id == trainee.id))}
    assert rows[first.id].completed_at is None and rows[first.id].covered_seconds == 0
    assert rows[second.id].completed_at is not None  # no miss there: kept
    assert db.session.get(WatchCheck, passed.id).state == "expired"  # asked again on the re-watch
    assert db.session.get(WatchCheck, other.id).state == "passed"
    assert ledger.credit_course_if_complete(trainee.id, course.id, utcnow()) is None  # not watched again yet
    rows[first.id].intervals, rows[first.id].covered_seconds = [[0.0, 600.0]], 600.0
    rows[first.id].completed_at = utcnow()
    db.session.commit()
    assert ledger.credit_course_if_complete(trainee.id, course.id, utcnow()) is not None


def test_the_record_page_says_why_and_offers_the_rewatch(world, client, sign_in):
    trainee, course, now = world["trainee"], world["course"], world["now"]
    add_misses(trainee, course.lessons[0], 3, now - timedelta(hours=3))
    sign_in(trainee)
    page = client.get("/me/learning").get_data(as_text=True)
    assert "暂缓认定学时的课程" in page and "网络安全意识" in page
    assert "有 3 次，超过了允许的 2 次" in page
    assert f'action="/me/learning/courses/{course.id}/rewatch"' in page
    assert "有 3 次，超过了允许的 2 次" in client.get("/me/centre").get_data(as_text=True)
    response = client.post(f"/me/learning/courses/{course.id}/rewatch")
    assert response.status_code == 302
    assert db.session.scalar(select(CheckClearance.kind).where(CheckClearance.user_id == trainee.id)) == "rewatch"
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "checks_rewatch"))
    page = client.get("/me/learning").get_data(as_text=True)
    assert "暂缓认定学时的课程" not in page


def test_a_rewatch_of_a_course_not_held_is_refused_with_a_message(world, client, sign_in):
    sign_in(world["trainee"])
    page = client.post(f"/me/learning/courses/{world['course'].id}/rewatch", follow_redirects=True)
    assert "该课程未因随堂检查待审核，无需处理。" in page.get_data(as_text=True)
    assert db.session.scalars(select(CheckClearance)).all() == []


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_rewatch_needs_the_token(self, world, client, sign_in):
        add_misses(world["trainee"], world["course"].lessons[0], 3, world["now"] - timedelta(hours=3))
        sign_in(world["trainee"])
        assert client.post(f"/me/learning/courses/{world['course'].id}/rewatch").status_code == 400
        assert db.session.scalars(select(CheckClearance)).all() == []


def test_through_the_player_a_course_over_the_allowance_completes_uncredited_until_cleared(
        make_viewer, make_user, make_course, store_rules):
    store_rules(*QUESTIONS_ONLY)  # Guangdong with its questions alone
    course = add_bank(make_course(title="网络安全意识", lessons=1, lesson_seconds=600), required=False)
    viewer = make_viewer(make_user(region_code=GUANGDONG))
    viewer.open(course.lessons[0].id)
    for _round in range(3):  # Guangdong allows 2
        reply, _at = watch_to_check(viewer, start=0)
        failed = answer(viewer, reply["check"], wrong_choice(viewer))
    assert failed["review"] is True
    reply, at = watch_to_check(viewer, start=0)
    assert answer(viewer, reply["check"])["verdict"] == "passed"
    last = viewer.watch(at, 600)
    assert last["lesson"]["completed"] is True and last["course"]["completed"] is True
    assert credits(viewer.user) == []  # complete, held for review
    officer = make_user("bureau", region_code=GUANGDONG)
    check_review.clear(officer.id, viewer.user.id, course.id, "已核实", utcnow())
    assert ledger.credit_course_if_complete(viewer.user.id, course.id, utcnow()) is not None
