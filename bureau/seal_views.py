"""证书印章: the seal a province's bureau draws on the certificates it issues (learning/seals.py).

``/bureau/seal`` shows the seal of the signed-in officer's province (an admin picks the province
with ``?region=440000``); its officers (region code the province's own) and admins upload a
PNG with transparency or a JPEG, replace or remove it (CSRF checked, audited). The province's
city and county officers see it; anyone else gets 403. The image is served only to them.
"""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

from accounts.access import role_required
from accounts.regions import PROVINCES, is_region_code, region_name
from core.db import utcnow
from core.extensions import db
from learning import seals
from learning.models import BureauSeal

bp = Blueprint("seal_views", __name__, url_prefix="/bureau/seal")

PROVINCE_CODE = r"^\d{2}0000$"


@bp.context_processor
def _names() -> dict:
    return {"region_name": region_name}


class SealForm(FlaskForm):
    region = HiddenField(validators=[DataRequired(), Regexp(PROVINCE_CODE)])
    seal = FileField(render_kw={"accept": "image/png,image/jpeg"})


class RemoveForm(FlaskForm):
    region = HiddenField(validators=[DataRequired(), Regexp(PROVINCE_CODE)])


def _province(code: str | None) -> str:
    """``code`` as a province the signed-in user may see; 404 when it is none, 403 outside."""
    if not code or not is_region_code(code) or code[2:] != "0000":
        abort(404)
    if not seals.may_see(current_user, code):
        abort(403)
    return code


@bp.get("/")
@role_required("bureau", "admin")
def index():
    code = request.args.get("region", "").strip() or None
    if code is None and current_user.role == "bureau":
        code = seals.province_of(current_user.region_code) or abort(403)  # an officer without a region
    if code is None:  # an admin who has not picked a province yet
        held = set(db.session.scalars(select(BureauSeal.region_code)))
        provinces = [(f"{prefix}0000", name, f"{prefix}0000" in held) for prefix, name in PROVINCES.items()]
        return render_template("seal_views/index.html", province=None, provinces=provinces)
    code = _province(code)
    return render_template("seal_views/index.html", province=code, body=seals.body_name(code),
                           seal=seals.seal_of(code), manage=seals.may_manage(current_user, code),
                           form=SealForm(region=code), remove_form=RemoveForm(region=code),
                           max_kb=seals.max_bytes() // 1024, min_side=seals.MIN_SIDE, max_side=seals.MAX_SIDE)


def _managed(form: FlaskForm) -> str:
    """The province a posted form names, once the form (CSRF) and the user's right are checked."""
    if not form.validate_on_submit():
        abort(400)
    code = _province(form.region.data)
    if not seals.may_manage(current_user, code):
        abort(403)
    return code


@bp.post("/")
@role_required("bureau", "admin")
def upload():
    form = SealForm()
    code = _managed(form)
    back = redirect(url_for(".index", region=code))
    storage = request.files.get(form.seal.name)
    data = storage.stream.read(seals.max_bytes() + 1) if storage else b""
    try:
        _seal, old = seals.store(code, seals.check(data, seals.max_bytes()), current_user._get_current_object(),
                                 utcnow())
        db.session.commit()
    except seals.SealError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    except IntegrityError:  # another upload for the province at the same moment
        db.session.rollback()
        flash(_("印章刚被他人更新，请刷新后重试。"), "error")
        return back
    seals.discard(old)
    flash(_("已上传印章，此后下载的学时证明将加盖此印章。"), "success")
    return back


@bp.post("/remove")
@role_required("bureau", "admin")
def remove():
    code = _managed(RemoveForm())
    old = seals.remove(code)
    db.session.commit()
    seals.discard(old)
    flash(_("已删除印章，此后下载的学时证明不再加盖印章。") if old else _("没有可删除的印章。"), "success")
    return redirect(url_for(".index", region=code))


@bp.get("/<code>/image")
@role_required("bureau", "admin")
def image(code: str):
    seal = seals.seal_of(_province(code))
    path = seals.file_of(seal) if seal is not None else None
    if path is None or not path.is_file():
        abort(404)
    response = make_response(path.read_bytes())  # at most SEAL_MAX_BYTES
    response.headers["Content-Type"] = seal.content_type
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
