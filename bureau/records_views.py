"""学时记录: the bureau officer's page of credit records in their region, with filters and totals.

The filter form, the officer's scope and the audit wording live here too: the exports
(bureau/exports.py) read the same query parameters through the same form.
"""
from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from accounts import audit
from accounts.access import current_api_token, role_required
from accounts.idnumber import mask_id_number
from accounts.models import User
from accounts.regions import is_region_code, region_name
from bureau.records import COLUMNS, Filters, records_query
from bureau.scope import Scope, ScopeError, scope_for
from core.extensions import db
from core.paging import page_count, page_number
from core.i18n import localized
from courses.categories import CATEGORIES
from learning.models import CreditRecord

bp = Blueprint("records_views", __name__, url_prefix="/bureau")


@bp.context_processor
def _helpers():
    names = {code: localized(name, name_en) for code, name, name_en, *_rest in CATEGORIES}
    return {"region_name": region_name, "mask_id_number": mask_id_number, "category_names": names}

PER_PAGE = 50
FILTER_FIELDS = ("year", "region", "employer", "category", "completed_from", "completed_to", "person")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _region_code(form, field):
    if field.data and not is_region_code(field.data):
        raise ValidationError(_("地区代码应为6位行政区划代码。"))


class RecordFilterForm(FlaskForm):
    """The filters of the page and of the exports, read from the query string."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(2000, 2100)])
    region = StringField(_l("地区代码"), filters=[_strip], validators=[_region_code])
    employer = StringField(_l("工作单位包含"), filters=[_strip])
    category = SelectField(_l("类别"), default="")
    completed_from = DateField(_l("完成日期自"), validators=[Optional()])
    completed_to = DateField(_l("完成日期至"), validators=[Optional()])
    person = StringField(_l("身份证号或姓名（精确）"), filters=[_strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _("全部类别"))] + [
            SelectChoice(code, localized(name, name_en)) for code, name, name_en, *_rest in CATEGORIES
        ]

    def filters(self) -> Filters:
        return Filters(year=self.year.data, region=self.region.data or None, employer=self.employer.data or "",
                       category=self.category.data or "", completed_from=self.completed_from.data,
                       completed_to=self.completed_to.data, person=self.person.data or "")


def filter_args(filters: Filters) -> dict:
    """The query parameters that ask for ``filters`` again (links to pages and exports)."""
    values = {name: getattr(filters, name) for name in FILTER_FIELDS}
    return {name: str(value) for name, value in values.items() if value not in (None, "")}


def audit_filters(filters: Filters) -> dict:
    """The filters as an audit detail; an ID number asked for is kept masked, as everywhere in the log."""
    args = filter_args(filters)
    person = args.get("person", "")
    if any(c.isdigit() for c in person):
        args["person"] = mask_id_number(person.upper())
    return args


def officer_scope() -> Scope:
    """The signed-in officer's scope, narrowed to the region of the API token used, if any."""
    token = current_api_token()
    return scope_for(current_user, token.region_code if token is not None else None)


def totals(stmt) -> tuple[int, int]:
    """(row count, sum of hours_tenths) of the rows ``stmt`` selects."""
    rows = stmt.order_by(None).subquery()
    count, tenths = db.session.execute(
        select(func.count(), func.coalesce(func.sum(rows.c.hours_tenths), 0))
    ).one()
    return count, int(tenths)


@bp.get("/records")
@role_required("bureau")
def records():
    form = RecordFilterForm(formdata=request.args)
    try:
        scope = officer_scope()
    except ScopeError as e:
        abort(403, e.message)
    if not form.validate():
        return render_template("records_views/records.html", form=form, scope=scope, page=None, args={})
    filters = form.filters()
    try:
        stmt = records_query(scope, filters)
    except ScopeError as e:
        abort(403, e.message)
    count, tenths = totals(stmt)
    page = _page(stmt, count)
    if filters.person:
        _audit_lookup(scope, filters, count)
    db.session.commit()
    return render_template("records_views/records.html", form=form, scope=scope, page=page,
                           count=count, hours=tenths / 10, args=filter_args(filters))


def _page(stmt, count: int) -> dict:
    pages = page_count(count, PER_PAGE)
    number = min(page_number(), pages)
    newest_first = stmt.order_by(None).order_by(CreditRecord.updated_at.desc(), CreditRecord.id.desc())
    rows = db.session.execute(newest_first.limit(PER_PAGE).offset((number - 1) * PER_PAGE))
    return {"rows": [dict(zip(COLUMNS, row)) for row in rows], "number": number, "pages": pages}


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
