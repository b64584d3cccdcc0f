"""The partner platforms' pages: the list and the form that accredits one, a partner's page with
its accreditation (changed there), its tokens (issued there, shown once; revoked there) and its
latest reports. Admins see every partner, bureau officers those of their own area (403
elsewhere); every change is audited by partners.accreditation.

Also the template global ``partner_origins`` the record pages use to name the partner and the
certificate number of a partner row (learning cannot import this room)."""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.access import role_required
from accounts.region_field import stepping
from accounts.regions import area_prefix, region_name
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from partners import accreditation
from partners.forms import PartnerForm, PartnerTokenForm
from partners.models import Partner, PartnerReport, PartnerToken

bp = Blueprint("partners", __name__, url_prefix="/partners")
MANAGERS = ("admin", "bureau")


@bp.context_processor
def _helpers():
    return {"region_name": region_name, "subject_name": policy.subject_name}


@bp.app_template_global("partner_origins")
def partner_origins(entries) -> dict[int, PartnerReport]:
    """The reports behind the ``partner`` lines of ``entries`` (learning.progress.CourseCredit),
    by report id, with their partners: one query."""
    ids = [entry.source_id for entry in entries if entry.basis == "partner" and entry.source_id]
    if not ids:
        return {}
    rows = db.session.scalars(select(PartnerReport).options(joinedload(PartnerReport.partner))
                              .where(PartnerReport.id.in_(ids)))
    return {row.id: row for row in rows}


def _me():
    return current_user._get_current_object()


def _form(partner: Partner | None = None) -> PartnerForm:
    form = PartnerForm()
    form.region_code.scope = current_user.region_code if current_user.role == "bureau" else ""
    form.region_code.keep = partner.region_code if partner is not None else ""
    return form


def _in_scope(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id) if 0 < partner_id < 2**31 else None
    if partner is None:
        abort(404)
    if not accreditation.may_manage(_me(), partner.region_code):
        abort(403)
    return partner


@bp.get("/")
@role_required(*MANAGERS)
def index():
    query = select(Partner).order_by(Partner.name)
    if current_user.role == "bureau":
        query = query.where(Partner.region_code.startswith(area_prefix(current_user.region_code), autoescape=True))
    return render_template("partners/index.html", partners=db.session.scalars(query).all())


@bp.route("/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new():
    form = _form()
    if request.method == "GET" and current_user.role == "bureau":
        form.region_code.data = current_user.region_code
    if not stepping() and form.validate_on_submit():
        try:
            partner = accreditation.accredit(form.as_input(), _me(), utcnow())
        except Refused as e:
            db.session.rollback()
            form.show(e)
        else:
            db.session.commit()
            flash(_("已认可合作平台“%(name)s”。", name=partner.name), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return render_template("partners/edit.html", form=form, partner=None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def detail(partner_id: int):
    partner = _in_scope(partner_id)
    form = _form(partner)
    if request.method == "GET":
        form.fill(partner)
    elif not stepping() and form.validate_on_submit():
        try:
            accreditation.change(partner, form.as_input(), _me())
        except Refused as e:
            db.session.rollback()
            form.show(e)
        else:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    return _page(partner, form, PartnerTokenForm())


def _page(partner: Partner, form: PartnerForm, token_form: PartnerTokenForm):
    latest = db.session.scalars(select(PartnerReport).options(joinedload(PartnerReport.user))
                                .where(PartnerReport.partner_id == partner.id)
                                .order_by(PartnerReport.id.desc()).limit(20)).all()
    return render_template("partners/partner.html", partner=partner, form=form, token_form=token_form,
                           reports=latest)


@bp.post("/<int:partner_id>/tokens")
@role_required(*MANAGERS)
def new_token(partner_id: int):
    """Issue a token; the plain token is in this response only."""
    partner = _in_scope(partner_id)
    token_form = PartnerTokenForm()
    if token_form.validate_on_submit():
        try:
            row, plain = accreditation.issue_token(partner, token_form.name.data, _me(), utcnow())
        except Refused as e:
            db.session.rollback()
            token_form.name.errors = [*token_form.name.errors, e.message]
        else:
            db.session.commit()
            response = make_response(render_template("partners/token_created.html", partner=partner, token=row,
                                                     plain=plain))
            response.headers["Cache-Control"] = "no-store"  # shown once: never kept by a cache
            return response
    form = _form(partner)
    form.fill(partner)
    return _page(partner, form, token_form)


@bp.post("/<int:partner_id>/tokens/<int:token_id>/revoke")
@role_required(*MANAGERS)
def revoke_token(partner_id: int, token_id: int):
    partner = _in_scope(partner_id)
    row = db.session.get(PartnerToken, token_id) if 0 < token_id < 2**31 else None
    if row is None or row.partner_id != partner.id:
        abort(404)
    if accreditation.revoke_token(row, _me(), utcnow()):
        db.session.commit()
        flash(_("令牌“%(name)s”已吊销，使用它的请求将被拒绝。", name=row.name), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))
