from flask import Blueprint
bp = Blueprint("catalogue", __name__)
@bp.get("/")
def home(): return "TODO"
@bp.get("/courses/<int:course_id>")
def course(course_id): return "TODO"
