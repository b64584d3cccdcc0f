"""The trainee's test page (/courses/<id>/exam): why it is not open yet and how much is left,
or the attempt itself, which static/js/exam.js runs through the v1 calls (learning/attempt_api.py)."""
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from courses.models import Course
from learning import exams, ledger, progress
from learning.exam_state import rules_for

bp = Blueprint("exam", __name__)


@bp.get("/courses/<int:course_id>/exam")
@role_required("trainee")
def page(course_id: int):
    course = db.session.scalar(select(Course).where(Course.id == course_id, Course.status == "published"))
    if course is None:
        abort(404)
    user_id = current_user.id
    return render_template(
        "exam/page.html", course=course, test=rules_for(course.id),
        state=exams.exam_state(user_id, course.id, utcnow()),
        watched=progress.course_progress(user_id, course),
        lessons_complete=ledger.course_completed(user_id, course.id),
        open_attempt=exams.open_attempt_id(user_id, course.id),
    )
