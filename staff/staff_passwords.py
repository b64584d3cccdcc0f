"""A unit administrator resets a confirmed staff member's password (e.g. a trainee without an
e-mail address who forgot theirs): GET asks to confirm, POST sets a one-time password, shows
it once (no-store) and makes the person choose their own at the next sign-in. Their sessions
end; the reset is audited (accounts.passwords). Anyone but the unit's confirmed staff is 404.
"""
from flask import Blueprint, abort, make_response, render_template, url_for
from flask_login import current_user

from accounts.access import role_required
from accounts.passwords import reset_to_one_time
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from staff import membership

bp = Blueprint("staff_passwords", __name__, url_prefix="/unit")


def _person(user_id: int):
    try:
        return membership.staff_member(current_user._get_current_object(), user_id)
    except Refused:
        abort(404)


def _page(person, password: str | None = None):
    response = make_response(render_template(
        "staff_passwords/reset.html", person=person, password=password, back=url_for("staff_views.index"),
        action=url_for("staff_passwords.reset", user_id=person.id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff/<int:user_id>/password")
@role_required("unit_admin")
def confirm(user_id: int):
    return _page(_person(user_id))


@bp.post("/staff/<int:user_id>/password")
@role_required("unit_admin")
def reset(user_id: int):
    admin = current_user._get_current_object()
    person = _person(user_id)
    password = reset_to_one_time(person, admin, utcnow(), by="unit", unit=admin.unit_id)
    db.session.commit()
    return _page(person, password)
