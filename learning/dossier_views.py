"""一人一档 for the trainee: every credit year by subject type and origin, the surplus carried over,
the 职称 look-back (learning.dossier), and the 继续教育登记 (its signed PDF) issued on request.

The document is issued by a POST (never a GET) and audited (``record_document_issued``); asking
again while the ledger says the same returns the same one. Its PDF is the certificates' route
(``/me/certificates/<number>.pdf``, owner only), its verification theirs (``/verify/<number>``).
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from accounts import audit
from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from learning import certificates, dossier

bp = Blueprint("dossier_views", __name__)


@bp.get("/me/record")
@role_required("trainee")
def index():
    user = current_user._get_current_object()
    return render_template("dossier_views/index.html", dossier=dossier.dossier_of(user, utcnow()),
                           document=dossier.valid_document(user.id), form=FlaskForm(),
                           subject_name=policy.subject_name)


@bp.post("/me/record/document")
@role_required("trainee")
def issue():
    form = FlaskForm()
    if not form.validate_on_submit():
        flash(_("页面已过期，请重新提交。"), "error")
        return redirect(url_for(".index"))
    user = current_user._get_current_object()
    cert, created = dossier.issue(user, utcnow())
    if created:
        audit.record("record_document_issued", target=f"certificate:{cert.number}", kind=cert.kind,
                     year=cert.year, hours=certificates.hours(cert.hours_tenths))
        flash(_("已开具继续教育登记，编号 %(number)s。", number=cert.number), "success")
    else:
        flash(_("学时未变，沿用已开具的继续教育登记 %(number)s。", number=cert.number), "success")
    db.session.commit()
    return redirect(url_for(".index", _anchor="document"))

