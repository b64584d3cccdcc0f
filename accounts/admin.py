from flask import Blueprint
bp = Blueprint("admin", __name__, url_prefix="/admin")
@bp.get("/users")
def users(): return "TODO"
