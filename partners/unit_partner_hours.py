"""The unit administrator's view of the hours partner platforms reported for the unit's
confirmed staff in a credit year: whose, which platform, which course and certificate number,
the hours as reported and as they now stand (corrections included). Only unit administrators,
each for their own unit; ID numbers are masked."""
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.access import role_required
from core import policy
from core.extensions import db
from learning.progress import chosen_year
from partners import reports
from partners.models import PartnerReport
from units.models import Unit, UnitLink

bp = Blueprint("unit_partner_hours", __name__, url_prefix="/unit/partner-hours")


@bp.get("/")
@role_required("unit_admin")
def index():
    unit = db.session.get(Unit, current_user.unit_id)
    if unit is None:
        abort(404)
    year = chosen_year()
    staff = select(UnitLink.user_id).where(UnitLink.unit_id == unit.id, UnitLink.status == "confirmed")
    rows = db.session.scalars(
        select(PartnerReport).options(joinedload(PartnerReport.partner), joinedload(PartnerReport.user))
        .where(PartnerReport.user_id.in_(staff), PartnerReport.year == year)
        .order_by(PartnerReport.user_id, PartnerReport.id)).all()
    return render_template("unit_partner_hours/index.html", unit=unit, year=year, subject_name=policy.subject_name,
                           rows=[(row, reports.current_tenths(row) / 10) for row in rows])
