"""一人一档 for a unit administrator: a confirmed staff member's credit years by subject type and
origin, the surplus carried over and the 职称 look-back (learning.dossier). Only the unit's
confirmed staff (anyone else is 404, staff.membership); every opening is audited
(``unit_staff_record_viewed``); the ID number is shown masked.
"""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from accounts import audit
from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from learning import dossier
from staff import membership

bp = Blueprint("staff_dossier", __name__, url_prefix="/unit")


@bp.get("/staff/<int:user_id>/record")
@role_required("unit_admin")
def index(user_id: int):
    admin = current_user._get_current_object()
    try:
        person = membership.staff_member(admin, user_id)
    except Refused:
        abort(404)
    found = dossier.dossier_of(person, utcnow())
    audit.record("unit_staff_record_viewed", target=f"user:{person.id}", unit=admin.unit_id,
                 years=[record.year for record in found.years], eligible=found.eligibility.eligible)
    db.session.commit()
    return render_template("staff_dossier/index.html", person=person, dossier=found,
                           subject_name=policy.subject_name)
