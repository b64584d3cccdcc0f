"""The trainee's 外省学时转入 pages: the requests and their state, the form that asks to bring
earlier years' hours (a certificate of this platform is answered at once), one request with
its lines (withdraw a pending one); and the evidence files, for the trainee and the
reviewers of their region only (a reviewer's look is audited)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.access import login_required, role_required
from accounts.regions import region_name
from core import policy
from core.db import utcnow
from core.extensions import db
from declarations import evidence
from transfers import own_certificates, review, service
from transfers.forms import TransferForm, WithdrawForm
from transfers.models import TransferRequest
from transfers.service import Refused

bp = Blueprint("my_transfers", __name__)


@bp.context_processor
def _helpers():
    return {"status_names": service.status_names(), "subject_name": policy.subject_name,
            "province_name": lambda code: region_name(code + "0000")}


bp.record_once(evidence.install)  # requests with evidence files may be larger than the app's limit


def _me():
    return current_user._get_current_object()


@bp.get("/me/transfers")
@role_required("trainee")
def index():
    return render_template("my_transfers/index.html", requests=service.mine(_me()))


@bp.route("/me/transfers/new", methods=["GET", "POST"])
@role_required("trainee")
def new():
    form = TransferForm()
    if form.validate_on_submit():
        try:
            outcome = service.submit(_me(), form.as_input(), request.files.getlist(form.files.name),
                                     own_certificates.site_hosts(), utcnow())
        except own_certificates.CertificateRefused as e:
            db.session.rollback()
            own_certificates.record(_me(), e)  # the refusal is kept, nothing else
            db.session.commit()
            form.show(e)
        except Refused as e:
            db.session.rollback()
            form.show(e)
        else:
            return _answered(outcome)
    return render_template("my_transfers/new.html", form=form)


def _answered(outcome):
    """After a submission: the new request, or what a certificate of this platform said."""
    if isinstance(outcome, own_certificates.Counted):
        cert = outcome.certificate
        flash(_("学时证明 %(number)s 是您本人在本平台取得的，其中 %(year)s 年度的 %(hours)s 学时"
                "已计入您的学时记录，无需转入。", number=cert.number, year=cert.year,
                hours=f"{cert.hours_tenths / 10:g}"), "success")
        db.session.rollback()  # nothing to write
        return redirect(url_for("my_transfers.index"))
    db.session.commit()
    flash(_("已提交转入申请，等待人社部门审核。"), "success")
    return redirect(url_for("my_transfers.detail", request_id=outcome.id))


@bp.get("/me/transfers/<int:request_id>")
@role_required("trainee")
def detail(request_id: int):
    return render_template("my_transfers/detail.html", transfer=_own(request_id), form=WithdrawForm())


@bp.post("/me/transfers/<int:request_id>/withdraw")
@role_required("trainee")
def withdraw(request_id: int):
    transfer = _own(request_id)
    if WithdrawForm().validate_on_submit():
        try:
            service.withdraw(_me(), transfer, utcnow())
        except Refused as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            db.session.commit()
            flash(_("已撤回转入申请。"), "success")
    return redirect(url_for("my_transfers.detail", request_id=request_id))


@bp.get("/transfers/files/<int:file_id>")
@login_required
def evidence_file(file_id: int):
    """An evidence file, as a download, for the trainee and their region's reviewers (audited); others 404."""
    try:
        row = review.evidence_file(_me(), file_id)
    except Refused:
        abort(404)
    if row.request.user_id != current_user.id:
        audit.record("transfer.file_viewed", target=f"transfer:{row.request_id}", file=row.id)
        db.session.commit()
    return evidence.send(row, request.environ)


def _own(request_id: int) -> TransferRequest:
    try:
        return service.own(_me(), request_id)
    except Refused:
        abort(404)
