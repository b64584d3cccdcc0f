"""The v1 studio calls, and a course's whole way from draft to catalogue through the API."""
import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from courses.models import Course, Video
from tests.conftest import sign_in_as

ORG = "知新制作中心"
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n欢迎学习本课程\n"


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG, real_name="制作员甲")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", real_name="审核员乙")


@pytest.fixture
def draft(make_course, producer):
    """A draft of ``producer``'s organisation with two ready lessons of 22:30 (1.0 学时)."""
    return make_course(title="数据安全法解读", status="draft", producer=producer, lessons=2)


def audit_actions() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(row.action, row.target) for row in db.session.scalars(select(AuditLog).order_by(AuditLog.id))
            if row.action.startswith("course_")]


def catalogue_titles(client) -> list[str]:
    return [item["title"] for item in client.get("/api/v1/courses").get_json()["items"]]


NEW = {"title": "人工智能与数字经济", "summary": "面向专业技术人员的入门课程", "instructor": "李教授",
       "category": "digital", "catalogue_year": 2026}


def test_a_course_goes_from_draft_to_catalogue_and_back_out(client, producer, reviewer, make_video,
                                                           make_category, make_user):
    make_category()
    sign_in_as(client, producer)
    created = client.post("/api/v1/studio/courses", json=NEW)
    assert created.status_code == 201, created.get_json()
    course_id = created.get_json()["id"]
    assert created.get_json()["status"] == "draft" and created.get_json()["organisation"] == ORG

    busy = make_video(owner=producer, status="processing", duration=0)
    foreign = make_video(owner=make_user("producer", organisation="别家公司"))
    lessons = f"/api/v1/studio/courses/{course_id}/lessons"
    refused = client.post(lessons, json={"title": "还在转码", "video_id": busy.id})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "video_not_ready"
    assert "尚未处理完成" in refused.get_json()["error"]["message"]
    assert client.post(lessons, json={"title": "别人的", "video_id": foreign.id}).status_code == 422

    long_video, short_video = make_video(owner=producer, duration=1800), make_video(owner=producer, duration=900)
    first = client.post(lessons, json={"title": "第一讲 总论", "video_id": long_video.id})
    second = client.post(lessons, json={"title": "第二讲 实务", "video_id": short_video.id})
    assert first.status_code == second.status_code == 201
    assert (first.get_json()["position"], second.get_json()["position"]) == (1, 2)
    assert second.get_json()["course"]["credit_hours"] == 1.0

    submitted = client.post(f"/api/v1/studio/courses/{course_id}/submit")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert client.patch(f"/api/v1/studio/courses/{course_id}", json={"title": "改"}).status_code == 409

    sign_in_as(client, reviewer)
    decision = f"/api/v1/review/courses/{course_id}/decision"
    no_reason = client.post(decision, json={"approve": False, "reason": " "})
    assert no_reason.status_code == 422 and "退回理由" in no_reason.get_json()["error"]["message"]
    rejected = client.post(decision, json={"approve": False, "reason": "课程简介过于简短，请补充学习目标。"})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"

    sign_in_as(client, producer)
    seen = client.get(f"/api/v1/studio/courses/{course_id}").get_json()
    assert seen["status"] == "rejected" and seen["review_note"] == "课程简介过于简短，请补充学习目标。"
    edited = client.patch(f"/api/v1/studio/courses/{course_id}",
                          json={"summary": "学习目标：理解数字经济的基本概念与政策。"})
    assert edited.status_code == 200
    assert client.post(f"/api/v1/studio/courses/{course_id}/submit").status_code == 200

    sign_in_as(client, reviewer)
    approved = client.post(decision, json={"approve": True})
    assert approved.status_code == 200 and approved.get_json()["status"] == "published"
    assert approved.get_json()["published_at"] and approved.get_json()["catalogue_year"] == 2026
    assert client.post(decision, json={"approve": True}).status_code == 409

    public = client.get(f"/api/v1/courses/{course_id}").get_json()
    assert public["title"] == "人工智能与数字经济" and public["credit_hours"] == 1.0
    assert [lesson["title"] for lesson in public["lessons"]] == ["第一讲 总论", "第二讲 实务"]
    assert "人工智能与数字经济" in client.get("/categories/digital").get_data(as_text=True)

    sign_in_as(client, producer)
    assert client.post(f"/api/v1/studio/courses/{course_id}/withdraw").get_json()["status"] == "withdrawn"
    assert catalogue_titles(client) == []
    assert client.get(f"/api/v1/courses/{course_id}").status_code == 404
    assert db.session.get(Course, course_id) is not None  # withdrawn, never deleted

    target = f"course:{course_id}"
    assert audit_actions() == [("course_submitted", target), ("course_rejected", target),
                               ("course_submitted", target), ("course_approved", target),
                               ("course_withdrawn", target)]


