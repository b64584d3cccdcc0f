"""A course's transitions (courses.studio.publishing): plain objects first, then the database parts."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from courses.models import Course, Lesson, Video
from courses.studio import publishing
from courses.studio.publishing import FieldError, PublishingError

NOW = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
REVIEWER = User(id=77, role="reviewer")


def course_with(status: str = "draft", *video_statuses: str, seconds: float = 1350.0) -> Course:
    course = Course(id=1, title="数据安全法解读", summary="简介", instructor="王老师", category_id=3,
                    catalogue_year=2026, status=status, organisation="知新制作中心", producer_id=9,
                    credit_tenths=0)
    for position, video_status in enumerate(video_statuses, start=1):
        video = Video(id=position, status=video_status, duration_seconds=seconds)
        course.lessons.append(Lesson(id=position, position=position, title=f"第{position}讲",
                                     video=video, video_id=video.id))
    return course


# ---- plain objects ------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "rejected", "withdrawn"])
def test_submit_a_course_with_ready_lessons(status):
    course = course_with(status, "ready", "ready")
    publishing.submit(course, NOW)
    assert course.status == "submitted" and course.submitted_at == NOW


def test_submit_needs_a_lesson():
    with pytest.raises(PublishingError, match="至少要有一讲") as caught:
        publishing.submit(course_with("draft"), NOW)
    assert caught.value.code == "not_ready"


@pytest.mark.parametrize("video_status", ["processing", "failed", "uploading"])
def test_submit_needs_every_video_ready(video_status):
    course = course_with("draft", "ready", video_status)
    with pytest.raises(PublishingError, match="第2讲"):
        publishing.submit(course, NOW)
    assert course.status == "draft"


@pytest.mark.parametrize("status", ["submitted", "published"])
def test_submit_from_elsewhere_is_illegal(status):
    with pytest.raises(PublishingError):
        publishing.submit(course_with(status, "ready"), NOW)


def test_approve_publishes_in_the_catalogue_year():
    course = course_with("submitted", "ready")
    course.review_note = "上次的退回理由"
    assert publishing.approve(course, REVIEWER, NOW) is course
    assert course.status == "published" and course.catalogue_year == 2026
    assert (course.published_at, course.reviewed_at, course.reviewer_id) == (NOW, NOW, 77)
    assert course.review_note == ""


@pytest.mark.parametrize("status", ["draft", "rejected", "published", "withdrawn"])
def test_only_submitted_courses_are_decided(status):
    course = course_with(status, "ready")
    with pytest.raises(PublishingError, match="不在待审核状态"):
        publishing.approve(course, REVIEWER, NOW)
    with pytest.raises(PublishingError, match="不在待审核状态"):
        publishing.reject(course, REVIEWER, "理由", NOW)
    assert course.status == status


def test_approve_refuses_a_course_whose_video_broke_meanwhile():
    course = course_with("submitted", "failed")
    with pytest.raises(PublishingError, match="尚未就绪"):
        publishing.approve(course, REVIEWER, NOW)


def test_reject_keeps_the_reason_for_the_producer():
    course = course_with("submitted", "ready")
    publishing.reject(course, REVIEWER, "  第二讲音量过低，请重新录制。 ", NOW)
    assert course.status == "rejected" and course.review_note == "第二讲音量过低，请重新录制。"
    assert (course.reviewer_id, course.reviewed_at) == (77, NOW)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(reason):
    course = course_with("submitted", "ready")
    with pytest.raises(PublishingError, match="退回理由") as caught:
        publishing.reject(course, REVIEWER, reason, NOW)
    assert caught.value.code == "reason_required" and course.status == "submitted"


def test_withdraw_hides_a_published_course_only():
    course = course_with("published", "ready")
    publishing.withdraw(course, NOW)
    assert course.status == "withdrawn" and course.withdrawn_at == NOW
    with pytest.raises(PublishingError, match="只有已发布的课程可以下架"):
        publishing.withdraw(course, NOW)


def test_start_revision_copies_fields_and_lessons_as_a_draft():
    course = course_with("published", "ready", "ready")
    course.credit_tenths = 10
    revision = publishing.start_revision(course, NOW)
    assert revision.revision_of is course and revision.status == "draft"
    assert (revision.title, revision.summary, revision.instructor, revision.category_id,
            revision.catalogue_year, revision.organisation, revision.credit_tenths) == \
           ("数据安全法解读", "简介", "王老师", 3, 2026, "知新制作中心", 10)
    assert [(x.position, x.title, x.video_id) for x in revision.lessons] == \
           [(1, "第1讲", 1), (2, "第2讲", 2)]
    assert all(x not in course.lessons for x in revision.lessons)
    assert len(course.lessons) == 2 and course.status == "published"


def test_one_open_revision_at_a_time():
    course = course_with("published", "ready")
    with pytest.raises(PublishingError, match="已有一个未完成的修订版本"):
        publishing.start_revision(course, NOW, open_revision=Course(id=2))


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn"])
def test_only_published_courses_get_revisions(status):
    with pytest.raises(PublishingError):
        publishing.start_revision(course_with(status, "ready"), NOW)


@pytest.mark.parametrize("status, message", [("submitted", "审核中"), ("published", "修订版本")])
def test_courses_under_review_or_published_are_not_edited(status, message):
    with pytest.raises(PublishingError, match=message):
        publishing.check_editable(course_with(status, "ready"))


@pytest.mark.parametrize("seconds, minutes, tenths", [
    (1350.0, 45, 10),   # two lessons of 22:30 = 45 min = 1.0 学时
    (1349.0, 45, 9),    # a second short: rounded down
    (1350.0, 60, 7),    # with 60-minute hours 45 min is 0.75 → 0.7
])
def test_credit_follows_the_lessons(seconds, minutes, tenths):
    course = course_with("draft", "ready", "ready", seconds=seconds)
    assert publishing.recompute_credit(course, minutes) == tenths
    assert course.credit_tenths == tenths


@pytest.mark.parametrize("clean, value, expected", [
    (publishing.clean_title, "  数字经济概论 ", "数字经济概论"),
    (publishing.clean_summary, None, ""),
    (publishing.clean_instructor, "李老师", "李老师"),
    (publishing.clean_year, "2026", 2026),
    (publishing.clean_year, 2027, 2027),
])
def test_fields_are_cleaned(clean, value, expected):
    assert clean(value) == expected


@pytest.mark.parametrize("clean, value, field", [
    (publishing.clean_title, "", "title"),
    (publishing.clean_title, "课" * 129, "title"),
    (publishing.clean_instructor, "  ", "instructor"),
    (publishing.clean_year, "1999", "catalogue_year"),
    (publishing.clean_year, "二〇二六", "catalogue_year"),
    (publishing.clean_year, True, "catalogue_year"),
    (publishing.clean_year, None, "catalogue_year"),
])
def test_bad_fields_name_themselves(clean, value, field):
    with pytest.raises(FieldError) as caught:
        clean(value)
    assert caught.value.field == field and str(caught.value)


# ---- with the database ------------------------------------------------------------------

@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer")


def lesson_rows(course_id: int) -> list[tuple[int, int, str, int]]:
    db.session.expire_all()
    return [(row.id, row.position, row.title, row.video_id) for row in db.session.scalars(
        select(Lesson).where(Lesson.course_id == course_id).order_by(Lesson.position))]


def test_reordering_swaps_positions_without_colliding(app, make_course):
    course = make_course(status="draft", lessons=3)
    first, second, third = (lesson.id for lesson in course.lessons)
    publishing.reorder_lessons(course, [third, first, second])
    db.session.commit()
    assert [row[:2] for row in lesson_rows(course.id)] == [(third, 1), (first, 2), (second, 3)]
    publishing.move_lesson(course, db.session.get(Lesson, first), -1)
    db.session.commit()
    assert [row[0] for row in lesson_rows(course.id)] == [first, third, second]


def test_a_reorder_must_name_every_lesson_once(app, make_course):
    course = make_course(status="draft", lessons=2)
    ids = [lesson.id for lesson in course.lessons]
    for wrong in ([ids[0]], [ids[0], ids[0]], [*ids, 999]):
        with pytest.raises(PublishingError, match="恰好包含"):
            publishing.reorder_lessons(course, wrong)


def test_adding_and_removing_lessons_recounts_hours_and_closes_gaps(app, make_course, make_video):
    course = make_course(status="draft", lessons=2, lesson_seconds=1350)
    extra = make_video(owner=course.producer, duration=2700)
    publishing.add_lesson(course, extra, "第3讲", 45)
    assert course.credit_tenths == 20
    publishing.remove_lesson(course, course.lessons[0], 45)
    db.session.commit()
    assert [(row[1], row[2]) for row in lesson_rows(course.id)] == [(1, "第2讲"), (2, "第3讲")]
    assert course.credit_tenths == 15


def test_a_video_is_one_lesson_per_course(app, make_course):
    course = make_course(status="draft", lessons=1)
    with pytest.raises(PublishingError, match="已经是本课程的一讲"):
        publishing.add_lesson(course, course.lessons[0].video, "重复", 45)


def test_approving_a_revision_applies_it_to_the_same_course(app, make_course, make_video, make_category,
                                                             reviewer):
    course = make_course(title="旧标题", lessons=3)
    keep_a, dropped, keep_b = course.lessons
    kept_ids = {keep_a.video_id: keep_a.id, keep_b.video_id: keep_b.id}
    revision = publishing.revise_course(course, NOW)
    new_video = make_video(owner=course.producer, duration=600)
    publishing.update_fields(revision, {"title": "新标题", "category": make_category("ip"),
                                        "catalogue_year": 2027})
    publishing.remove_lesson(revision, revision.lessons[1], 45)
    publishing.add_lesson(revision, new_video, "新增一讲", 45)
    publishing.reorder_lessons(revision, [revision.lessons[i].id for i in (2, 1, 0)])
    revision.lessons[1].title = "改过名的一讲"
    publishing.submit(revision, NOW)
    db.session.commit()

    result = publishing.approve(revision, reviewer, NOW)
    db.session.commit()
    assert result.id == course.id and result.status == "published"
    assert (result.title, result.category.code, result.catalogue_year) == ("新标题", "ip", 2027)
    rows = lesson_rows(course.id)
    assert [(position, video) for _id, position, _title, video in rows] == \
           [(1, new_video.id), (2, keep_b.video_id), (3, keep_a.video_id)]
    assert rows[1][0] == kept_ids[keep_b.video_id] and rows[1][2] == "改过名的一讲"
    assert rows[2][0] == kept_ids[keep_a.video_id]
    assert dropped.video_id not in [row[3] for row in rows]
    assert db.session.scalar(select(Course).where(Course.revision_of_id == course.id)) is None
    assert result.credit_tenths == publishing.recompute_credit(result, 45)


def test_a_revision_cannot_be_applied_to_a_withdrawn_course(app, make_course, reviewer):
    course = make_course()
    revision = publishing.revise_course(course, NOW)
    publishing.submit(revision, NOW)
    publishing.withdraw(course, NOW)
    with pytest.raises(PublishingError, match="不在发布状态"):
        publishing.approve(revision, reviewer, NOW)


def test_only_never_published_courses_are_deleted(app, make_course):
    draft = make_course(status="draft")
    publishing.delete_course(draft)
    db.session.commit()
    assert db.session.get(Course, draft.id) is None
    for status in ("published", "withdrawn", "submitted"):
        with pytest.raises(PublishingError, match="从未发布过"):
            publishing.delete_course(make_course(status=status))
    once_published = make_course(status="rejected", published_at=NOW)
    with pytest.raises(PublishingError):
        publishing.delete_course(once_published)
