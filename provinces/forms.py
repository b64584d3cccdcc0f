"""The admin form of one rule set version, to and from the JSON form that core.policy.ruledata
validates: the form only carries text; every rule is checked there, once."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField

from core.policy import ruledata
from core.policy.rulebook import SUBJECT_TYPES, RuleError, RuleSet

# The offline 学时登记 numbers (docs/rules.md rule 15): JSON key → form field.
DECLARED = {"declared_hours_per_half_day": "declared_half_day", "declared_max_hours_per_day": "declared_max_day"}
# Server-scheduled checks (issue 19): JSON key of a kind's setting → form field suffix.
CHECK_FIELDS = {"per_hour": "per_hour", "window_seconds": "window", "misses_allowed": "misses"}
CHECK_LABELS = {"question": _l("随堂弹题"), "face": _l("人脸抓拍")}
TYPE_LABELS = {"gongxu": _l("公需科目"), "zhuanye": _l("专业科目"), "xuanxiu": _l("选修科目")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RuleForm(FlaskForm):
    prefix = StringField(_l("地区前缀"), filters=[_strip])
    effective_from = StringField(_l("生效日期"), filters=[_strip])
    name = StringField(_l("名称"), filters=[_strip])
    source = TextAreaField(_l("依据说明"), filters=[_strip])
    minutes_per_hour = StringField(_l("每学时分钟数"), filters=[_strip])
    required_gongxu = StringField(_l("公需科目学时"), filters=[_strip])
    required_zhuanye = StringField(_l("专业科目学时"), filters=[_strip])
    required_xuanxiu = StringField(_l("选修科目学时"), filters=[_strip])
    required_total = StringField(_l("年度总学时"), filters=[_strip])
    total_covers_parts = BooleanField(_l("总学时不少于各类科目之和"), default=True)
    window_gongxu_start = StringField(_l("公需科目年度开始"), filters=[_strip])
    window_gongxu_end = StringField(_l("公需科目年度结束"), filters=[_strip])
    window_zhuanye_start = StringField(_l("专业科目年度开始"), filters=[_strip])
    window_zhuanye_end = StringField(_l("专业科目年度结束"), filters=[_strip])
    window_xuanxiu_start = StringField(_l("选修科目年度开始"), filters=[_strip])
    window_xuanxiu_end = StringField(_l("选修科目年度结束"), filters=[_strip])
    lock = StringField(_l("锁定日期"), filters=[_strip])
    test_required = BooleanField(_l("须通过课程考试"), default=True)
    daily_cap = StringField(_l("每日学时上限"), filters=[_strip])
    declared_half_day = StringField(_l("线下培训每半天学时"), filters=[_strip])
    declared_max_day = StringField(_l("线下培训每天最多学时"), filters=[_strip])
    question_enabled = BooleanField(_l("开启随堂弹题"), default=False)
    question_per_hour = StringField(_l("随堂弹题每小时次数"), filters=[_strip])
    question_window = StringField(_l("随堂弹题作答时限（秒）"), filters=[_strip])
    question_misses = StringField(_l("随堂弹题允许未通过次数"), filters=[_strip])
    face_enabled = BooleanField(_l("开启人脸抓拍"), default=False)
    face_per_hour = StringField(_l("人脸抓拍每小时次数"), filters=[_strip])
    face_window = StringField(_l("人脸抓拍作答时限（秒）"), filters=[_strip])
    face_misses = StringField(_l("人脸抓拍允许未通过次数"), filters=[_strip])
    # 一人一档 (issue 21, docs/rules.md rule 16): surplus carried into the next year, the 职称 look-back.
    carry_enabled = BooleanField(_l("超出要求的学时结转至下一年度"), default=False)
    carry_gongxu = BooleanField(_l("公需科目可结转"), default=False)
    carry_zhuanye = BooleanField(_l("专业科目可结转"), default=False)
    carry_xuanxiu = BooleanField(_l("选修科目可结转"), default=False)
    carry_max = StringField(_l("每年最多结转学时"), filters=[_strip])
    review_years = StringField(_l("职称评审回溯年数"), filters=[_strip])
    submit = SubmitField(_l("保存"))

    def as_json(self) -> dict:
        """The JSON form of what was filled in: an empty requirement is 0, an empty total the sum
        of the parts, an empty window the calendar year, an empty lock or cap none."""
        required = {kind: self[f"required_{kind}"].data or "0" for kind in SUBJECT_TYPES}
        if self.required_total.data:
            required["total"] = self.required_total.data
        windows = {}
        for kind in SUBJECT_TYPES:
            start, end = self[f"window_{kind}_start"].data, self[f"window_{kind}_end"].data
            if start or end:
                windows[kind] = {"start": start, "end": end}
        return {
            "prefix": self.prefix.data, "effective_from": self.effective_from.data, "name": self.name.data or "",
            "source": self.source.data or "", "minutes_per_hour": _number(self.minutes_per_hour.data),
            "required_hours": required, "total_covers_parts": bool(self.total_covers_parts.data),
            "windows": windows, "lock": self.lock.data or None, "test_required": bool(self.test_required.data),
            "daily_cap_hours": self.daily_cap.data or None,
            # Empty: the defaults (4 and 8), which the JSON form then leaves out.
            **{key: _number(self[name].data) for key, name in DECLARED.items() if self[name].data},
            "checks": {kind: self._check(kind) for kind in CHECK_LABELS},
            **self._record(),
        }

    def _record(self) -> dict:
        """Carry-over as filled in (left out when nothing is), and the look-back (empty: 4 years)."""
        types = [kind for kind in SUBJECT_TYPES if self[f"carry_{kind}"].data]
        data = {}
        if self.carry_enabled.data or types or self.carry_max.data:
            data["carry_over"] = {"enabled": bool(self.carry_enabled.data), "types": types,
                                  "max_hours": self.carry_max.data or "0"}
        if self.review_years.data:
            data["review_years"] = _number(self.review_years.data)
        return data

    def _check(self, kind: str) -> dict:
        """One kind of check as filled in: an empty number keeps its default."""
        values = {key: _number(self[f"{kind}_{name}"].data) for key, name in CHECK_FIELDS.items()
                  if self[f"{kind}_{name}"].data}
        return {"enabled": bool(self[f"{kind}_enabled"].data), **values}

    def fill(self, rules: RuleSet) -> None:
        """Show a stored version."""
        data = ruledata.dump(rules)
        for key in ("prefix", "effective_from", "name", "source", "total_covers_parts", "test_required"):
            self[key].data = data[key]
        self.prefix.data = rules.prefix or "national"
        self.minutes_per_hour.data = str(data["minutes_per_hour"])
        for kind in (*SUBJECT_TYPES, "total"):
            self[f"required_{kind}"].data = str(data["required_hours"][kind])
        for kind, window in data["windows"].items():
            self[f"window_{kind}_start"].data, self[f"window_{kind}_end"].data = window["start"], window["end"]
        self.lock.data = data["lock"] or ""
        self.daily_cap.data = "" if data["daily_cap_hours"] is None else str(data["daily_cap_hours"])
        for key, name in DECLARED.items():
            self[name].data = str(data[key]) if key in data else ""
        for kind in CHECK_LABELS:
            rule = rules.check_rule(kind)
            self[f"{kind}_enabled"].data = rule.enabled
            for key, name in CHECK_FIELDS.items():
                self[f"{kind}_{name}"].data = str(ruledata.number(getattr(rule, key)))
        self.carry_enabled.data = rules.carry.enabled
        for kind in SUBJECT_TYPES:
            self[f"carry_{kind}"].data = kind in rules.carry.types
        self.carry_max.data = str(ruledata.number(rules.carry.max_tenths / 10)) if rules.carry.max_tenths else ""
        self.review_years.data = str(rules.review_years)

    def show(self, error: RuleError) -> None:
        """Put ``error`` under the field it names (the form's first window field for a window as a whole)."""
        parts = error.field.split(".")
        if parts[0] == "required_hours" and len(parts) > 1:
            name = f"required_{parts[1]}"
        elif parts[0] == "checks" and len(parts) > 1:
            name = f"{parts[1]}_{CHECK_FIELDS.get(parts[-1], 'enabled')}"
        elif parts[0] == "windows":
            name = f"window_{parts[1] if len(parts) > 1 else 'gongxu'}_{parts[2] if len(parts) > 2 else 'start'}"
        elif parts[0] == "carry_over":
            name = "carry_max" if parts[-1] == "max_hours" else "carry_enabled"
        else:
            name = {"daily_cap_hours": "daily_cap", **DECLARED}.get(parts[0], parts[0])
        field = self._fields.get(name, self.prefix)
        field.errors = [*field.errors, error.message]


def _number(text: str | None):
    """``45`` → 45, ``37.5`` → 37.5; anything else as it was typed, for the check to refuse."""
    try:
        value = float(text or "")
    except ValueError:
        return text
    return ruledata.number(value)
