"""GET /api/v1/me/record: the trainee's 一人一档 (learning.dossier, docs/rules.md rule 16): every
credit year per subject type (own credit, carried in and out, counted, required) and per origin,
the 职称 look-back with its shortfalls, and the valid 继续教育登记, if one was issued (issued by
the page's POST; its PDF and verification are the certificates')."""
from flask import Blueprint
from flask_login import current_user

from accounts.access import role_required
from core.db import utcnow
from learning import dossier
from learning.certifying import summary

bp = Blueprint("dossier_api", __name__, url_prefix="/api/v1")


@bp.get("/me/record")
@role_required("trainee")
def me_record():
    user = current_user._get_current_object()
    found = dossier.dossier_of(user, utcnow())
    document = dossier.valid_document(user.id)
    return {"current_year": found.current_year, "years": dossier.years_json(found),
            "eligibility": dossier.eligibility_json(found),
            "document": summary(document) if document is not None else None}
