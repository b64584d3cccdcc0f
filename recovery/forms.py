"""The recovery pages' forms; field rules are accounts.validators'."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from accounts import validators as v
from accounts.forms import rule


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ForgotForm(FlaskForm):
    identifier = StringField(_l("身份证号或手机号"), filters=[_strip], validators=[
        DataRequired(_l("请填写身份证号或手机号。")), Length(max=32, message=_l("请填写身份证号或手机号。"))])
    submit = SubmitField(_l("发送重置链接"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[rule(v.clean_password)])
    confirm = PasswordField(_l("确认新密码"), validators=[
        DataRequired(_l("请再次输入新密码。")), EqualTo("password", _l("两次输入的密码不一致。")),
    ])
    submit = SubmitField(_l("设置新密码"))


class SmsStartForm(FlaskForm):
    phone = StringField(_l("手机号"), validators=[rule(v.clean_phone)])
    submit = SubmitField(_l("获取验证码"))


class SmsResetForm(NewPasswordForm):
    phone = StringField(_l("手机号"), validators=[rule(v.clean_phone)])
    code = StringField(_l("短信验证码"), filters=[_strip], validators=[
        DataRequired(_l("请填写短信验证码。")), Length(max=12, message=_l("验证码为6位数字。"))])
