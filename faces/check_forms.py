"""The form that clears a course held for failed and missed checks over the allowance
(learning.check_review), on the bureau's and the unit administrator's 随堂检查 pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClearChecksForm(FlaskForm):
    user_id = HiddenField()
    course_id = HiddenField()
    note = TextAreaField(_l("审核说明"), filters=[_strip])
    submit = SubmitField(_l("审核通过，解除暂缓"))

    def ids(self) -> tuple[int, int] | None:
        raw = (self.user_id.data or "", self.course_id.data or "")
        return (int(raw[0]), int(raw[1])) if all(value.isdigit() and len(value) < 12 for value in raw) else None
