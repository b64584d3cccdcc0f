"""The trainee's test page: locked with what is left before the lessons are complete, the
attempt's page afterwards, and the course page's link to it."""
import random

from core.db import utcnow
from core.extensions import db
from learning import exams
from tests.learning.exam_world import add_bank, complete_lessons


def test_before_the_lessons_are_complete_the_page_says_why_and_how_much_is_left(client, sign_in, make_user,
                                                                                 make_course):
    trainee, course = make_user(), add_bank(make_course(lessons=2))
    sign_in(trainee)
    html = client.get(f"/courses/{course.id}/exam").get_data(as_text=True)
    assert "学习时长不足" in html and "已完成 0 / 2 讲" in html
    assert 'id="exam-start"' not in html and "js/exam.js" not in html


def test_once_the_lessons_are_complete_the_test_may_start(client, sign_in, make_user, make_course):
    trainee, course = make_user(), add_bank(make_course(lessons=1))
    complete_lessons(trainee, course)
    sign_in(trainee)
    html = client.get(f"/courses/{course.id}/exam").get_data(as_text=True)
    assert 'id="exam-start"' in html and "js/exam.js" in html and '"openAttempt": null' in html
    assert "30 分钟" in html and "60 分" in html


def test_an_open_attempt_is_resumed_by_the_page(client, sign_in, make_user, make_course):
    trainee, course = make_user(), add_bank(make_course(lessons=1))
    complete_lessons(trainee, course)
    started = exams.start(trainee.id, course.id, utcnow(), "", random.Random(1))
    db.session.commit()
    sign_in(trainee)
    html = client.get(f"/courses/{course.id}/exam").get_data(as_text=True)
    assert f'"openAttempt": {started.id}' in html


def test_a_course_without_a_test_says_so_and_others_may_not_take_it(client, sign_in, make_user, make_course):
    course = make_course(lessons=1)
    sign_in(make_user())
    assert "没有课后测验" in client.get(f"/courses/{course.id}/exam").get_data(as_text=True)
    assert client.get(f"/courses/{make_course(status='draft').id}/exam").status_code == 404
    sign_in(make_user("producer"))
    assert client.get(f"/courses/{course.id}/exam").status_code == 403


def test_the_course_page_links_to_its_test(client, make_course):
    with_test, without = add_bank(make_course(lessons=1)), make_course(lessons=1)
    assert f"/courses/{with_test.id}/exam" in client.get(f"/courses/{with_test.id}").get_data(as_text=True)
    assert "/exam" not in client.get(f"/courses/{without.id}").get_data(as_text=True)
