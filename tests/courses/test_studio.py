"""The studio pages as a producer uses them: forms, lessons, captions, preview, submit, revisions."""
import io
import re

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from courses.media import storage
from courses.models import Course, Lesson
from tests.conftest import sign_in_as

ORG = "知新制作中心"
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n欢迎学习本课程\n"


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def draft(make_course, producer):
    return make_course(title="应急管理基础", status="draft", producer=producer, lessons=2,
                       category=None)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def follow(client, response) -> str:
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    return page(client.get(response.headers["Location"]))


def fresh(course_id: int) -> Course:
    db.session.expire_all()
    return db.session.get(Course, course_id)


def hours_shown(html: str) -> str:
    return re.search(r'class="credit-hours">([\d.]+)<', html).group(1)


def test_index_shows_the_organisations_courses_by_status(client, producer, make_course, make_user):
    make_course(title="已上线的课", producer=producer)
    make_course(title="被退回的课", status="rejected", producer=producer, review_note="画面模糊")
    colleague = make_user("producer", organisation=ORG)
    make_course(title="同事的草稿", status="draft", producer=colleague)
    make_course(title="别家的课", producer=make_user("producer", organisation="别家公司"))
    sign_in_as(client, producer)
    html = page(client.get("/studio/"))
    assert "已上线的课" in html and "被退回的课" in html and "同事的草稿" in html
    assert "别家的课" not in html
    assert html.index("已退回") < html.index("草稿") < html.index("已发布")
    assert "退回理由：画面模糊" in html
    assert "1.0" in html  # 学时 of each two-lesson course


def test_creating_a_course_through_the_form(client, producer, make_category):
    make_category()
    sign_in_as(client, producer)
    form = page(client.get("/studio/courses/new"))
    for name in ("数字技术", "知识产权", "网络安全", "应急管理", "思想政治", "知识更新拓展", "科学精神", "职业道德",
                 "团队合作"):
        assert name in form
    html = follow(client, client.post("/studio/courses/new", data={
        "title": "知识产权保护实务", "summary": "专利与商标", "instructor": "赵律师",
        "category": "ip", "catalogue_year": "2026"}))
    assert "知识产权保护实务" in html and "还没有任何一讲" in html
    course = db.session.scalar(select(Course))
    assert (course.organisation, course.status, course.category.code) == (ORG, "draft", "ip")


def test_the_form_explains_its_errors_in_chinese(client, producer, make_category):
    make_category()
    sign_in_as(client, producer)
    html = page(client.post("/studio/courses/new", data={
        "title": "", "instructor": "赵律师", "category": "nope", "catalogue_year": "1800"}))
    assert "请填写课程名称。" in html and "请选择有效的课程类别。" in html and "2000 到 2100" in html
    assert db.session.scalar(select(Course)) is None


def test_editing_course_fields(client, producer, draft):
    sign_in_as(client, producer)
    form = page(client.get(f"/studio/courses/{draft.id}/edit"))
    assert 'value="应急管理基础"' in form
    follow(client, client.post(f"/studio/courses/{draft.id}/edit", data={
        "title": "应急管理基础（第二版）", "summary": "新简介", "instructor": "钱老师",
        "category": "emergency", "catalogue_year": "2027"}))
    course = fresh(draft.id)
    assert (course.title, course.category.code, course.catalogue_year) == ("应急管理基础（第二版）", "emergency", 2027)


def test_the_editor_offers_ready_videos_and_greys_the_others(client, producer, draft, make_video, make_user):
    ready = make_video(owner=producer, original_filename="第三讲 演练.mp4")
    busy = make_video(owner=producer, status="processing", progress=42, original_filename="正在转码.mov")
    failed = make_video(owner=producer, status="failed", error="文件中没有视频画面。", original_filename="录音.m4a")
    make_video(owner=make_user("producer", organisation="别家公司"), original_filename="别家的视频.mp4")
    sign_in_as(client, producer)
    html = page(client.get(f"/studio/courses/{draft.id}"))
    select_html = html[html.index('<select id="video_id"'):html.index("</select>")]
    assert f'value="{ready.id}"' in select_html and "第三讲 演练.mp4" in select_html
    assert str(busy.id) not in re.findall(r'value="(\d+)"', select_html)
    assert "正在转码.mov" in html and "处理中 42%" in html and f"/studio/videos/{busy.id}" in html
    assert "文件中没有视频画面。" in html and f"/studio/videos/{failed.id}" in html
    assert "别家的视频.mp4" not in html
    for lesson in draft.lessons:  # already lessons: not offered again
        assert f'value="{lesson.video_id}"' not in select_html


