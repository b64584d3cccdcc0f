"""The forms of face checks; every rule is the services' (faces.profiles, faces.review)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SubmitField, TextAreaField


class ConsentForm(FlaskForm):
    agree = SubmitField(_l("同意并采集照片"))
    decline = SubmitField(_l("不同意，选择人工核验"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("照片"), render_kw={"accept": "image/jpeg,image/png"})
    submit = SubmitField(_l("提交照片"))


class WithdrawForm(FlaskForm):
    withdraw = SubmitField(_l("撤回同意并删除照片"))


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("复核说明"), render_kw={"rows": 2, "maxlength": 1000})
    accept = SubmitField(_l("确认是本人"))
    reject = SubmitField(_l("不是本人"))


class InPersonForm(FlaskForm):
    note = TextAreaField(_l("核实情况"), render_kw={"rows": 2, "maxlength": 1000})
    confirm = SubmitField(_l("已当面核实本人身份"))


def photo_bytes(form: PhotoForm, limit: int) -> bytes:
    """The uploaded photo's bytes (at most ``limit`` + 1, so the service can refuse a larger one)."""
    storage = form.photo.data
    return storage.stream.read(limit + 1) if storage is not None and hasattr(storage, "stream") else b""
