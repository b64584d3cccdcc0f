"""bp "my_face": the trainee's side of face checks at /me/face — the separate consent screen
(个人信息保护法 §28–29: what is captured, why, who sees it, for how long), enrolment with the
browser camera or a photo file, seeing and withdrawing consent. Trainees only."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces import enrol_limit, profiles
from faces.forms import ConsentForm, PhotoForm, WithdrawForm, photo_bytes

bp = Blueprint("my_face", __name__, url_prefix="/me/face")
CAMERA_ALLOWED = "camera=(self), microphone=(), geolocation=()"


@bp.get("/")
@role_required("trainee")
def index():
    user = current_user._get_current_object()
    return render_template("my_face/index.html", profile=profiles.profile(user.id), status=profiles.status(user.id),
                           checks=profiles.in_person_checks(user.id), withdraw_form=WithdrawForm(),
                           retention_days=current_app.config["FACE_CAPTURE_RETENTION_DAYS"])


@bp.route("/consent", methods=["GET", "POST"])
@role_required("trainee")
def consent():
    form = ConsentForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if form.agree.data:
            profiles.give_consent(user, utcnow())
            db.session.commit()
            return redirect(url_for("my_face.enrol"))
        profiles.decline(user, utcnow())
        db.session.commit()
        flash(_("您选择了人工核验：请联系您的单位管理员当面核实身份。"), "success")
        return redirect(url_for("my_face.index"))
    return render_template("my_face/consent.html", form=form,
                           retention_days=current_app.config["FACE_CAPTURE_RETENTION_DAYS"])


@bp.route("/enrol", methods=["GET", "POST"])
@role_required("trainee")
def enrol():
    user = current_user._get_current_object()
    if profiles.status(user.id) not in ("consented", "enrolled"):
        return redirect(url_for("my_face.consent"))
    form = PhotoForm()
    if form.validate_on_submit():
        data = photo_bytes(form, int(current_app.config["FACE_MAX_IMAGE_BYTES"]))
        try:
            enrol_limit.take_try(user.id)
            if len(data) > int(current_app.config["FACE_MAX_IMAGE_BYTES"]):
                raise Refused(413, "image_too_large", _("照片太大。"), "photo")
            source = "camera" if getattr(form.photo.data, "filename", "") == "camera.jpg" else "upload"
            profiles.enrol(user, data, utcnow(), by=user, source=source)
        except Refused as e:
            db.session.rollback()
            form.photo.errors = [*form.photo.errors, e.message]
        else:
            db.session.commit()
            flash(_("人脸照片已采集。"), "success")
            return redirect(url_for("my_face.index"))
    response = current_app.make_response(render_template("my_face/enrol.html", form=form))
    response.headers["Permissions-Policy"] = CAMERA_ALLOWED
    return response


@bp.post("/withdraw")
@role_required("trainee")
def withdraw():
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            profiles.withdraw(current_user._get_current_object(), utcnow())
        except Refused as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            db.session.commit()
            flash(_("已撤回同意，您的人脸照片和特征数据已删除。"), "success")
    return redirect(url_for("my_face.index"))
