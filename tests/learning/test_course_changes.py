"""What a trainee's record keeps when the course changes under it."""
from core.db import utcnow
from core.extensions import db
from courses.studio import publishing
from tests.learning.conftest import credits, progress


def test_a_revision_that_drops_a_watched_lesson_is_published_and_the_rest_still_counts(
        make_viewer, make_course, make_user):
    course = make_course(title="会被修订的课", lessons=2, lesson_seconds=1350)
    first, second = course.lessons
    viewer = make_viewer()
    viewer.open(second.id)
    viewer.watch(0, 1350)
    assert progress(viewer.user, second).completed_at

    revision = publishing.revise_course(course, utcnow())
    publishing.remove_lesson(revision, revision.lessons[1], 45)
    publishing.submit_course(revision, utcnow())
    publishing.decide(revision, make_user("reviewer"), True, "", utcnow())
    db.session.commit()

    db.session.expire_all()
    assert [lesson.id for lesson in course.lessons] == [first.id]
    viewer.open(first.id)
    body = viewer.watch(0, 1350)
    assert body["course"]["completed"] and body["course"]["credited_hours"] == 0.5
    assert [record.hours for record in credits(viewer.user)] == [0.5]


def test_credit_already_earned_survives_a_withdrawal(make_viewer, make_course):
    course = make_course(lessons=1, lesson_seconds=1350)
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 1350)
    publishing.withdraw_course(course, utcnow())
    db.session.commit()
    assert [record.hours for record in credits(viewer.user)] == [0.5]
    assert viewer.client.get("/api/v1/me/progress?year=2026").get_json()["credited_hours"] == 0.5
