"""The pages of the units (工作单位): a list with search, the form that creates one and the form
that edits one, and a unit's page with its administrators (created there with a one-time
password shown once, deactivated there). Bureau officers see and change the units of their
region, admins all; each change is audited by units.service and units.admins."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import role_required
from accounts.region_field import stepping
from accounts.regions import region_name
from core.db import utcnow
from core.extensions import db
from units import admins, service
from units.forms import UnitAdminForm, UnitForm
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
    form = _form()
    if request.method == "GET" and current_user.role == "bureau":
        form.region_code.data = current_user.region_code
    if not stepping() and form.validate_on_submit() and _saved(form, None):
        return redirect(url_for("units_admin.index"))
    return render_template("units_admin/edit.html", form=form, unit=None)


def _form(unit: Unit | None = None) -> UnitForm:
    """The unit form, its region picker starting at an officer's own area (units.service checks it too)."""
    form = UnitForm()
    form.region_code.scope = current_user.region_code if current_user.role == "bureau" else ""
    form.region_code.keep = unit.region_code if unit is not None else ""
    return form


def _unit_in_scope(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    if not service.may_edit(current_user, unit.region_code):
        abort(403)
    return unit


@bp.get("/<int:unit_id>")
@role_required(*EDITORS)
def detail(unit_id: int):
    """The unit, its administrators (ID numbers masked) and the form that adds one."""
    found = _unit_in_scope(unit_id)
    return _unit_page(found, UnitAdminForm())


def _unit_page(found: Unit, form: UnitAdminForm):
    return render_template("units_admin/unit.html", unit=found, form=form, admins=admins.administrators(found))


@bp.post("/<int:unit_id>/admins")
@role_required(*EDITORS)
def new_admin(unit_id: int):
    """Create the unit's administrator; the one-time password is in this response only."""
    found = _unit_in_scope(unit_id)
    form = UnitAdminForm()
    if not form.validate_on_submit():
        return _unit_page(found, form)
    values, errors = admins.clean(form.raw(), utcnow())
    if errors:
        form.show(errors)
        return _unit_page(found, form)
    try:
        person, password = admins.create(current_user._get_current_object(), found, values)
    except Refused as e:
        db.session.rollback()
        form.form_errors.append(e.message)
        return _unit_page(found, form)
    db.session.commit()
    response = make_response(render_template("units_admin/admin_created.html", unit=found, person=person,
                                             password=password))
    response.headers["Cache-Control"] = "no-store"  # shown once: never kept by a cache
    return response


@bp.post("/<int:unit_id>/admins/<int:user_id>/deactivate")
@role_required(*EDITORS)
def deactivate_admin(unit_id: int, user_id: int):
    found = _unit_in_scope(unit_id)
    try:
        person = admins.deactivate(current_user._get_current_object(), found, user_id)
    except Refused as e:
        db.session.rollback()
        abort(e.status)
    db.session.commit()
    flash(_("已停用单位管理员 %(name)s 的账号。", name=person.real_name), "success")
    return redirect(url_for("units_admin.detail", unit_id=found.id))


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(unit_id: int):
    unit = _unit_in_scope(unit_id)
    form = _form(unit)
    if request.method == "GET":
        form.fill(unit)
    if not stepping() and form.validate_on_submit() and _saved(form, unit):
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
