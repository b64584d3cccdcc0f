"""v1 calls of a course's test in the studio: its settings and its question bank, with the
XLSX template, import (a dry run first) and export.

The studio's access rules: producers of the course's organisation (another organisation's
course is a 404); changes only while the course may be edited (a draft, a rejected or
withdrawn course, a revision draft), else ``authoring.refused`` answers 409. What was sent
that cannot be saved is 422: ``invalid_question``, ``duplicate_question``, ``invalid_exam``.
"""
from flask import Blueprint, Response, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.extensions import db
from core.http import ApiError, error_response
from core.xlsx import XLSX_TYPE, XlsxError
from courses.models import Course, Question
from courses.studio import bank, bank_xlsx
from courses.studio.authoring import producer_course, refused
from courses.studio.bank_rules import BankError
from courses.studio.publishing import PublishingError

bp = Blueprint("exam_api", __name__, url_prefix="/api/v1/studio")
bp.register_error_handler(PublishingError, refused)


@bp.errorhandler(BankError)
def _unsaved(e: BankError):
    """What was sent cannot be saved: 422, and nothing of the request is kept."""
    db.session.rollback()
    return error_response(422, e.code, str(e))


def _course(course_id: int, lock: bool = False) -> Course:
    found = producer_course(course_id, current_user, lock)
    if found is None:
        raise ApiError(404, "not_found", _("课程不存在。"))
    return found


def _question(course: Course, question_id: int) -> Question:
    found = next((question for question in course.questions if question.id == question_id), None)
    if found is None:
        raise ApiError(404, "not_found", _("题目不存在。"))
    return found


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", _("请求体应为 JSON 对象。"))
    return body


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX_TYPE, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{filename}", "Cache-Control": "no-store"})


# ---- settings ------------------------------------------------------------------------------

@bp.get("/courses/<int:course_id>/exam")
@role_required("producer")
def get_exam(course_id: int):
    return bank.exam_json(_course(course_id))


@bp.put("/courses/<int:course_id>/exam")
@role_required("producer")
def put_exam(course_id: int):
    """The settings: the fields sent replace those stored (the rest stay as they were)."""
    course = _course(course_id, lock=True)
    bank.save_settings(course, _json_body())
    db.session.commit()
    return bank.exam_json(course)


# ---- questions -----------------------------------------------------------------------------

@bp.get("/courses/<int:course_id>/questions")
@role_required("producer")
def list_questions(course_id: int):
    course = _course(course_id)
    return {"items": [bank.question_json(question) for question in course.questions], "exam": bank.exam_json(course)}


@bp.post("/courses/<int:course_id>/questions")
@role_required("producer")
def add_question(course_id: int):
    course = _course(course_id, lock=True)
    question = bank.add_question(course, _json_body())
    db.session.commit()
    return bank.question_json(question), 201


@bp.patch("/courses/<int:course_id>/questions/<int:question_id>")
@role_required("producer")
def edit_question(course_id: int, question_id: int):
    course = _course(course_id, lock=True)
    question = _question(course, question_id)
    bank.edit_question(course, question, _json_body())
    db.session.commit()
    return bank.question_json(question)


@bp.delete("/courses/<int:course_id>/questions/<int:question_id>")
@role_required("producer")
def delete_question(course_id: int, question_id: int):
    course = _course(course_id, lock=True)
    bank.delete_question(course, _question(course, question_id))
    db.session.commit()
    return "", 204


@bp.put("/courses/<int:course_id>/questions/order")
@role_required("producer")
def reorder_questions(course_id: int):
    course = _course(course_id, lock=True)
    ids = _json_body().get("question_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ApiError(422, "invalid_order", _("question_ids 应为题目编号的列表。"))
    bank.reorder_questions(course, ids)
    db.session.commit()
    return {"items": [bank.question_json(question) for question in course.questions]}


# ---- XLSX ----------------------------------------------------------------------------------

@bp.get("/questions/template.xlsx")
@role_required("producer")
def template():
    return _xlsx(bank_xlsx.template(), "question-bank-template.xlsx")


@bp.get("/courses/<int:course_id>/questions/export.xlsx")
@role_required("producer")
def export(course_id: int):
    course = _course(course_id)
    return _xlsx(bank_xlsx.export(course.questions), f"course-{course.id}-questions.xlsx")


def _upload() -> bytes:
    """The XLSX sent: the body itself, or a multipart form's ``file``; a byte past the limit
    is read so that a file too big is known without reading it all."""
    upload = request.files.get("file")
    stream = upload.stream if upload else request.stream
    return stream.read(bank_xlsx.MAX_BYTES + 1)


@bp.post("/courses/<int:course_id>/questions/import")
@role_required("producer")
def import_questions(course_id: int):
    """Check an XLSX bank against the course's; ``?dry_run=1`` only reports. Without it a
    clean file is appended (201) and a file with any error imports nothing (422)."""
    dry_run = request.args.get("dry_run", "") not in ("", "0", "false")
    course = _course(course_id, lock=not dry_run)
    try:
        parsed = bank_xlsx.parse(_upload(), [question.stem for question in course.questions])
    except XlsxError as e:
        raise ApiError(422, "invalid_xlsx", str(e)) from None
    if dry_run:
        return {**parsed.report(), "imported": 0}
    if parsed.errors:
        return {"error": {"code": "invalid_bank", "message": _("文件中有 %(n)s 处错误，未导入任何题目。",
                                                               n=len(parsed.errors))}, **parsed.report()}, 422
    added = bank.import_questions(course, parsed.questions)
    db.session.commit()
    return {**parsed.report(), "imported": len(added)}, 201
