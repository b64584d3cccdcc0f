"""学时证明 pages: the trainee's list with issue buttons, the PDF (owner only), public verification,
and the help page that tells officers and integrators how to verify by machine (the key, the API).

Certificates are issued when the trainee asks (a POST from the list), never on a GET; asking
again while the ledger is unchanged returns the same certificate. ``/verify/<number>`` is
public and rate limited per address (``CERTIFICATE_LOOKUP_RATE_LIMIT``, shared with the API
look-up); public look-ups are not audited.
"""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired, Optional, Regexp

from accounts.access import login_required
from core import policy
from core.db import utcnow
from core.extensions import db
from learning import certificates, certifying, seals, signing, verification
from learning.certifying import lookup_limited, verify_url

bp = Blueprint("certificate_views", __name__)


class IssueForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(certificates.KINDS)])
    year = HiddenField(validators=[DataRequired(), Regexp(r"^\d{4}$")])
    course_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,12}$")])

    def key(self) -> tuple[str, int, int | None]:
        course_id = int(self.course_id.data) if self.kind.data == "course" and self.course_id.data else None
        return self.kind.data, int(self.year.data), course_id


@bp.get("/me/certificates")
@login_required
def index():
    offers = certifying.offers(current_user)
    years = sorted({offer.basis.year for offer in offers}, reverse=True)
    return render_template("certificate_views/index.html", offers=offers, years=years,
                           subject_name=policy.subject_name)


@bp.post("/me/certificates")
@login_required
def issue():
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    cert, created = certifying.issue_requested(current_user, form.key(), utcnow())
    if cert is None:
        db.session.rollback()
        flash(_("没有可开具的学时证明：该课程或年度尚无学时。"), "error")
        return redirect(url_for(".index"))
    if created:
        flash(_("已开具学时证明，编号 %(number)s。", number=cert.number), "success")
    else:
        flash(_("学时未变，沿用已开具的证明 %(number)s。", number=cert.number), "success")
    db.session.commit()
    return redirect(url_for(".index", _anchor=f"cert-{cert.number}"))


@bp.get("/me/certificates/<number>.pdf")
@login_required
def pdf(number: str):
    cert = verification.by_number(number)
    if cert is None or cert.user_id != current_user.id:
        abort(404)
    from learning import certificate_pdf, dossier_pdf  # fpdf2, fontTools, pypdf, segno: 34 MB, for the few who print

    font = certificate_pdf.find_font(current_app.config.get("CERTIFICATE_FONT"))
    # A 继续教育登记 (learning.dossier) is a certificate row of its own kind, drawn as the record it is.
    renderer = dossier_pdf if cert.kind == "record" else certificate_pdf
    data = renderer.render(certificates.document(cert), verify_url(cert.number), font,
                           seals.drawable(cert.payload))
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/verify/<number>")
@lookup_limited
def verify(number: str):
    verdict = verification.look_up(number, signing.public_key())
    facts = None
    if verdict.status in ("valid", "superseded"):
        facts = verification.public_facts(verdict.certificate.payload)
    status = 404 if verdict.status == "not_found" else 200
    return render_template("certificate_views/verify.html", verdict=verdict, facts=facts,
                           subject_name=policy.subject_name), status


@bp.get("/help/verifying-certificates")
def verifying_help():
    """How to verify a certificate: by its page (anyone), by an officer's look-up, by machine."""
    key = signing.public_key()
    return render_template("certificate_views/help.html", algorithm=signing.ALGORITHM, key_id=signing.key_id(key))
