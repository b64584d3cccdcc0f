"""A course's life: building it, the review transitions, revisions of published courses.

::

    draft ─submit→ submitted ─approve→ published ─withdraw→ withdrawn
      ↑               └─reject→ rejected              │
      └─ (rejected and withdrawn courses are edited and submitted again) ─┘

A published course is never edited in place: ``start_revision`` copies it into a draft
course pointing at it (``revision_of_id``); trainees keep seeing the published course
while the revision is built and reviewed. Approving the revision applies its fields and
lessons onto the published row — same id, so links and credit records keep pointing at
it — and deletes the revision. Lessons are matched by video, so a lesson that stays in
the course keeps its id (and whatever learning rows point at it).

The transitions are plain functions with ``now`` passed in; they raise ``PublishingError``
(a Chinese message) for an illegal move. Functions that change lessons flush, because the
``(course, position)`` unique constraint needs positions written in two steps.
Nobody here commits. The audited actions (``decide``, ``withdraw_course``) also ask for the
course's search-index update once the transaction commits (``search_tasks.index_after_commit``).
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from core.extensions import db
from core.policy import SUBJECT_TYPES
from courses.categories import ensure_categories
from courses.models import Category, Course, Lesson, Video
from courses.rules import credit_tenths
from courses.search import tasks as search_tasks
from courses.studio.bank_rules import copy_bank, paper_problem, replace_bank

EDITABLE_STATUSES = ("draft", "rejected", "withdrawn")
COURSE_FIELDS = ("title", "summary", "instructor", "category_id", "catalogue_year", "subject_type", "sector_public")


class PublishingError(Exception):
    """An illegal transition or edit; ``message`` is for the producer or reviewer."""

    def __init__(self, message: str, code: str = "illegal_transition"):
        super().__init__(message)
        self.message, self.code = message, code


# ---- course fields -----------------------------------------------------------------------

class FieldError(ValueError):
    """A course field that cannot be saved; ``field`` names it, ``str(error)`` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _text(field: str, value, limit: int, required: str | None) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        raise FieldError(field, required)
    if len(value) > limit:
        raise FieldError(field, _("不能超过 %(limit)s 个字。", limit=limit))
    return value


def clean_title(value) -> str:
    return _text("title", value, 128, _("请填写课程名称。"))


def clean_summary(value) -> str:
    return _text("summary", value, 5000, None)


def clean_instructor(value) -> str:
    return _text("instructor", value, 64, _("请填写主讲人。"))


def clean_lesson_title(value, required: bool = False) -> str:
    return _text("title", value, 128, _("请填写本讲名称。") if required else None)


def clean_year(value) -> int:
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise FieldError("catalogue_year", _("目录年度应为 2000 到 2100 之间的年份。"))
    return int(text)


def clean_category(code) -> Category:
    """The category with v1 ``code`` (the nine are created if the database lacks them)."""
    found = ensure_categories().get(code) if isinstance(code, str) else None
    if found is None:
        raise FieldError("category", _("请选择有效的课程类别。"))
    return found


def clean_subject_type(value) -> str:
    """One of ``core.policy.SUBJECT_TYPES``: gongxu 公需科目, zhuanye 专业科目, xuanxiu 选修科目."""
    if not isinstance(value, str) or value not in SUBJECT_TYPES:
        raise FieldError("subject_type", _("科目类型应为公需科目、专业科目或选修科目（gongxu、zhuanye、xuanxiu）。"))
    return value


def clean_sector_public(value) -> bool:
    if not isinstance(value, bool):
        raise FieldError("sector_public", _("行业公需标记应为 true 或 false。"))
    return value


def check_subject(values: dict, course: Course | None = None) -> dict:
    """Cleaned ``values`` for ``course`` (None: a new course, 公需 unless they say otherwise),
    with the 行业公需 flag checked against the type it will have.

    Only a 公需 course is 行业公需: asking for the flag on another type is refused; a course
    whose type changes away from 公需 loses the flag it had.
    """
    subject_type = values.get("subject_type", course.subject_type if course is not None else "gongxu")
    if subject_type == "gongxu":
        return values
    if values.get("sector_public"):
        raise FieldError("sector_public", _("只有公需科目可以标为行业公需，专业科目和选修科目不能。"))
    if course is not None and course.sector_public:
        return {**values, "sector_public": False}
    return values


def update_fields(course: Course, values: dict) -> None:
    """Write cleaned ``values`` (any of title, summary, instructor, category, catalogue_year,
    subject_type, sector_public; the last two checked together by ``check_subject``)."""
    check_editable(course)
    for name, value in values.items():
        setattr(course, name, value)


# ---- rules on plain objects -------------------------------------------------------------

def is_editable(course: Course) -> bool:
    return course.status in EDITABLE_STATUSES


