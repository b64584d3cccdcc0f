"""The forms of the partner pages; every check is accreditation.checked's, made once."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from accounts.region_field import RegionField
from core import policy
from core.http import Refused
from core.policy.rulebook import SUBJECT_TYPES
from partners import rules
from partners.accreditation import PartnerInput
from partners.models import Partner


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PartnerForm(FlaskForm):
    name = StringField(_l("平台名称"), filters=[_strip])
    region_code = RegionField(_l("认可地区"))  # the view sets its scope: an officer's own area
    subject_types = SelectMultipleField(_l("认可的科目类型"), choices=[], validate_choice=False,
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    hours_per_year = StringField(_l("每人每年学时上限"), filters=[_strip], render_kw={"inputmode": "decimal"})
    accredited_from = StringField(_l("认可起始日期"), filters=[_strip], render_kw={"type": "date"})
    accredited_until = StringField(_l("认可截止日期"), filters=[_strip], render_kw={"type": "date"})
    active = BooleanField(_l("启用"), default=True)
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_types.choices = [(kind, policy.subject_name(kind)) for kind in SUBJECT_TYPES]

    def fill(self, partner: Partner) -> None:
        self.name.data, self.region_code.data = partner.name, partner.region_code
        self.subject_types.data = partner.types
        self.hours_per_year.data = f"{partner.hours_per_year:g}"
        self.accredited_from.data = partner.accredited_from.isoformat()
        self.accredited_until.data = partner.accredited_until.isoformat()
        self.active.data = partner.active

    def as_input(self) -> PartnerInput:
        """What was typed, or Refused naming the first field that is no number or date."""
        return PartnerInput(
            name=self.name.data or "", region_code=self.region_code.data or "",
            subject_types=list(self.subject_types.data or []),
            hours_per_year_tenths=rules.tenths(self.hours_per_year.data or "", "hours_per_year"),
            accredited_from=_day(self.accredited_from.data, "accredited_from"),
            accredited_until=_day(self.accredited_until.data, "accredited_until"), active=bool(self.active.data))

    def show(self, refused: Refused) -> None:
        """The refusal's message under its field, or above the form."""
        field = getattr(self, refused.field or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, refused.message]
        else:
            self.form_errors.append(refused.message)


def _day(value, name: str) -> date:
    return rules.day({name: value or ""}, name)


class PartnerTokenForm(FlaskForm):
    name = StringField(_l("令牌名称"), filters=[_strip])
    submit = SubmitField(_l("生成令牌"))