def test_lessons_are_added_moved_and_removed_with_hours_kept_current(client, producer, draft, make_video):
    sign_in_as(client, producer)
    assert hours_shown(page(client.get(f"/studio/courses/{draft.id}"))) == "1.0"
    video = make_video(owner=producer, duration=2700, original_filename="第三讲 案例.mp4")
    html = follow(client, client.post(f"/studio/courses/{draft.id}/lessons", data={"video_id": video.id, "title": ""}))
    assert hours_shown(html) == "2.0" and "第三讲 案例" in html
    third = fresh(draft.id).lessons[2]
    follow(client, client.post(f"/studio/courses/{draft.id}/lessons/{third.id}/move", data={"direction": "up"}))
    assert [lesson.title for lesson in fresh(draft.id).lessons] == ["第1讲", "第三讲 案例", "第2讲"]
    follow(client, client.post(f"/studio/courses/{draft.id}/lessons/{third.id}/move", data={"direction": "down"}))
    assert [lesson.title for lesson in fresh(draft.id).lessons] == ["第1讲", "第2讲", "第三讲 案例"]
    first = fresh(draft.id).lessons[0]
    html = follow(client, client.post(f"/studio/courses/{draft.id}/lessons/{first.id}/remove"))
    assert hours_shown(html) == "1.5"
    assert [(x.position, x.title) for x in fresh(draft.id).lessons] == [(1, "第2讲"), (2, "第三讲 案例")]
    follow(client, client.post(f"/studio/courses/{draft.id}/lessons/{third.id}/title", data={"title": "第三讲 复盘"}))
    assert fresh(draft.id).lessons[1].title == "第三讲 复盘"


def test_a_video_still_processing_is_refused(client, producer, draft, make_video):
    busy = make_video(owner=producer, status="processing")
    sign_in_as(client, producer)
    html = follow(client, client.post(f"/studio/courses/{draft.id}/lessons", data={"video_id": busy.id}))
    assert "尚未处理完成" in html
    assert len(fresh(draft.id).lessons) == 2


def upload(client, course, lesson, content: bytes, name: str = "captions.vtt"):
    return client.post(f"/studio/courses/{course.id}/lessons/{lesson.id}/captions",
                       data={"captions": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_captions_upload_validates_and_stores(client, producer, draft):
    sign_in_as(client, producer)
    lesson = draft.lessons[0]
    html = follow(client, upload(client, draft, lesson, b"WEBVTT\n\n00:00:09.000 --> 00:00:03.000\nx\n"))
    assert "字幕未保存" in html and "第 3 行的结束时间应晚于开始时间" in html
    html = follow(client, upload(client, draft, lesson, "不是字幕".encode("gbk")))
    assert "不是 UTF-8 编码" in html
    assert fresh(draft.id).lessons[0].video.captions_path == ""
    html = follow(client, upload(client, draft, lesson, VTT.encode()))
    assert "字幕已保存" in html and "字幕：有" in html
    video = fresh(draft.id).lessons[0].video
    assert storage.resolve(video.captions_path).read_text(encoding="utf-8") == VTT
    follow(client, client.post(f"/studio/courses/{draft.id}/lessons/{lesson.id}/captions/remove"))
    assert fresh(draft.id).lessons[0].video.captions_path == ""


def test_the_preview_plays_every_lesson_with_poster_and_track(client, producer, draft):
    for lesson in draft.lessons:
        lesson.video.renditions = [{"height": 360, "width": 640, "path": storage.rendition_path(lesson.video_id, 360),
                                    "bytes": 10}]
        lesson.video.poster_path = storage.poster_path(lesson.video_id)
    draft.lessons[0].video.captions_path = storage.captions_path(draft.lessons[0].video_id)
    db.session.commit()
    sign_in_as(client, producer)
    html = page(client.get(f"/studio/courses/{draft.id}/preview"))
    assert html.count("<video") == 2
    first = draft.lessons[0].video_id
    assert f'poster="/media/videos/{first}/poster.jpg"' in html
    assert f'src="/media/videos/{first}/360p.mp4"' in html
    track = f'<track kind="captions" srclang="zh" label="中文字幕" src="/media/videos/{first}/captions.vtt" default>'
    assert track in html
    assert html.count("<track") == 1


def test_submit_is_offered_only_when_the_course_is_ready(client, producer, make_course, make_video):
    empty = make_course(status="draft", producer=producer, lessons=0)
    sign_in_as(client, producer)
    html = page(client.get(f"/studio/courses/{empty.id}"))
    assert "至少要有一讲" in html and f'/studio/courses/{empty.id}/submit"' not in html
    follow(client, client.post(f"/studio/courses/{empty.id}/submit"))
    assert fresh(empty.id).status == "draft"
    ready = make_course(status="draft", producer=producer, lessons=1)
    html = follow(client, client.post(f"/studio/courses/{ready.id}/submit"))
    assert "已提交审核" in html and "审核中" in html
    assert fresh(ready.id).status == "submitted" and fresh(ready.id).submitted_at is not None
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "course_submitted")).all()
    assert [row.target for row in rows] == [f"course:{ready.id}"]


