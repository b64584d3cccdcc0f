"""The pages of the units (工作单位): a list with search, the form that creates one and the form
that edits one. Bureau officers see and change the units of their region, admins all;
each change is audited by units.service."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from accounts.regions import region_name
from core.extensions import db
from units import service
from units.forms import UnitForm
from units.models import Unit
from units.service import EDITORS, Refused

bp = Blueprint("units_admin", __name__, url_prefix="/units")


@bp.context_processor
def _helpers():
    return {"region_name": region_name}


@bp.get("/")
@role_required(*EDITORS)
def index():
    text = request.args.get("q", "")[:128]
    region = current_user.region_code if current_user.role == "bureau" else ""
    try:
        found = [unit for unit in service.search(current_user, text, region, limit=200)
                 if service.may_edit(current_user, unit.region_code)]
    except Refused as e:
        found, problem = [], e.message
    else:
        problem = None
    return render_template("units_admin/index.html", units=found, q=text, problem=problem)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    form = UnitForm()
    if request.method == "GET" and current_user.role == "bureau":
        form.region_code.data = current_user.region_code
    if form.validate_on_submit() and _saved(form, None):
        return redirect(url_for("units_admin.index"))
    return render_template("units_admin/edit.html", form=form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(unit_id: int):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not service.may_edit(current_user, unit.region_code):
        abort(403)
    form = UnitForm()
    if request.method == "GET":
        form.fill(unit)
    if form.validate_on_submit() and _saved(form, unit):
        return redirect(url_for("units_admin.index"))
    return render_template("units_admin/edit.html", form=form, unit=unit)


def _saved(form: UnitForm, unit: Unit | None) -> bool:
    """Create or change the unit; False (the reasons on the form) when it cannot be saved."""
    user = current_user._get_current_object()
    try:
        if unit is None:
            unit = service.create(user, form.as_input(creating=True))
            message = _("已新建工作单位“%(name)s”。", name=unit.name)
        else:
            changed = service.edit(user, unit, form.as_input(creating=False))
            message = _("已保存工作单位“%(name)s”。", name=unit.name) if changed else _("没有需要保存的修改。")
    except Refused as e:
        db.session.rollback()
        form.show(e)
        return False
    db.session.commit()
    flash(message, "success")
    return True
