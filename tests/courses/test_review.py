"""Review: the queue, the preview, approving into the catalogue, rejecting with a reason, withdrawing."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from courses.media import storage
from courses.models import Course
from tests.conftest import sign_in_as

ORG = "知新制作中心"
DAY = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer")


@pytest.fixture
def submitted(make_course, producer):
    """``make(title, days)``: a submitted course, submitted ``days`` after 1 March 2026."""

    def make(title: str = "知识产权保护实务", days: int = 0, **fields) -> Course:
        return make_course(title=title, status="submitted", producer=producer,
                           submitted_at=DAY + timedelta(days=days), **fields)

    return make


def fresh(course_id: int) -> Course | None:
    db.session.expire_all()
    return db.session.get(Course, course_id)


def text(response) -> str:
    return response.get_data(as_text=True)


def audit(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_the_queue_lists_submitted_courses_oldest_first(client, reviewer, submitted, make_course):
    submitted("后提交的课", days=3)
    submitted("先提交的课", days=1)
    make_course(title="一份草稿", status="draft")
    make_course(title="已发布的课")
    sign_in_as(client, reviewer)
    html = text(client.get("/review/"))
    assert html.index("先提交的课") < html.index("后提交的课")
    assert "一份草稿" not in html and "已发布的课" not in html
    assert "已发布的课" in text(client.get("/review/?status=published"))
    api = client.get("/api/v1/review/courses").get_json()["items"]
    assert [item["title"] for item in api] == ["先提交的课", "后提交的课"]


def test_the_preview_plays_every_lesson(client, reviewer, submitted):
    course = submitted()
    for lesson in course.lessons:
        lesson.video.renditions = [{"height": 720, "width": 1280, "path": storage.rendition_path(lesson.video_id, 720),
                                    "bytes": 10}, {"height": 360, "width": 640, "bytes": 5,
                                                   "path": storage.rendition_path(lesson.video_id, 360)}]
        lesson.video.poster_path = storage.poster_path(lesson.video_id)
    db.session.commit()
    sign_in_as(client, reviewer)
    html = text(client.get(f"/review/courses/{course.id}"))
    assert html.count("<video") == 2
    for lesson in course.lessons:
        renditions = f"/media/videos/{lesson.video_id}"
        assert html.index(f"{renditions}/720p.mp4") < html.index(f"{renditions}/360p.mp4")
        assert f'poster="/media/videos/{lesson.video_id}/poster.jpg"' in html
    assert "通过并发布" in html and "退回理由（必填" in html


def test_approving_publishes_into_the_catalogue(client, reviewer, submitted, make_category):
    course = submitted("数字政府建设", category=make_category("digital"), year=2027)
    sign_in_as(client, reviewer)
    response = client.post(f"/review/courses/{course.id}/approve")
    assert response.status_code == 302
    assert "已发布到 2027 年度目录" in text(client.get(response.headers["Location"]))
    course = fresh(course.id)
    assert course.status == "published" and course.reviewer_id == reviewer.id
    assert course.published_at is not None and course.reviewed_at is not None
    assert "数字政府建设" in text(client.get("/categories/digital?year=2027"))
    assert [item["id"] for item in client.get("/api/v1/courses?year=2027").get_json()["items"]] == [course.id]
    assert [(row.target, row.actor_id) for row in audit("course_approved")] == [(f"course:{course.id}", reviewer.id)]


def test_rejecting_needs_a_reason_which_the_producer_sees(client, reviewer, producer, submitted):
    course = submitted("网络安全意识")
    sign_in_as(client, reviewer)
    response = client.post(f"/review/courses/{course.id}/reject", data={"reason": "  "})
    assert "请填写退回理由" in text(client.get(response.headers["Location"]))
    assert fresh(course.id).status == "submitted" and audit("course_rejected") == []
    client.post(f"/review/courses/{course.id}/reject", data={"reason": "第一讲的片头广告需要删除。"})
    assert fresh(course.id).status == "rejected"
    assert audit("course_rejected")[0].details["reason"] == "第一讲的片头广告需要删除。"
    sign_in_as(client, producer)
    assert "第一讲的片头广告需要删除。" in text(client.get(f"/studio/courses/{course.id}"))
    assert "网络安全意识" not in text(client.get("/catalogue"))


def test_a_reviewer_may_withdraw_a_published_course(client, reviewer, make_course):
    course = make_course(title="职业道德规范")
    sign_in_as(client, reviewer)
    html = text(client.get(f"/review/courses/{course.id}"))
    assert f"/review/courses/{course.id}/withdraw" in html
    response = client.post(f"/review/courses/{course.id}/withdraw")
    assert "已下架，学员已获得的学时不受影响" in text(client.get(response.headers["Location"]))
    assert fresh(course.id).status == "withdrawn"
    assert "职业道德规范" not in text(client.get("/categories/digital"))
    assert len(audit("course_withdrawn")) == 1
    api = client.post(f"/api/v1/review/courses/{course.id}/withdraw")
    assert api.status_code == 409


def test_a_revision_shows_where_it_comes_from_and_replaces_it_on_approval(client, reviewer, producer,
                                                                           make_course):
    course = make_course(title="科研诚信", producer=producer)
    sign_in_as(client, producer)
    client.post(f"/studio/courses/{course.id}/revision")
    revision = db.session.scalar(select(Course.id).where(Course.revision_of_id == course.id))
    client.patch(f"/api/v1/studio/courses/{revision}", json={"title": "科研诚信（新版）"})
    client.post(f"/studio/courses/{revision}/submit")
    sign_in_as(client, reviewer)
    html = text(client.get(f"/review/courses/{revision}"))
    assert "已发布课程《科研诚信》的修订版本" in html
    client.post(f"/review/courses/{revision}/approve")
    assert fresh(course.id).title == "科研诚信（新版）"
    assert db.session.scalar(select(Course).where(Course.revision_of_id == course.id)) is None
    assert client.get(f"/review/courses/{revision}").status_code == 404


def test_drafts_are_not_for_reviewers(client, reviewer, make_course):
    draft = make_course(status="draft")
    sign_in_as(client, reviewer)
    assert client.get(f"/review/courses/{draft.id}").status_code == 404
    assert client.post(f"/api/v1/review/courses/{draft.id}/decision", json={"approve": True}).status_code == 404


@pytest.mark.parametrize("role", ["trainee", "producer", "bureau"])
def test_review_is_for_reviewers_and_admins(client, make_user, submitted, role):
    course = submitted()
    sign_in_as(client, make_user(role, organisation=ORG if role == "producer" else ""))
    assert client.get("/review/").status_code == 403
    assert client.post(f"/review/courses/{course.id}/approve").status_code == 403
    response = client.post(f"/api/v1/review/courses/{course.id}/decision", json={"approve": True})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert fresh(course.id).status == "submitted"


def test_admins_review_too(client, make_user, submitted):
    course = submitted()
    sign_in_as(client, make_user("admin"))
    assert client.post(f"/api/v1/review/courses/{course.id}/decision", json={"approve": True}).status_code == 200
    assert fresh(course.id).status == "published"


@pytest.mark.parametrize("body", [None, {}, {"approve": "yes"}, {"approve": 1}, {"approve": False, "reason": 5}])
def test_a_malformed_decision_is_422(client, reviewer, submitted, body):
    course = submitted()
    sign_in_as(client, reviewer)
    response = client.post(f"/api/v1/review/courses/{course.id}/decision", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["message"]
    assert fresh(course.id).status == "submitted"