def test_a_revision_is_reviewed_while_trainees_keep_the_published_course(client, producer, reviewer,
                                                                        make_course, make_video):
    course = make_course(title="网络安全法律法规", producer=producer, lessons=2)
    sign_in_as(client, producer)
    started = client.post(f"/api/v1/studio/courses/{course.id}/revision")
    assert started.status_code == 201
    revision_id = started.get_json()["id"]
    assert revision_id != course.id and started.get_json()["revision_of"] == course.id
    assert started.get_json()["status"] == "draft" and len(started.get_json()["lessons"]) == 2
    again = client.post(f"/api/v1/studio/courses/{course.id}/revision")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "revision_exists"
    assert client.get(f"/api/v1/studio/courses/{course.id}").get_json()["revision"] == revision_id

    revision = f"/api/v1/studio/courses/{revision_id}"
    assert client.patch(revision, json={"title": "网络安全法律法规（2026 修订）"}).status_code == 200
    added = client.post(f"{revision}/lessons", json={"title": "新增：数据出境",
                                                    "video_id": make_video(owner=producer, duration=1350).id})
    assert added.get_json()["course"]["credit_hours"] == 1.5
    assert client.post(f"{revision}/submit").status_code == 200
    assert client.get(f"/api/v1/courses/{course.id}").get_json()["title"] == "网络安全法律法规"
    assert catalogue_titles(client) == ["网络安全法律法规"]

    sign_in_as(client, reviewer)
    decision = f"/api/v1/review/courses/{revision_id}/decision"
    client.post(decision, json={"approve": False, "reason": "新增一讲缺少字幕说明。"})
    sign_in_as(client, producer)
    assert client.get(revision).get_json()["review_note"] == "新增一讲缺少字幕说明。"
    assert client.get(f"/api/v1/courses/{course.id}").get_json()["lesson_count"] == 2
    assert client.post(f"{revision}/submit").status_code == 200

    sign_in_as(client, reviewer)
    approved = client.post(decision, json={"approve": True})
    assert approved.status_code == 200 and approved.get_json()["id"] == course.id
    public = client.get(f"/api/v1/courses/{course.id}").get_json()
    assert public["title"] == "网络安全法律法规（2026 修订）" and public["credit_hours"] == 1.5
    assert [lesson["title"] for lesson in public["lessons"]][-1] == "新增：数据出境"
    assert catalogue_titles(client) == ["网络安全法律法规（2026 修订）"]
    sign_in_as(client, producer)
    assert client.get(revision).status_code == 404
    target = f"course:{course.id}"
    assert [action for action, _target in audit_actions()] == [
        "course_revision_started", "course_submitted", "course_rejected", "course_submitted", "course_approved"]
    assert audit_actions()[0][1] == target and audit_actions()[-1][1] == target


