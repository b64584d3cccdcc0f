"""The form of one unit; every check is the service's (units.service), made once."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField

from accounts.region_field import RegionField
from units.models import Unit
from units.service import Refused, UnitInput


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UnitForm(FlaskForm):
    name = StringField(_l("单位名称"), filters=[_strip])
    credit_code = StringField(_l("统一社会信用代码"), filters=[_strip])
    region_code = RegionField(_l("地区"))  # the view sets its scope: an officer's own area
    address = StringField(_l("地址"), filters=[_strip])
    active = BooleanField(_l("启用"), default=True)
    submit = SubmitField(_l("保存"))

    def fill(self, unit: Unit) -> None:
        for name in ("name", "credit_code", "region_code", "address", "active"):
            getattr(self, name).data = getattr(unit, name)

    def as_input(self, creating: bool) -> UnitInput:
        return UnitInput(name=self.name.data or "", credit_code=self.credit_code.data or "",
                         region_code=self.region_code.data or "", address=self.address.data or "",
                         active=None if creating else bool(self.active.data))

    def show(self, error: Refused) -> None:
        """Put ``error`` under the field it names, or above the form."""
        field = self._fields.get(error.field or "")
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


class UnitAdminForm(FlaskForm):
    """A new unit administrator; units.admins checks the fields (accounts.validators' rules)."""

    real_name = StringField(_l("真实姓名"), filters=[_strip])
    id_number = StringField(_l("身份证号"), filters=[_strip])
    phone = StringField(_l("手机号"), filters=[_strip])
    submit = SubmitField(_l("创建单位管理员"))

    def raw(self) -> dict:
        return {name: self[name].data or "" for name in ("real_name", "id_number", "phone")}

    def show(self, errors: dict) -> None:
        for name, message in errors.items():
            self[name].errors = [*self[name].errors, message]
