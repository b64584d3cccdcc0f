"""更正 from the bureau's trainee page: a form per ledger row (更正: 核减 or 补 of that row) and
a 补录 form, posted here (CSRF checked) and answered with the trainee page again, where the
new row shows at once. Refusals come back as a flash message; nothing is changed then.

Only trainees of the officer's scope (narrowed by ``?region=``) exist here: anyone else is 404,
as on the trainee page (bureau.integrity).
"""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from accounts.access import role_required
from bureau import corrections, signals
from bureau.corrections import CorrectionInput
from bureau.officer import asked_scope
from core.db import utcnow
from core.extensions import db
from core.http import Refused

bp = Blueprint("corrections_views", __name__, url_prefix="/bureau")


class CorrectionForm(FlaskForm):
    """One correction: of a row (``source_id``), or a 补录 with its own year, type and title."""

    hours = StringField(validators=[Length(max=16)])
    reason = StringField(validators=[Length(max=corrections.MAX_REASON)])
    source_id = HiddenField(validators=[Optional(), Length(max=20)])
    year = StringField(validators=[Optional(), Length(max=4)])
    subject_type = StringField(validators=[Optional(), Length(max=8)])  # checked by corrections.parse
    title = StringField(validators=[Optional(), Length(max=corrections.MAX_TITLE)])

    def as_input(self) -> CorrectionInput:
        return CorrectionInput(hours=self.hours.data or "", reason=self.reason.data or "",
                               source_id=self.source_id.data or None, subject_type=self.subject_type.data,
                               year=self.year.data, title=self.title.data)


@bp.post("/trainees/<int:user_id>/corrections")
@role_required("bureau")
def create(user_id: int):
    person = signals.trainee(asked_scope(), user_id)
    if person is None:
        abort(404)
    form = CorrectionForm()
    back = redirect(url_for("integrity.trainee", user_id=person.id) + "#h-credits")
    if not form.validate_on_submit():
        flash(_("表单已过期或内容过长，请重新填写。"), "error")
        return back
    try:
        record = corrections.correct(current_user._get_current_object(), person,
                                     corrections.parse(form.as_input()), utcnow())
    except Refused as e:
        db.session.rollback()
        flash(e.message, "error")
        return back
    db.session.commit()
    flash(_("已记入更正：%(hours)s 学时（%(reason)s）。", hours=record.hours, reason=record.reason), "success")
    return back