def test_lessons_are_reordered_renamed_and_removed_with_hours_recounted(client, producer, draft, make_video):
    sign_in_as(client, producer)
    base = f"/api/v1/studio/courses/{draft.id}"
    third = client.post(f"{base}/lessons", json={"video_id": make_video(owner=producer, duration=2700).id,
                                                 "title": ""}).get_json()
    assert third["position"] == 3 and third["course"]["credit_hours"] == 2.0
    assert third["title"]  # an empty title falls back to a default
    ids = [lesson["id"] for lesson in third["course"]["lessons"]]
    reordered = client.put(f"{base}/lessons/order", json={"lesson_ids": [ids[2], ids[0], ids[1]]})
    assert [lesson["id"] for lesson in reordered.get_json()["lessons"]] == [ids[2], ids[0], ids[1]]
    assert [lesson["position"] for lesson in reordered.get_json()["lessons"]] == [1, 2, 3]
    bad = client.put(f"{base}/lessons/order", json={"lesson_ids": [ids[0]]})
    assert bad.status_code == 422
    renamed = client.patch(f"{base}/lessons/{ids[0]}", json={"title": "导论"})
    assert renamed.status_code == 200 and renamed.get_json()["title"] == "导论"
    assert client.patch(f"{base}/lessons/{ids[0]}", json={"title": ""}).status_code == 422
    removed = client.delete(f"{base}/lessons/{ids[2]}")
    assert removed.get_json()["credit_hours"] == 1.0
    assert [lesson["position"] for lesson in removed.get_json()["lessons"]] == [1, 2]
    assert client.delete(f"{base}/lessons/{ids[2]}").status_code == 404


@pytest.mark.parametrize("video_id", [2**31, 10**30, True, "1.0", " 1", "１", str(10**30), "-1"])
def test_a_lesson_naming_no_possible_video_is_422_and_adds_nothing(client, producer, draft, video_id):
    sign_in_as(client, producer)
    response = client.post(f"/api/v1/studio/courses/{draft.id}/lessons", json={"video_id": video_id})
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": "invalid_video", "message": "找不到该视频，或它不属于您的机构。"}
    assert len(client.get(f"/api/v1/studio/courses/{draft.id}").get_json()["lessons"]) == 2


def test_a_lesson_takes_the_video_id_as_the_upload_location_gives_it(client, producer, draft, make_video):
    """The tus Location ends in the video id as text; the lesson call takes that text as it is."""
    sign_in_as(client, producer)
    video = make_video(owner=producer, duration=900)
    added = client.post(f"/api/v1/studio/courses/{draft.id}/lessons", json={"video_id": str(video.id)})
    assert added.status_code == 201 and added.get_json()["video_id"] == video.id


