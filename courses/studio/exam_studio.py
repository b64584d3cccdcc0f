"""The studio's forms for a course's test: questions added, edited, moved and deleted, the
settings saved, and an XLSX bank checked (a dry run) or imported.

The 测验 section itself is part of the studio's course page (``templates/studio/course.html``
includes ``exam_studio/_section.html``); every form here posts (with its CSRF token) and
goes back to that section, except the import, whose report is a page of its own. Producers
of the course's organisation only; changes only while the course may be edited.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.extensions import db
from core.xlsx import XlsxError
from courses.models import Course, Question
from courses.studio import bank, bank_xlsx
from courses.studio.authoring import page_helpers, producer_course
from courses.studio.bank_rules import BankError
from courses.studio.publishing import PublishingError

bp = Blueprint("exam_studio", __name__, url_prefix="/studio/courses/<int:course_id>/exam")
bp.context_processor(page_helpers)


def _to_section(course_id: int):
    return redirect(url_for("studio.course", course_id=course_id, _anchor="exam"))


@bp.errorhandler(PublishingError)
def _refused(e: PublishingError):
    """The course may not change now (or the order was wrong): nothing is kept."""
    db.session.rollback()
    flash(e.message, "error")
    return _to_section(request.view_args["course_id"])


@bp.errorhandler(BankError)
def _unsaved(e: BankError):
    db.session.rollback()
    flash(_("未保存：%(reason)s", reason=str(e)), "error")
    return _to_section(request.view_args["course_id"])


def _course(course_id: int) -> Course:
    course = producer_course(course_id, current_user, lock=True)
    if course is None:
        abort(404)
    return course


def _question(course: Course, question_id: int) -> Question:
    found = next((question for question in course.questions if question.id == question_id), None)
    if found is None:
        abort(404)
    return found


def _question_values() -> dict:
    """The question form: option fields A…H (trailing blanks dropped, a gap refused by the
    rules) and the ticked option numbers as the answer."""
    options = [text.strip() for text in request.form.getlist("option")][:len(bank_xlsx.LETTERS)]
    while options and not options[-1]:
        options.pop()
    answer = [int(value) for value in request.form.getlist("answer") if value.isdigit()]
    return {"kind": request.form.get("kind"), "stem": request.form.get("stem"), "options": options,
            "answer": answer, "explanation": request.form.get("explanation", "")}


def _done(course_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return _to_section(course_id)


@bp.post("/questions")
@role_required("producer")
def add_question(course_id: int):
    bank.add_question(_course(course_id), _question_values())
    return _done(course_id, _("题目已添加。"))


@bp.post("/questions/<int:question_id>")
@role_required("producer")
def edit_question(course_id: int, question_id: int):
    course = _course(course_id)
    bank.edit_question(course, _question(course, question_id), _question_values())
    return _done(course_id, _("题目已保存。"))


@bp.post("/questions/<int:question_id>/delete")
@role_required("producer")
def delete_question(course_id: int, question_id: int):
    course = _course(course_id)
    bank.delete_question(course, _question(course, question_id))
    return _done(course_id, _("题目已删除。"))


@bp.post("/questions/<int:question_id>/move")
@role_required("producer")
def move_question(course_id: int, question_id: int):
    course = _course(course_id)
    bank.move_question(course, _question(course, question_id), -1 if request.form.get("direction") == "up" else 1)
    return _done(course_id, _("题目顺序已调整。"))


@bp.post("/settings")
@role_required("producer")
def save_settings(course_id: int):
    form = request.form
    values = {name: form.get(name, "") for name in ("pass_score", "time_limit_minutes", "max_attempts")}
    values["required"] = form.get("required") == "1"
    for name in ("draw", "points"):
        values[name] = {kind: form.get(f"{name}_{kind}", "") for kind in ("single", "multiple", "judge")}
    bank.save_settings(_course(course_id), values)
    return _done(course_id, _("测验设置已保存。"))


@bp.post("/import")
@role_required("producer")
def import_questions(course_id: int):
    """Check an XLSX bank (``action=check``) or import it when the whole file is clean."""
    course = _course(course_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("请选择要导入的 XLSX 文件。"), "error")
        return _to_section(course_id)
    importing = request.form.get("action") == "import"
    try:
        parsed = bank_xlsx.parse(upload.stream.read(bank_xlsx.MAX_BYTES + 1),
                                 [question.stem for question in course.questions])
    except XlsxError as e:
        parsed, problem = None, str(e)
    else:
        problem = None
        if importing and not parsed.errors and parsed.questions:
            bank.import_questions(course, parsed.questions)
            return _done(course_id, _("已导入 %(n)s 道题。", n=len(parsed.questions)))
    db.session.rollback()
    return render_template("exam_studio/import.html", course=course, parsed=parsed, problem=problem,
                           filename=upload.filename, importing=importing)
