"""The course studio: a producer's pages for building, previewing and submitting courses.

Every view is for producers, on their organisation's courses only (another organisation's
course is a 404). The rules live in ``courses.studio.publishing``; the queries and JSON shapes
are shared with the v1 calls in ``courses.studio.studio_api`` through ``courses.studio.authoring``; a
refused transition is answered by ``authoring.refused`` (the message, back to the editor).
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import StopValidation

from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from core.language import localized
from courses.categories import CATEGORIES
from courses.media import captions
from courses.models import Course, Lesson
from courses.studio import publishing
from courses.studio.authoring import (
    STATUS_ORDER,
    captions_problem,
    default_lesson_title,
    organisation_video,
    organisation_videos,
    page_helpers,
    producer_course,
    refused,
)
from courses.studio.publishing import FieldError, PublishingError

bp = Blueprint("studio", __name__, url_prefix="/studio")
bp.context_processor(page_helpers)
bp.register_error_handler(PublishingError, refused)


def checked(clean):
    """A WTForms validator from a ``publishing.clean_*`` function; it keeps the clean value."""

    def check(form, field):
        try:
            field.data = clean(field.data)
        except FieldError as e:
            raise StopValidation(str(e)) from None

    return check


class CourseForm(FlaskForm):
    title = StringField(_l("课程名称"), validators=[checked(publishing.clean_title)])
    summary = TextAreaField(_l("课程简介"), validators=[checked(publishing.clean_summary)])
    instructor = StringField(_l("主讲人"), validators=[checked(publishing.clean_instructor)])
    category = SelectField(_l("课程类别"), validate_choice=False,
                           validators=[checked(lambda code: publishing.clean_category(code).code)])
    catalogue_year = StringField(_l("目录年度"), validators=[checked(publishing.clean_year)])
    subject_type = SelectField(_l("科目类型"), default="gongxu", validate_choice=False,
                               validators=[checked(publishing.clean_subject_type)])
    sector_public = BooleanField(_l("行业公需（本行业的公需科目）"))
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(code, localized(name, name_en)) for code, name, name_en, *_rest in CATEGORIES]
        self.subject_type.choices = [(code, policy.subject_name(code)) for code in policy.SUBJECT_TYPES]

    def validate_sector_public(self, field):
        try:
            publishing.check_subject({"subject_type": self.subject_type.data, "sector_public": field.data})
        except FieldError as e:
            raise StopValidation(str(e)) from None

    def values(self) -> dict:
        return {"title": self.title.data, "summary": self.summary.data, "instructor": self.instructor.data,
                "category": publishing.clean_category(self.category.data),
                "catalogue_year": self.catalogue_year.data, "subject_type": self.subject_type.data,
                "sector_public": self.sector_public.data}


def _own_course(course_id: int, lock: bool = False) -> Course:
    course = producer_course(course_id, current_user, lock)
    if course is None:
        abort(404)
    return course


def _own_lesson(course: Course, lesson_id: int) -> Lesson:
    found = next((lesson for lesson in course.lessons if lesson.id == lesson_id), None)
    if found is None:
        abort(404)
    return found


def _to_editor(course_id: int):
    return redirect(url_for("studio.course", course_id=course_id))


@bp.get("/")
@role_required("producer")
def index():
    courses = []
    if current_user.organisation:
        courses = db.session.scalars(select(Course).where(Course.organisation == current_user.organisation)
                                     .order_by(Course.updated_at.desc(), Course.id.desc())).all()
    groups = [(status, [c for c in courses if c.status == status]) for status in STATUS_ORDER]
    return render_template("studio/index.html", groups=[g for g in groups if g[1]], total=len(courses))


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required("producer")
def new_course():
    if not current_user.organisation:
        flash(_("您的账号没有所属机构，请联系管理员设置后再创建课程。"), "error")
        return redirect(url_for("studio.index"))
    form = CourseForm(catalogue_year=str(utcnow().year))
    if form.validate_on_submit():
        course = Course(**form.values(), producer=current_user._get_current_object(),
                        organisation=current_user.organisation, status="draft")
        db.session.add(course)
        db.session.commit()
        flash(_("课程已创建，现在可以逐讲添加视频。"), "success")
        return _to_editor(course.id)
    return render_template("studio/course_form.html", form=form, course=None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required("producer")
def edit_course(course_id: int):
    course = _own_course(course_id, lock=request.method == "POST")
    if not publishing.is_editable(course):
        flash(_("已发布的课程请先创建修订版本再修改。") if course.status == "published"
              else _("课程正在审核中，审核结束前不能修改。"), "error")
        return _to_editor(course.id)
    form = CourseForm(obj=course, category=course.category.code)
    if form.validate_on_submit():
        publishing.update_fields(course, form.values())
        db.session.commit()
        flash(_("已保存。"), "success")
        return _to_editor(course.id)
    return render_template("studio/course_form.html", form=form, course=course)


@bp.get("/courses/<int:course_id>")
@role_required("producer")
def course(course_id: int):
    found = _own_course(course_id)
    videos = db.session.scalars(organisation_videos(current_user)).all()
    used = {lesson.video_id for lesson in found.lessons}
    return render_template(
        "studio/course.html", course=found, submit_problem=publishing.submit_problem(found),
        revision=publishing.open_revision(found) if found.status == "published" else None,
        ready_videos=[v for v in videos if v.status == "ready" and v.id not in used],
        pending_videos=[v for v in videos if v.status != "ready"],
        locked_captions={lesson.id: captions_problem(lesson.video) for lesson in found.lessons},
    )


@bp.get("/courses/<int:course_id>/preview")
@role_required("producer")
def preview(course_id: int):
    return render_template("studio/preview.html", course=_own_course(course_id))


def _act(course_id: int, action, success: str):
    """Run ``action(course)`` on a locked course, commit, and go back to its editor."""
    result = action(_own_course(course_id, lock=True))
    db.session.commit()
    flash(success, "success")
    return _to_editor(result.id if isinstance(result, Course) else course_id)


@bp.post("/courses/<int:course_id>/lessons")
@role_required("producer")
def add_lesson(course_id: int):
    _own_course(course_id)
    video = organisation_video(request.form.get("video_id", type=int), current_user)
    if video is None:
        flash(_("请选择一个本机构已处理完成的视频。"), "error")
        return _to_editor(course_id)
    try:
        title = publishing.clean_lesson_title(request.form.get("title"))
    except FieldError as e:
        flash(str(e), "error")
        return _to_editor(course_id)

    def add(course):
        publishing.add_lesson(course, video, title or default_lesson_title(course, video), policy.minutes_per_hour())

    return _act(course_id, add, _("已添加一讲，学时已重新计算。"))


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/move")
@role_required("producer")
def move_lesson(course_id: int, lesson_id: int):
    step = -1 if request.form.get("direction") == "up" else 1

    def move(course):
        publishing.move_lesson(course, _own_lesson(course, lesson_id), step)

    return _act(course_id, move, _("各讲顺序已调整。"))


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/remove")
@role_required("producer")
def remove_lesson(course_id: int, lesson_id: int):
    def remove(course):
        publishing.remove_lesson(course, _own_lesson(course, lesson_id), policy.minutes_per_hour())

    return _act(course_id, remove, _("已移除这一讲，学时已重新计算。"))


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/title")
@role_required("producer")
def rename_lesson(course_id: int, lesson_id: int):
    _own_lesson(_own_course(course_id), lesson_id)
    try:
        title = publishing.clean_lesson_title(request.form.get("title"), required=True)
    except FieldError as e:
        flash(str(e), "error")
        return _to_editor(course_id)

    def rename(course):
        publishing.check_editable(course)
        _own_lesson(course, lesson_id).title = title

    return _act(course_id, rename, _("本讲名称已保存。"))


def _captions_action(course_id: int, lesson_id: int, change, success: str):
    def act(course):
        publishing.check_editable(course)
        lesson = _own_lesson(course, lesson_id)
        if problem := captions_problem(lesson.video):
            raise PublishingError(problem, "captions_locked")
        change(lesson.video)

    return _act(course_id, act, success)


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/captions")
@role_required("producer")
def upload_captions(course_id: int, lesson_id: int):
    _own_lesson(_own_course(course_id), lesson_id)
    upload = request.files.get("captions")
    if upload is None or not upload.filename:
        flash(_("请选择要上传的 WebVTT 字幕文件（.vtt）。"), "error")
        return _to_editor(course_id)
    try:
        text = captions.validate(upload.stream.read(captions.MAX_BYTES + 1))
    except captions.CaptionsError as e:
        flash(_("字幕未保存：%(reason)s", reason=str(e)), "error")
        return _to_editor(course_id)
    return _captions_action(course_id, lesson_id, lambda video: captions.store(video, text), _("字幕已保存。"))


@bp.post("/courses/<int:course_id>/lessons/<int:lesson_id>/captions/remove")
@role_required("producer")
def remove_captions(course_id: int, lesson_id: int):
    return _captions_action(course_id, lesson_id, captions.remove, _("字幕已删除。"))


@bp.post("/courses/<int:course_id>/submit")
@role_required("producer")
def submit(course_id: int):
    return _act(course_id, lambda course: publishing.submit_course(course, utcnow()),
                _("已提交审核，审核结果会显示在这里。"))


@bp.post("/courses/<int:course_id>/withdraw")
@role_required("producer")
def withdraw(course_id: int):
    return _act(course_id, lambda course: publishing.withdraw_course(course, utcnow()),
                _("课程已下架，学员已获得的学时不受影响。"))


@bp.post("/courses/<int:course_id>/revision")
@role_required("producer")
def start_revision(course_id: int):
    return _act(course_id, lambda course: publishing.revise_course(course, utcnow()),
                _("已创建修订版本。审核通过前，学员仍看到已发布的版本。"))


@bp.post("/courses/<int:course_id>/delete")
@role_required("producer")
def delete_course(course_id: int):
    publishing.delete_course(_own_course(course_id, lock=True))
    db.session.commit()
    flash(_("已删除。"), "success")
    return redirect(url_for("studio.index"))
