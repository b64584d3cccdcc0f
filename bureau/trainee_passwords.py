"""A bureau officer resets the password of a trainee registered in their region, as a unit
administrator does for their staff (staff.staff_passwords): confirm, then a one-time password
shown once (no-store), must-change at the next sign-in, sessions ended, audited. Trainees
outside the officer's scope (narrowed by ``?region=``) are 404, as on the trainee page.
"""
from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_login import current_user

from accounts.access import role_required
from accounts.passwords import reset_to_one_time
from bureau import signals
from bureau.officer import asked_scope
from core.db import utcnow
from core.extensions import db

bp = Blueprint("trainee_passwords", __name__, url_prefix="/bureau")


def _person(user_id: int):
    person = signals.trainee(asked_scope(), user_id)
    if person is None:
        abort(404)
    return person


def _page(person, password: str | None = None):
    region = request.args.get("region", "").strip() or None
    response = make_response(render_template(
        "trainee_passwords/reset.html", person=person, password=password,
        back=url_for("integrity.trainee", user_id=person.id, region=region),
        action=url_for("trainee_passwords.reset", user_id=person.id, region=region)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/trainees/<int:user_id>/password")
@role_required("bureau")
def confirm(user_id: int):
    return _page(_person(user_id))


@bp.post("/trainees/<int:user_id>/password")
@role_required("bureau")
def reset(user_id: int):
    person = _person(user_id)
    password = reset_to_one_time(person, current_user._get_current_object(), utcnow(), by="bureau",
                                 region=person.region_code)
    db.session.commit()
    return _page(person, password)
