"""The trainee's 学时登记 pages: the list, the form that declares an offline training with its
evidence and the pledge, a declaration with its steps (fix and resubmit a returned one,
withdraw an open one); and the evidence files, for the declarant and its reviewers only."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.access import login_required, role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from declarations import evidence, review, service
from declarations.forms import DeclarationForm
from declarations.models import Declaration
from declarations.service import Refused

bp = Blueprint("my_declarations", __name__)


@bp.context_processor
def _helpers():
    return {"status_names": service.status_names(), "subject_name": policy.subject_name,
            "step_names": service.step_names()}


bp.record_once(evidence.install)  # requests with evidence files may be larger than the app's limit


def _me():
    return current_user._get_current_object()


@bp.get("/me/declarations")
@role_required("trainee")
def index():
    return render_template("my_declarations/index.html", declarations=service.mine(_me()))


@bp.route("/me/declarations/new", methods=["GET", "POST"])
@role_required("trainee")
def new():
    form = DeclarationForm()
    if form.validate_on_submit():
        if form.compute.data:
            _compute(form)
        elif (declaration := _saved(form, None)) is not None:
            flash(_("已提交学时登记，等待单位初审。"), "success")
            return redirect(url_for("my_declarations.detail", declaration_id=declaration.id))
    try:  # said before the trainee fills in the form, not after
        service.confirmed_unit(_me())
    except Refused as e:
        no_unit = e.message
    else:
        no_unit = None
    return render_template("my_declarations/edit.html", form=form, declaration=None, rules=_rules(),
                           no_unit=no_unit)


@bp.get("/me/declarations/<int:declaration_id>")
@role_required("trainee")
def detail(declaration_id: int):
    declaration = _own(declaration_id)
    return render_template("my_declarations/detail.html", declaration=declaration, form=DeclarationForm())


@bp.route("/me/declarations/<int:declaration_id>/edit", methods=["GET", "POST"])
@role_required("trainee")
def edit(declaration_id: int):
    declaration = _own(declaration_id)
    if declaration.status != "returned":
        flash(_("只有被退回的登记可以修改后重新提交。"), "error")
        return redirect(url_for("my_declarations.detail", declaration_id=declaration.id))
    form = DeclarationForm()
    form.remove_files.choices = [(row.id, row.name) for row in declaration.files]
    if request.method == "GET":
        form.fill(declaration)
    elif form.validate_on_submit():
        if form.compute.data:
            _compute(form)
        elif _saved(form, declaration) is not None:
            flash(_("已重新提交，等待单位初审。"), "success")
            return redirect(url_for("my_declarations.detail", declaration_id=declaration.id))
    return render_template("my_declarations/edit.html", form=form, declaration=declaration, rules=_rules())


@bp.post("/me/declarations/<int:declaration_id>/withdraw")
@role_required("trainee")
def withdraw(declaration_id: int):
    declaration = _own(declaration_id)
    if DeclarationForm().validate_on_submit():
        try:
            service.withdraw(_me(), declaration, utcnow())
        except Refused as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            db.session.commit()
            flash(_("已撤回学时登记。"), "success")
    return redirect(url_for("my_declarations.detail", declaration_id=declaration_id))


@bp.get("/declarations/files/<int:file_id>")
@login_required
def evidence_file(file_id: int):
    """An evidence file, as a download, for the declarant and its reviewers (audited); others 404."""
    try:
        row = review.evidence_file(_me(), file_id)
    except Refused:
        abort(404)
    if row.declaration.user_id != current_user.id:  # a reviewer looked at a trainee's papers
        audit.record("declaration.file_viewed", target=f"declaration:{row.declaration_id}", file=row.id)
        db.session.commit()
    return evidence.send(row, request.environ)


def _own(declaration_id: int) -> Declaration:
    try:
        return service.own(_me(), declaration_id)
    except Refused:
        abort(404)


def _rules() -> dict:
    """The numbers the page's script computes the default 学时 with (the trainee's region, this year)."""
    rules = policy.rules_for(current_user.region_code)
    return {"half_day": rules.declared_half_day_tenths / 10, "max_day": rules.declared_max_day_tenths / 10}


def _compute(form: DeclarationForm) -> None:
    """Fill in the 学时 the dates give (the 计算 button, for pages without script)."""
    data = form.as_input()
    try:
        start, end = service.day(data.start_date, "start_date"), service.day(data.end_date, "end_date")
    except Refused as e:
        form.show(e)
        return
    default, _most = policy.declared_hours(current_user.region_code, end.year, start, end)
    if default <= 0:
        form.show(Refused(422, "invalid_end_date", _("结束日期不能早于开始日期。"), "end_date"))
    else:
        form.hours.data = f"{default / 10:g}"


def _saved(form: DeclarationForm, declaration: Declaration | None) -> Declaration | None:
    """Declare or resubmit; None (the reasons on the form) when refused."""
    files = request.files.getlist(form.files.name)
    try:
        if declaration is None:
            declaration = service.declare(_me(), form.as_input(), files, utcnow())
        else:
            service.resubmit(_me(), declaration, form.as_input(), files, utcnow())
    except Refused as e:
        db.session.rollback()
        form.show(e)
        return None
    db.session.commit()
    return declaration
