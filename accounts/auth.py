from flask import Blueprint
bp = Blueprint("auth", __name__)
@bp.route("/login", methods=["GET", "POST"])
def login(): return "TODO"
@bp.route("/register", methods=["GET", "POST"])
def register(): return "TODO"
@bp.post("/logout")
def logout(): return "TODO"
@bp.get("/me")
def profile(): return "TODO"