@pytest.mark.parametrize("body, code", [
    ({**NEW, "title": ""}, "invalid_title"),
    ({**NEW, "category": "cooking"}, "invalid_category"),
    ({**NEW, "catalogue_year": "明年"}, "invalid_catalogue_year"),
    ({**NEW, "instructor": None}, "invalid_instructor"),
    ({k: v for k, v in NEW.items() if k != "category"}, "invalid_category"),
])
def test_invalid_fields_are_422_in_chinese(client, producer, make_category, body, code):
    make_category()
    sign_in_as(client, producer)
    response = client.post("/api/v1/studio/courses", json=body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert db.session.scalar(select(Course)) is None


def test_published_courses_are_changed_only_through_a_revision(client, producer, make_course):
    course = make_course(producer=producer)
    sign_in_as(client, producer)
    response = client.patch(f"/api/v1/studio/courses/{course.id}", json={"title": "偷偷改"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "revision_required"
    assert client.delete(f"/api/v1/studio/courses/{course.id}/lessons/{course.lessons[0].id}").status_code == 409
    assert client.get(f"/api/v1/courses/{course.id}").get_json()["title"] == "数字经济概论"


def test_submit_needs_lessons(client, producer, make_course):
    empty = make_course(status="draft", producer=producer, lessons=0)
    sign_in_as(client, producer)
    response = client.post(f"/api/v1/studio/courses/{empty.id}/submit")
    assert response.status_code == 409 and "至少要有一讲" in response.get_json()["error"]["message"]


def test_another_organisations_course_is_404(client, draft, make_user):
    sign_in_as(client, make_user("producer", organisation="另一家制作公司"))
    base = f"/api/v1/studio/courses/{draft.id}"
    lesson = draft.lessons[0].id
    for method, path, body in [("get", base, None), ("patch", base, {"title": "x"}), ("delete", base, None),
                               ("post", f"{base}/lessons", {"video_id": draft.lessons[0].video_id}),
                               ("delete", f"{base}/lessons/{lesson}", None),
                               ("put", f"{base}/lessons/order", {"lesson_ids": [lesson]}),
                               ("post", f"{base}/submit", None), ("post", f"{base}/withdraw", None),
                               ("post", f"{base}/revision", None)]:
        response = getattr(client, method)(path, json=body)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "not_found"
    assert draft.id not in [c["id"] for c in client.get("/api/v1/studio/courses").get_json()["items"]]


def test_same_organisation_colleagues_share_courses(client, draft, make_user):
    sign_in_as(client, make_user("producer", organisation=ORG))
    items = client.get("/api/v1/studio/courses").get_json()["items"]
    assert [item["id"] for item in items] == [draft.id]


@pytest.mark.parametrize("role", ["trainee", "reviewer", "bureau", "admin"])
def test_other_roles_are_403(client, draft, make_user, role):
    sign_in_as(client, make_user(role))
    assert client.get("/api/v1/studio/courses").status_code == 403
    assert client.post("/api/v1/studio/courses", json=NEW).status_code == 403
    assert client.post(f"/api/v1/studio/courses/{draft.id}/submit").status_code == 403


def test_anonymous_callers_are_401(client, draft):
    assert client.post(f"/api/v1/studio/courses/{draft.id}/submit").status_code == 401


def test_a_producer_without_organisation_cannot_create_or_see_unaffiliated_courses(client, make_user,
                                                                                   make_course):
    unaffiliated = make_course(status="draft", producer=make_user("producer", organisation=""))
    sign_in_as(client, make_user("producer", organisation=""))
    response = client.post("/api/v1/studio/courses", json=NEW)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "no_organisation"
    assert client.get("/api/v1/studio/courses").get_json() == {"items": []}
    assert client.get(f"/api/v1/studio/courses/{unaffiliated.id}").status_code == 404
    assert client.get(f"/studio/courses/{unaffiliated.id}").status_code == 404


def test_a_bearer_token_drives_the_studio(client, producer, make_category, app):
    make_category()
    _row, plain = issue_token(producer, "制作工具", utcnow())
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/studio/courses", json=NEW, headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 201


def test_only_unpublished_drafts_are_deleted(client, producer, draft, make_course):
    published = make_course(producer=producer)
    sign_in_as(client, producer)
    assert client.delete(f"/api/v1/studio/courses/{published.id}").status_code == 409
    course_id, video_id = draft.id, draft.lessons[0].video_id
    assert client.delete(f"/api/v1/studio/courses/{course_id}").status_code == 204
    db.session.expire_all()
    assert db.session.scalar(select(Course).where(Course.id == course_id)) is None
    assert db.session.scalar(select(Video).where(Video.id == video_id)) is not None  # only the course goes


def test_captions_through_the_api(client, producer, draft, make_course):
    sign_in_as(client, producer)
    lesson = draft.lessons[0]
    path = f"/api/v1/studio/courses/{draft.id}/lessons/{lesson.id}/captions"
    stored = client.put(path, data=VTT.encode(), content_type="text/vtt")
    assert stored.status_code == 200 and stored.get_json()["captions"]
    with client.get(stored.get_json()["captions"]) as served:
        assert served.status_code == 200 and served.get_data(as_text=True) == VTT
    bad = client.put(path, data=b"WEBVTT\n\n00:05.000 --> 00:01.000\nx\n", content_type="text/vtt")
    assert bad.status_code == 422 and "第 3 行" in bad.get_json()["error"]["message"]
    assert client.delete(path).get_json()["captions"] is None

    live = make_course(producer=producer).lessons[0]
    locked = client.put(f"/api/v1/studio/courses/{live.course_id}/lessons/{live.id}/captions",
                        data=VTT.encode(), content_type="text/vtt")
    assert locked.status_code == 409