def check_editable(course: Course) -> None:
    if course.status == "submitted":
        raise PublishingError(_("课程正在审核中，审核结束前不能修改。"), "under_review")
    if course.status == "published":
        raise PublishingError(_("已发布的课程不能直接修改，请先创建修订版本。"), "revision_required")


def recompute_credit(course: Course, minutes_per_hour: int) -> int:
    """Set and return the course's 学时 in tenths from its lessons (docs/rules.md rule 1)."""
    total = sum(lesson.video.duration_seconds for lesson in course.lessons)
    course.credit_tenths = credit_tenths(total, minutes_per_hour)
    return course.credit_tenths


def video_problem(video: Video) -> str | None:
    """Why ``video`` cannot be a lesson yet, or ``None`` when it is ready."""
    if video.status == "ready":
        return None
    if video.status == "failed":
        return _("视频处理失败，不能用作课程的一讲。")
    return _("视频尚未处理完成，请等处理完成后再添加。")


def submit_problem(course: Course) -> str | None:
    """Why ``course`` cannot be submitted (or approved) as it stands, or ``None``."""
    if not course.lessons:
        return _("课程至少要有一讲才能提交审核。")
    for lesson in course.lessons:
        if lesson.video.status != "ready":
            return _("“%(title)s”一讲的视频尚未就绪，不能提交审核。", title=lesson.title)
    return paper_problem(course)


def submit(course: Course, now: datetime) -> None:
    """draft, rejected or withdrawn → submitted, with at least one lesson, every video ready."""
    if course.status not in EDITABLE_STATUSES:
        raise PublishingError(_("只有草稿、被退回或已下架的课程可以提交审核。"))
    problem = submit_problem(course)
    if problem:
        raise PublishingError(problem, "not_ready")
    course.status, course.submitted_at = "submitted", now


def _check_decidable(course: Course) -> None:
    if course.status != "submitted":
        raise PublishingError(_("这门课程不在待审核状态。"), "not_submitted")


def reject(course: Course, reviewer: User, reason: str, now: datetime) -> None:
    """submitted → rejected; the reason (required) is what the producer reads."""
    _check_decidable(course)
    reason = (reason or "").strip()
    if not reason:
        raise PublishingError(_("退回课程时请填写退回理由。"), "reason_required")
    course.status, course.review_note = "rejected", reason[:2000]
    course.reviewer_id, course.reviewed_at = reviewer.id, now


def withdraw(course: Course, now: datetime) -> None:
    """published → withdrawn: hidden from the catalogue; nothing credited for it is touched."""
    if course.status != "published":
        raise PublishingError(_("只有已发布的课程可以下架。"), "not_published")
    course.status, course.withdrawn_at = "withdrawn", now


def start_revision(course: Course, now: datetime, open_revision: Course | None = None) -> Course:
    """A draft copy of published ``course`` (fields, lessons, question bank and exam
    settings), not yet in the session.

    ``open_revision`` is the course's existing revision, if any: there is one at a time.
    """
    if course.status != "published" or course.revision_of_id is not None:
        raise PublishingError(_("只有已发布的课程可以创建修订版本。"), "not_published")
    if open_revision is not None:
        raise PublishingError(_("这门课程已有一个未完成的修订版本。"), "revision_exists")
    revision = Course(
        **{name: getattr(course, name) for name in COURSE_FIELDS},
        producer_id=course.producer_id, organisation=course.organisation, status="draft",
        credit_tenths=course.credit_tenths, revision_of=course, created_at=now, updated_at=now,
    )
    revision.lessons = [Lesson(position=lesson.position, title=lesson.title, video_id=lesson.video_id,
                               video=lesson.video) for lesson in course.lessons]
    copy_bank(course, revision)
    return revision


# ---- transitions that touch the database (flush only) ------------------------------------

def approve(course: Course, reviewer: User, now: datetime) -> Course:
    """submitted → published in its catalogue year; returns the course now published.

    For a revision that is the original course, updated from the revision, which is
    deleted.
    """
    _check_decidable(course)
    problem = submit_problem(course)
    if problem:
        raise PublishingError(problem, "not_ready")
    if course.revision_of_id is not None:
        return apply_revision(course, reviewer, now)
    course.status, course.review_note = "published", ""
    course.reviewer_id, course.reviewed_at, course.published_at = reviewer.id, now, now
    return course


def apply_revision(revision: Course, reviewer: User, now: datetime) -> Course:
    """Copy ``revision``'s fields, lessons, question bank and exam settings onto its published
    course, then delete it. Until now trainees drew their papers from the published bank."""
    original = revision.revision_of
    if original is None or original.status != "published":
        raise PublishingError(_("原课程已不在发布状态，不能应用此修订。"), "not_published")
    for name in (*COURSE_FIELDS, "credit_tenths"):
        setattr(original, name, getattr(revision, name))
    kept = {lesson.video_id: lesson for lesson in original.lessons}
    ordered = []
    for lesson in revision.lessons:
        target = kept.pop(lesson.video_id, None) or Lesson(video_id=lesson.video_id, video=lesson.video)
        target.title = lesson.title
        ordered.append(target)
    for gone in kept.values():
        original.lessons.remove(gone)
    replace_bank(original, revision)
    db.session.delete(revision)
    db.session.flush()
    set_lesson_order(original, ordered)
    original.reviewer_id, original.reviewed_at, original.review_note = reviewer.id, now, ""
    return original


