"""The form field of a region, entered or filtered with the cascading 省 → 市 → 区县 picker.

One helper for every form: :class:`RegionField` reads the picker's selects (or one code, as an API
client or a link sends it) by :func:`accounts.region_tree.chosen`, refuses what
:func:`accounts.region_tree.problem` refuses (a made-up code, one outside the ``scope`` the view
sets for an officer), and gives the template its levels (``field.levels()``) for the
``region_picker`` macro of templates/_region_picker.html.

Without JavaScript a POST form's picker has a 下一级 button: it submits the form with
``region_step`` so that the view re-renders it, unsaved, with the next level to choose from
(:func:`stepping`). A GET filter needs none: its own submit button does the same.
"""
from flask import request
from wtforms import StringField
from wtforms.validators import StopValidation

from accounts import region_tree
from accounts.regions import is_region_code

STEP = "region_step"


class RegionField(StringField):
    """A six-digit region code chosen with the picker; "" when none.

    ``leaf``: the choice must go down to a division with nothing below it (a county).
    ``scope`` (set by the view): the area the person may choose in; their pickers start there.
    ``keep`` (set by the view): the code stored already, which may stay even if since retired.
    ``current``: only divisions in force are taken (not so for a filter, which may look for a retired code).
    ``malformed``: the message for what is no six-digit code, where a room words it its own way.
    """

    def __init__(self, label=None, validators=None, *, leaf: bool = False, current: bool = True,
                 malformed: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.leaf = leaf
        self.current = current
        self.malformed = malformed
        self.scope = ""
        self.keep = ""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = region_tree.chosen(valuelist)

    def pre_validate(self, form):
        message = region_tree.problem(self.data or "", self.scope, self.leaf, self.keep, self.current)
        if message and self.malformed and not is_region_code(self.data):
            message = str(self.malformed)
        if message:
            raise StopValidation(message)

    def levels(self) -> tuple[region_tree.Level, ...]:
        """The picker's selects for what is chosen now."""
        return region_tree.levels(self.data or "", self.scope)


def stepping() -> bool:
    """Whether this POST asks only for the picker's next level (the 下一级 button, no JavaScript)."""
    return request.method == "POST" and STEP in request.form
