"""学时记录: the bureau officer's page of credit records in their region, with filters and totals.

The filter form (:mod:`bureau.filters`) and the officer's scope (:mod:`bureau.officer`)
are shared with the exports (bureau/exports.py), which read the same query parameters.
"""
from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select

from accounts import audit
from accounts.access import role_required
from accounts.idnumber import mask_id_number
from accounts.models import User
from accounts.regions import region_name
from bureau.filters import RecordFilterForm, audit_filters, filter_args
from bureau.officer import officer_scope
from bureau.records import COLUMNS, Filters, record_ids, records_query
from bureau.scope import Scope, ScopeError
from core import policy
from core.extensions import db
from core.language import localized
from core.paging import page_count, page_number
from courses.categories import CATEGORIES
from learning.models import CreditRecord

bp = Blueprint("records_views", __name__, url_prefix="/bureau")


@bp.context_processor
def _helpers():
    names = {code: localized(name, name_en) for code, name, name_en, *_rest in CATEGORIES}
    return {"region_name": region_name, "mask_id_number": mask_id_number, "category_names": names,
            "subject_name": policy.subject_name}


PER_PAGE = 50


def totals(stmt) -> tuple[int, int]:
    """(row count, sum of hours_tenths) of the rows ``stmt`` selects."""
    rows = stmt.order_by(None).subquery()
    count, tenths = db.session.execute(
        select(func.count(), func.coalesce(func.sum(rows.c.hours_tenths), 0))
    ).one()
    return count, int(tenths)


def tenths_by_type(stmt) -> dict[str, int]:
    """Sum of hours_tenths per subject type of the rows ``stmt`` selects, in SUBJECT_TYPES order."""
    rows = stmt.order_by(None).subquery()
    sums = dict(db.session.execute(
        select(rows.c.subject_type, func.sum(rows.c.hours_tenths)).group_by(rows.c.subject_type)).all())
    return {kind: int(sums[kind]) for kind in policy.SUBJECT_TYPES if sums.get(kind) is not None}


@bp.get("/records")
@role_required("bureau")
def records():
    form = RecordFilterForm(formdata=request.args)
    try:
        scope = officer_scope()
    except ScopeError as e:
        abort(403, e.message)
    valid = form.validate()
    form.region.scope = scope.code  # the picker starts at the officer's own area (checked below: 403)
    if not valid:
        return render_template("records_views/records.html", form=form, scope=scope, page=None, args={})
    filters = form.filters()
    try:
        stmt = record_ids(scope, filters, CreditRecord.hours_tenths, CreditRecord.subject_type)
    except ScopeError as e:
        abort(403, e.message)
    count, tenths = totals(stmt)
    page = _page(scope, filters, count)
    if filters.person:
        _audit_lookup(scope, filters, count)
    db.session.commit()
    return render_template("records_views/records.html", form=form, scope=scope, page=page,
                           count=count, hours=tenths / 10, by_type=tenths_by_type(stmt) if count else {},
                           args=filter_args(filters))


def _page(scope: Scope, filters: Filters, count: int) -> dict:
    pages = page_count(count, PER_PAGE)
    number = min(page_number(), pages)

    def this_page(stmt):
        newest_first = stmt.order_by(None).order_by(CreditRecord.updated_at.desc(), CreditRecord.id.desc())
        return newest_first.limit(PER_PAGE).offset((number - 1) * PER_PAGE)

    # The test figures are aggregated for this page's records only (records.exam_summary).
    rows = db.session.execute(this_page(records_query(scope, filters, within=this_page(record_ids(scope, filters)))))
    return {"rows": [dict(zip(COLUMNS, row, strict=True)) for row in rows], "number": number, "pages": pages}


def _audit_lookup(scope: Scope, filters: Filters, count: int) -> None:
    """A look-up of a person's record is audited with the trainees it found (at most 20)."""
    person = filters.person
    found = db.session.scalars(
        select(User.id).where((User.id_number == person.upper()) | (User.real_name == person),
                              scope.narrowed(filters.region).condition(User.region_code)).order_by(User.id).limit(20)
    ).all()
    target = f"user:{found[0]}" if len(found) == 1 else ""
    audit.record("records_lookup", target=target, filters=audit_filters(filters), rows=count,
                 trainees=list(found), scope=scope.code)
