"""The forms of moving province; every check is the service's (transfers.service), made once."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, MultipleFileField, SelectField, StringField, SubmitField, TextAreaField

from accounts.regions import PROVINCES, region_name
from core import policy
from core.http import Refused
from core.policy.rulebook import SUBJECT_TYPES
from transfers.service import TransferInput

LINES = 6  # rows of the form; blank ones are left out


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LineForm(Form):
    year = StringField(_l("年度"), filters=[_strip], render_kw={"inputmode": "numeric", "size": 6})
    subject_type = SelectField(_l("科目类型"), choices=[], validate_choice=False)
    hours = StringField(_l("学时"), filters=[_strip], render_kw={"inputmode": "decimal", "size": 6})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_type.choices = [("", "—")] + [(kind, policy.subject_name(kind)) for kind in SUBJECT_TYPES]


class TransferForm(FlaskForm):
    old_province = SelectField(_l("原所在省份"), choices=[], validate_choice=False)
    lines = FieldList(FormField(LineForm), min_entries=LINES, max_entries=LINES)
    files = MultipleFileField(_l("原省份的学时证明"), render_kw={"accept": ".jpg,.jpeg,.png,.pdf"})
    reference = StringField(_l("验证链接或证书编号"), filters=[_strip])
    submit = SubmitField(_l("提交申请"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.old_province.choices = [("", "—")] + [(code, region_name(code + "0000")) for code in PROVINCES]

    def as_input(self) -> TransferInput:
        lines = [(row.year.data or "", row.subject_type.data or "", row.hours.data or "") for row in self.lines]
        return TransferInput(old_province=self.old_province.data or "", reference=self.reference.data or "",
                             lines=[line for line in lines if any(part.strip() for part in line)])

    def show(self, error: Refused) -> None:
        """Put ``error`` under the field it names, or above the form."""
        field = self._fields.get(error.field or "")
        if field is None or isinstance(field, FieldList):
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


class DecisionForm(FlaskForm):
    """Accept (the hours per line come as ``line-<id>`` inputs) or reject with a reason."""

    reason = TextAreaField(_l("不予转入的原因"), filters=[_strip], render_kw={"rows": 2})
    accept = SubmitField(_l("确认转入"))
    reject = SubmitField(_l("不予转入"))


class WithdrawForm(FlaskForm):
    submit = SubmitField(_l("撤回申请"))