def delete_course(course: Course) -> None:
    """Delete a course that was never published (a draft, a rejected one, a revision)."""
    if course.status not in ("draft", "rejected") or course.published_at is not None:
        raise PublishingError(_("只有从未发布过的草稿或被退回的课程可以删除。"), "not_deletable")
    db.session.delete(course)
    db.session.flush()


def open_revision(course: Course) -> Course | None:
    """The pending revision of ``course``, if there is one."""
    return db.session.scalar(select(Course).where(Course.revision_of_id == course.id).limit(1))


def set_lesson_order(course: Course, ordered: list[Lesson]) -> None:
    """Make ``ordered`` the course's lessons, numbered 1…n (flushes).

    Positions are unique per course, so they first move out of the way (negative), then
    into place: swapping two lessons in one step would collide.
    """
    for index, lesson in enumerate(ordered, start=1):
        lesson.position = -index
    course.lessons = list(ordered)
    db.session.flush()
    for index, lesson in enumerate(ordered, start=1):
        lesson.position = index
    db.session.flush()


def add_lesson(course: Course, video: Video, title: str, minutes_per_hour: int) -> Lesson:
    """Append a lesson playing ready ``video`` (once per course) and recount 学时 (flushes)."""
    check_editable(course)
    problem = video_problem(video)
    if problem:
        raise PublishingError(problem, "video_not_ready")
    if any(lesson.video_id == video.id for lesson in course.lessons):
        raise PublishingError(_("这个视频已经是本课程的一讲。"), "duplicate_video")
    lesson = Lesson(title=title, video=video, position=len(course.lessons) + 1)
    set_lesson_order(course, [*course.lessons, lesson])
    recompute_credit(course, minutes_per_hour)
    return lesson


def remove_lesson(course: Course, lesson: Lesson, minutes_per_hour: int) -> None:
    """Remove ``lesson``, close the gap and recount 学时 (flushes)."""
    check_editable(course)
    course.lessons.remove(lesson)
    db.session.flush()
    set_lesson_order(course, list(course.lessons))
    recompute_credit(course, minutes_per_hour)


def reorder_lessons(course: Course, lesson_ids: list[int]) -> None:
    """Put the lessons in the order of ``lesson_ids``, which must name each exactly once."""
    check_editable(course)
    by_id = {lesson.id: lesson for lesson in course.lessons}
    if sorted(lesson_ids) != sorted(by_id):
        raise PublishingError(_("新的顺序必须恰好包含本课程的每一讲各一次。"), "invalid_order")
    set_lesson_order(course, [by_id[lesson_id] for lesson_id in lesson_ids])


def move_lesson(course: Course, lesson: Lesson, step: int) -> None:
    """Move ``lesson`` one place up (``step=-1``) or down (``step=1``); at an end, stay."""
    ids = [item.id for item in course.lessons]
    index = ids.index(lesson.id)
    other = index + step
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    reorder_lessons(course, ids)


# ---- the audited actions (pages and API alike) -------------------------------------------

def _target(course: Course) -> str:
    return f"course:{course.id}"


def submit_course(course: Course, now: datetime) -> None:
    submit(course, now)
    audit.record("course_submitted", target=_target(course), title=course.title,
                 revision_of=course.revision_of_id)


def decide(course: Course, reviewer: User, approve_it: bool, reason: str, now: datetime) -> Course:
    """Approve or reject ``course`` and audit it; returns the course the decision left standing."""
    revision_id = course.id if course.revision_of_id is not None else None
    if approve_it:
        result = approve(course, reviewer, now)
        search_tasks.index_after_commit(result.id)  # published, or a revision applied to it
        audit.record("course_approved", target=_target(result), title=result.title,
                     revision=revision_id, catalogue_year=result.catalogue_year)
        return result
    reject(course, reviewer, reason, now)
    audit.record("course_rejected", target=_target(course), title=course.title,
                 revision_of=course.revision_of_id, reason=course.review_note)
    return course


def withdraw_course(course: Course, now: datetime) -> None:
    withdraw(course, now)
    search_tasks.index_after_commit(course.id)
    audit.record("course_withdrawn", target=_target(course), title=course.title)


def revise_course(course: Course, now: datetime) -> Course:
    """Start (and audit) the revision of published ``course``; returns it, flushed."""
    revision = start_revision(course, now, open_revision(course))
    db.session.add(revision)
    db.session.flush()
    audit.record("course_revision_started", target=_target(course), revision=revision.id)
    return revision
