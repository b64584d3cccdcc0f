"""bp "unit_faces": the unit administrator's side of face checks at /unit/faces — the unit's
confirmed trainees with their face-check status, and for one trainee: record an in-person check
(the human route, for those who declined or withdrew) or upload their real-name photo as the
reference (only with the trainee's consent). Another unit's trainee is not found (404)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.access import role_required
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import profiles
from faces.forms import InPersonForm, PhotoForm, photo_bytes
from units.models import Unit, UnitLink

bp = Blueprint("unit_faces", __name__, url_prefix="/unit/faces")


def _trainees(unit_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(UnitLink, UnitLink.user_id == User.id).where(
        UnitLink.unit_id == unit_id, UnitLink.status == "confirmed").order_by(User.real_name, User.id)))


def _trainee(user_id: int) -> User:
    admin = current_user._get_current_object()
    found = db.session.scalar(select(User).join(UnitLink, UnitLink.user_id == User.id).where(
        User.id == user_id, UnitLink.unit_id == admin.unit_id, UnitLink.status == "confirmed"))
    if found is None:
        abort(404)
    return found


@bp.get("/")
@role_required("unit_admin")
def index():
    admin = current_user._get_current_object()
    people = [(person, profiles.status(person.id)) for person in _trainees(admin.unit_id)]
    return render_template("unit_faces/index.html", people=people, unit=db.session.get(Unit, admin.unit_id))


@bp.route("/trainees/<int:user_id>", methods=["GET", "POST"])
@role_required("unit_admin")
def trainee(user_id: int):
    person = _trainee(user_id)
    in_person, photo = InPersonForm(prefix="seen"), PhotoForm(prefix="photo")
    admin = current_user._get_current_object()
    if in_person.confirm.data and in_person.validate_on_submit():
        profiles.confirm_in_person(admin, person, in_person.note.data or "", utcnow())
        db.session.commit()
        flash(_("已记录当面核实。"), "success")
        return redirect(url_for("unit_faces.trainee", user_id=person.id))
    if photo.submit.data and photo.validate_on_submit():
        limit = int(current_app.config["FACE_MAX_IMAGE_BYTES"])
        try:
            data = photo_bytes(photo, limit)
            if len(data) > limit:
                raise Refused(413, "image_too_large", _("照片太大。"), "photo")
            profiles.enrol(person, data, utcnow(), by=admin, source="unit")
        except Refused as e:
            db.session.rollback()
            photo.photo.errors = [*photo.photo.errors, e.message]
        else:
            db.session.commit()
            flash(_("已上传该学员的实名照片。"), "success")
            return redirect(url_for("unit_faces.trainee", user_id=person.id))
    return render_template("unit_faces/trainee.html", person=person, status=profiles.status(person.id),
                           checks=profiles.in_person_checks(person.id), in_person=in_person, photo=photo)
