"""Web forms of the accounts room. Field rules live in ``accounts.validators``, shared with the CLI."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation

from accounts import validators as v
from accounts.models import ROLE_NAMES, ROLES
from accounts.region_field import RegionField
from core.db import utcnow


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_NAMES[role]) for role in ROLES]


def rule(clean):
    """A WTForms validator from a ``validators.clean_*`` function: it also stores the clean value."""

    def check(form, field):
        try:
            field.data = clean(field.data)
        except v.FieldError as e:
            raise StopValidation(str(e)) from None

    return check


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _id_number(value):
    return v.clean_id_number(value, v.china_today(utcnow()))


class LoginForm(FlaskForm):
    identifier = StringField(_l("身份证号或手机号"), filters=[_strip],
                             validators=[DataRequired(_l("请填写身份证号或手机号。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请填写密码。"))])
    submit = SubmitField(_l("登录"))


class RegisterForm(FlaskForm):
    real_name = StringField(_l("真实姓名"), validators=[rule(v.clean_real_name)])
    id_number = StringField(_l("身份证号"), validators=[rule(_id_number)])
    phone = StringField(_l("手机号"), validators=[rule(v.clean_phone)])
    employer = StringField(_l("工作单位"), validators=[rule(v.clean_employer)])
    region_code = RegionField(_l("所在地区（选填）"), leaf=True)
    title = StringField(_l("职称（选填）"), validators=[rule(v.clean_title)])
    password = PasswordField(_l("密码"), validators=[rule(v.clean_password)])
    confirm = PasswordField(_l("确认密码"), validators=[
        DataRequired(_l("请再次输入密码。")), EqualTo("password", _l("两次输入的密码不一致。")),
    ])
    submit = SubmitField(_l("注册"))

    def values(self) -> dict:
        """The cleaned account fields, the region defaulting to the ID number's."""
        values = {name: self[name].data for name in
                  ("real_name", "id_number", "phone", "employer", "region_code", "title", "password")}
        values["region_code"] = values["region_code"] or values["id_number"][:6]
        return values


class PasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码。"))])
    password = PasswordField(_l("新密码"), validators=[rule(v.clean_password)])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。")),
    ])
    submit = SubmitField(_l("修改密码"))


class EmailForm(FlaskForm):
    email = StringField(_l("电子邮箱（选填）"), validators=[rule(v.clean_email)])
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码。"))])
    submit = SubmitField(_l("保存邮箱"))


class RegionForm(FlaskForm):
    """A trainee's own region (所在地区), chosen down to the county."""

    region_code = RegionField(_l("所在地区"), leaf=True)
    submit = SubmitField(_l("保存地区"))

    def validate_region_code(self, field):
        if not field.data:
            raise StopValidation(_l("请选择所在地区。"))


class PhoneForm(FlaskForm):
    phone = StringField(_l("新手机号"), validators=[rule(v.clean_phone)])
    current = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请填写当前密码。"))])
    submit = SubmitField(_l("更换手机号"))


class TitleForm(FlaskForm):
    title = StringField(_l("职称（选填）"), validators=[rule(v.clean_title)])
    submit = SubmitField(_l("保存职称"))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField(_l("姓名、手机号或身份证号"), filters=[_strip])
    role = SelectField(_l("角色"), choices=[SelectChoice("", _l("全部角色"))] + _role_choices())


class UserEditForm(FlaskForm):
    role = SelectField(_l("角色"), choices=_role_choices())
    organisation = StringField(_l("所属机构（课程制作方必填）"), validators=[rule(v.clean_organisation)])
    region_code = RegionField(_l("地区"))
    active = BooleanField(_l("账号启用"))
    submit = SubmitField(_l("保存"))

    def validate_organisation(self, field):
        if self.role.data == "producer" and not field.data:
            raise StopValidation(_l("课程制作方须填写所属机构。"))

    def validate_region_code(self, field):
        # Every account has a region; a bureau officer's is the area whose records they see.
        if not field.data:
            raise StopValidation(_l("人社部门账号须填写有效的行政区划代码。") if self.role.data == "bureau"
                                 else _l("请填写行政区划代码。"))


class TokenForm(FlaskForm):
    user = StringField(_l("令牌所属用户（身份证号或手机号）"), filters=[_strip],
                       validators=[DataRequired(_l("请填写用户的身份证号或手机号。"))])
    name = StringField(_l("令牌名称"), filters=[_strip], validators=[
        DataRequired(_l("请填写令牌名称。")), Length(max=64, message=_l("令牌名称不能超过64个字。")),
    ])
    region_code = RegionField(_l("限定地区（选填）"))
    submit = SubmitField(_l("生成令牌"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("操作"), choices=[SelectChoice("", _l("全部操作"))], validate_choice=False)
