"""The filters of 学时记录, read from the query string: one form for the records page and the exports.

Also what a filter becomes elsewhere: the query parameters that ask for it again, and its
audit detail (an ID number kept masked).
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from accounts.idnumber import mask_id_number
from accounts.region_field import RegionField
from bureau.export_profiles import PROFILES
from bureau.records import Filters
from core import policy
from core.language import localized
from courses.categories import CATEGORIES

FILTER_FIELDS = ("year", "region", "employer", "category", "completed_from", "completed_to", "person")
PARAM_NAMES = {"subject_type": "type"}
"""Filters whose query parameter is named otherwise (``?type=``, as in the catalogue and the API)."""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _subject_type(form, field):
    if field.data and field.data not in policy.SUBJECT_TYPES:
        raise ValidationError(_("参数 type 应为 %(choices)s 之一。", choices=", ".join(policy.SUBJECT_TYPES)))


class RecordFilterForm(FlaskForm):
    """The filters of the page and of the exports, read from the query string."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    year = IntegerField(_l("年度"), validators=[Optional(), NumberRange(2000, 2100)])
    # The picker's levels, or one code (a link, an export); the scope is checked by bureau.scope (403).
    region = RegionField(_l("地区"), current=False, malformed=_l("地区代码应为6位行政区划代码。"))
    employer = StringField(_l("工作单位包含"), filters=[_strip])
    category = SelectField(_l("类别"), default="")
    type = SelectField(_l("科目类型"), default="", validate_choice=False, validators=[_subject_type])
    completed_from = DateField(_l("完成日期自"), validators=[Optional()])
    completed_to = DateField(_l("完成日期至"), validators=[Optional()])
    person = StringField(_l("身份证号或姓名（精确）"), filters=[_strip])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _("全部类别"))] + [
            SelectChoice(code, localized(name, name_en)) for code, name, name_en, *_rest in CATEGORIES
        ]
        self.type.choices = [SelectChoice("", _("全部科目类型"))] + [
            SelectChoice(kind, policy.subject_name(kind)) for kind in policy.SUBJECT_TYPES
        ]

    def filters(self) -> Filters:
        return Filters(year=self.year.data, region=self.region.data or None, employer=self.employer.data or "",
                       category=self.category.data or "", completed_from=self.completed_from.data,
                       completed_to=self.completed_to.data, person=self.person.data or "",
                       subject_type=self.type.data or "")


def filter_args(filters: Filters) -> dict:
    """The query parameters that ask for ``filters`` again (links to pages and exports)."""
    values = {name: getattr(filters, name) for name in (*FILTER_FIELDS, *PARAM_NAMES)}
    return {PARAM_NAMES.get(name, name): str(value) for name, value in values.items() if value not in (None, "")}


def audit_filters(filters: Filters) -> dict:
    """The filters as an audit detail; an ID number asked for is kept masked, as everywhere in the log."""
    args = filter_args(filters)
    person = args.get("person", "")
    if any(c.isdigit() for c in person):
        args["person"] = mask_id_number(person.upper())
    return args


def profile_error() -> str:
    """What an unknown ``profile=`` of an export or the docking API is told (bureau.export_profiles)."""
    return _("参数 profile 应为 %(choices)s 之一；不填则使用平台自己的字段名。", choices=", ".join(sorted(PROFILES)))
