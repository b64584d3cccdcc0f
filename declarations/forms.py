"""The forms of offline 学时登记; every check is the service's (declarations.service), made once."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core import policy
from core.policy.rulebook import SUBJECT_TYPES
from declarations.models import Declaration
from declarations.service import DeclarationInput, Refused


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DeclarationForm(FlaskForm):
    title = StringField(_l("培训名称"), filters=[_strip])
    organiser = StringField(_l("主办单位"), filters=[_strip])
    place = StringField(_l("培训地点"), filters=[_strip])
    start_date = StringField(_l("开始日期"), filters=[_strip], render_kw={"type": "date"})
    end_date = StringField(_l("结束日期"), filters=[_strip], render_kw={"type": "date"})
    subject_type = SelectField(_l("科目类型"), choices=[], validate_choice=False)
    hours = StringField(_l("学时"), filters=[_strip], render_kw={"inputmode": "decimal"})
    hours_reason = TextAreaField(_l("学时调整说明"), filters=[_strip], render_kw={"rows": 2})
    files = MultipleFileField(_l("证明材料"), render_kw={"accept": ".jpg,.jpeg,.png,.pdf"})
    remove_files = SelectMultipleField(_l("删除已上传的材料"), choices=[], coerce=int, validate_choice=False,
                                       widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    pledge = BooleanField(_l("本人承诺以上信息属实"))
    compute = SubmitField(_l("按日期计算学时"))
    submit = SubmitField(_l("提交登记"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_type.choices = [("", "—")] + [(kind, policy.subject_name(kind)) for kind in SUBJECT_TYPES]

    def fill(self, declaration: Declaration) -> None:
        for name in ("title", "organiser", "place", "subject_type", "hours_reason"):
            getattr(self, name).data = getattr(declaration, name)
        self.start_date.data = declaration.start_date.isoformat()
        self.end_date.data = declaration.end_date.isoformat()
        self.hours.data = f"{declaration.hours_tenths / 10:g}"

    def as_input(self) -> DeclarationInput:
        return DeclarationInput(
            title=self.title.data or "", organiser=self.organiser.data or "", place=self.place.data or "",
            start_date=self.start_date.data or "", end_date=self.end_date.data or "",
            subject_type=self.subject_type.data or "", hours=self.hours.data or "",
            hours_reason=self.hours_reason.data or "", pledged=bool(self.pledge.data),
            remove_files=[int(value) for value in self.remove_files.data or []])

    def show(self, error: Refused) -> None:
        """Put ``error`` under the field it names, or above the form."""
        field = self._fields.get(error.field or "")
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("退回原因"), filters=[_strip], render_kw={"rows": 2})
    approve = SubmitField(_l("通过"))
    send_back = SubmitField(_l("退回"))
