"""The form of the trainee's 补录 of a course held for misses (learning.check_rewatch, shown on
我的学习 by learning.record)."""
from flask_wtf import FlaskForm


class RewatchForm(FlaskForm):
    """The 补录 button's form: only its CSRF token."""