def test_the_rejection_reason_is_shown_prominently(client, producer, make_course):
    course = make_course(status="rejected", producer=producer, review_note="第二讲声音断续，请重新上传。")
    sign_in_as(client, producer)
    html = page(client.get(f"/studio/courses/{course.id}"))
    note = html[html.index('class="review-note"'):]
    assert note.index("第二讲声音断续，请重新上传。") < note.index("</section>")
    assert html.index("review-note") < html.index("<h1>")


def test_editing_a_published_course_makes_a_revision(client, producer, make_course):
    course = make_course(title="专利法概论", producer=producer)
    sign_in_as(client, producer)
    edit = client.get(f"/studio/courses/{course.id}/edit")
    assert edit.status_code == 302 and "创建修订版本" in follow(client, edit)
    html = follow(client, client.post(f"/studio/courses/{course.id}/revision"))
    assert "修订版本" in html and "学员仍看到已发布的版本" in html
    revision = db.session.scalar(select(Course).where(Course.revision_of_id == course.id))
    follow(client, client.post(f"/studio/courses/{revision.id}/edit", data={
        "title": "专利法概论（修订）", "summary": "", "instructor": "李老师", "category": "digital",
        "catalogue_year": "2026"}))
    assert client.get(f"/api/v1/courses/{course.id}").get_json()["title"] == "专利法概论"
    html = page(client.get(f"/studio/courses/{course.id}"))
    assert f"/studio/courses/{revision.id}" in html and f"/studio/courses/{course.id}/revision" not in html
    follow(client, client.post(f"/studio/courses/{revision.id}/delete"))
    assert db.session.scalar(select(Course).where(Course.revision_of_id == course.id)) is None
    assert fresh(course.id).status == "published"


def test_withdrawing_a_published_course(client, producer, make_course):
    course = make_course(title="团队协作方法", producer=producer)
    sign_in_as(client, producer)
    html = follow(client, client.post(f"/studio/courses/{course.id}/withdraw"))
    assert "已下架" in html
    assert fresh(course.id).status == "withdrawn" and fresh(course.id).withdrawn_at is not None
    assert "团队协作方法" not in page(client.get("/catalogue"))
    assert [row.action for row in db.session.scalars(select(AuditLog))] == ["course_withdrawn"]


def test_another_organisations_course_is_404_on_every_page(client, draft, make_user):
    sign_in_as(client, make_user("producer", organisation="另一家制作公司"))
    lesson = draft.lessons[0].id
    for path in ("", "/edit", "/preview"):
        assert client.get(f"/studio/courses/{draft.id}{path}").status_code == 404
    for path in ("/submit", "/withdraw", "/revision", "/delete", "/lessons", f"/lessons/{lesson}/move",
                 f"/lessons/{lesson}/remove", f"/lessons/{lesson}/title", f"/lessons/{lesson}/captions",
                 f"/lessons/{lesson}/captions/remove"):
        assert client.post(f"/studio/courses/{draft.id}{path}", data={"video_id": "1"}).status_code == 404, path
    assert fresh(draft.id).status == "draft" and len(fresh(draft.id).lessons) == 2


@pytest.mark.parametrize("role", ["trainee", "reviewer", "bureau"])
def test_the_studio_is_for_producers(client, draft, make_user, role):
    sign_in_as(client, make_user(role))
    assert client.get("/studio/").status_code == 403
    assert client.get(f"/studio/courses/{draft.id}").status_code == 403
    assert client.post(f"/studio/courses/{draft.id}/submit").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    response = client.get("/studio/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_lesson_row_of_another_course_is_404(client, producer, draft, make_course):
    other = make_course(status="draft", producer=producer, lessons=1)
    sign_in_as(client, producer)
    response = client.post(f"/studio/courses/{draft.id}/lessons/{other.lessons[0].id}/remove")
    assert response.status_code == 404
    assert db.session.get(Lesson, other.lessons[0].id) is not None


def test_a_video_status_has_one_name_in_the_studio_and_on_the_videos_page(client, producer, draft, make_video):
    failed = make_video(owner=producer, status="failed", error="文件中没有视频画面。", original_filename="录音.m4a")
    sign_in_as(client, producer)
    studio = page(client.get(f"/studio/courses/{draft.id}"))
    videos = page(client.get(f"/studio/videos/{failed.id}"))
    assert '<span class="badge off">处理失败</span>' in studio
    assert "data-status-label>处理失败</span>" in videos and 'data-label-ready="可用"' in videos
