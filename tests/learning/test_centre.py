"""学习中心: a trainee's year at a glance — 学时 against their rules, where to continue, tests
still to take, courses done, the lock date, unread notices; empty states say what to do."""
from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from learning.models import CreditRecord, LessonProgress
from learning.rules import credit_year
from notices.service import notify
from provinces import store as rule_store
from tests.conftest import sign_in_as
from tests.learning.exam_world import add_bank, complete_lessons


def watched(user, lesson, seconds, minutes_ago, done=False):
    at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id,
                                  intervals=[[0.0, seconds]], covered_seconds=seconds, position=seconds,
                                  updated_at=at, completed_at=at if done else None))
    db.session.commit()


def credited(user, course, tenths):
    now = utcnow()
    db.session.add(CreditRecord(user_id=user.id, course_id=course.id, year=credit_year(now), hours_tenths=tenths,
                                subject_type=course.subject_type, basis="completion", awarded_at=now, updated_at=now))
    db.session.commit()


def centre(client, user) -> str:
    sign_in_as(client, user)
    response = client.get("/me/centre")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_centre_shows_the_year_and_the_lecture_to_continue(client, make_user, make_course):
    trainee = make_user(region_code="330102")
    halfway = make_course(title="正在学的课", lessons=3, lesson_seconds=600)
    watched(trainee, halfway.lessons[0], 600, 30, done=True)
    watched(trainee, halfway.lessons[1], 240, 5)  # the one left off last
    next_one = make_course(title="学完一讲的课", lessons=2, lesson_seconds=600)
    watched(trainee, next_one.lessons[0], 600, 60, done=True)
    credited(trainee, make_course(title="已学完的课"), 20)
    notify(trainee.id, "study_reminder", "请尽快完成本年度学习")
    db.session.commit()

    html = centre(client, trainee)
    assert '<strong class="credited-total">2.0</strong> / 30.0' in html and "还需 28.0 学时" in html
    assert "公需科目" in html and "截止日期" in html
    assert f'href="/lessons/{halfway.lessons[1].id}"' in html  # the lecture left off, not the first
    assert f'href="/lessons/{next_one.lessons[1].id}"' in html  # the next unfinished one
    assert html.index("正在学的课") < html.index("学完一讲的课")  # most recently watched first
    assert "已学完的课" in html and "未读通知 1 条" in html and 'href="/me/notices?unread=1"' in html


def test_a_course_waiting_for_its_test_asks_for_the_test(client, make_user, make_course):
    trainee = make_user()
    course = add_bank(make_course(title="需要测验的课", lessons=1))
    complete_lessons(trainee, course)
    html = centre(client, trainee)
    pending = html[html.index("待参加的测验"):html.index("本年度已完成的课程")]
    assert "需要测验的课" in pending and "课后测验：未参加，本年度可考 3 次" in pending
    assert f'href="/courses/{course.id}/exam"' in pending
    assert "没有学习中的课程" in html  # its lectures are all watched


def test_a_new_trainee_is_told_what_to_do_next(client, make_user):
    html = centre(client, make_user())
    assert "0.0</strong> / 30.0" in html
    assert "没有学习中的课程。选一门课程开始学习" in html and 'href="/courses">去选课' in html
    assert "没有待参加的测验" in html and "本年度还没有完成的课程" in html
    assert "未读通知" not in html


def test_the_lock_date_of_the_trainees_rules_is_shown(client, make_user):
    now = utcnow()
    rules = {"prefix": "33", "effective_from": "2016-01-01", "name": "Zhejiang example", "source": "Example",
             "minutes_per_hour": 45, "required_hours": {"gongxu": 30}, "lock": "+1-03-31"}
    rule_store.save(rule_store.check(rules), now, check_locks=False)
    db.session.commit()
    html = centre(client, make_user(region_code="330102"))
    assert f"本年度学时记录将于 {credit_year(now) + 1}-03-31 之后关闭" in html and "Zhejiang example" in html


def test_the_centre_is_for_signed_in_users(client):
    response = client.get("/me/centre")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
