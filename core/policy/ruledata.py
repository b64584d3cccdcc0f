"""Rule sets to and from their JSON form (the admin API, ``flask rules import/export``, the
stored rows), validated: what fails is refused with a :class:`~core.policy.rulebook.RuleError`
naming the field and saying why in Chinese. No app, no database.

The form, hours in 学时 and days as ``MM-DD`` (``+1-MM-DD`` for a day in the next year)::

    {"prefix": "44", "effective_from": "2026-01-01", "name": "广东省（示例）", "source": "…",
     "minutes_per_hour": 45,
     "required_hours": {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18, "total": 90},
     "total_covers_parts": true,
     "windows": {"gongxu": {"start": "01-01", "end": "+1-04-30"}},
     "lock": null, "test_required": true, "daily_cap_hours": null}

A type without a window runs with the calendar year. Offline 学时登记 may add
``"declared_hours_per_half_day"`` (default 4) and ``"declared_max_hours_per_day"`` (default 8).
Server-scheduled checks during video study (issue 19) may add, per kind (``question`` 随堂弹题,
``face`` 人脸抓拍; a kind left out is off)::

    "checks": {"question": {"enabled": true, "per_hour": 4, "window_seconds": 60, "misses_allowed": 2}}

一人一档 (issue 21, docs/rules.md rule 16) may add the carry-over of surplus 学时 into the next
year (off when left out) and the 职称 look-back in years (4 when left out)::

    "carry_over": {"enabled": true, "types": ["zhuanye"], "max_hours": 10}, "review_years": 4
"""
import math
import re
from datetime import date

from flask_babel import gettext as _

from core.policy.rulebook import (
    CALENDAR,
    CHECK_KINDS,
    REVIEW_YEARS,
    SUBJECT_TYPES,
    CarryRule,
    CheckRule,
    MonthDay,
    RuleError,
    RuleSet,
)

_DAY = re.compile(r"^(\+1-)?(\d{2})-(\d{2})$")
_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})?$")
MAX_HOURS = 1000


def dump(rules: RuleSet) -> dict:
    """The JSON form of ``rules``; :func:`load` reads it back to the same set."""
    hours = {kind: rules.required(kind) / 10 for kind in SUBJECT_TYPES}
    return {
        "prefix": rules.prefix, "effective_from": rules.effective_from.isoformat(), "name": rules.name,
        "source": rules.source, "minutes_per_hour": rules.minutes_per_hour,
        "required_hours": {**{kind: number(value) for kind, value in hours.items()},
                           "total": number(rules.total_tenths / 10)},
        "total_covers_parts": rules.total_covers_parts,
        "windows": {kind: {"start": start.text(), "end": end.text()} for kind, (start, end) in rules.windows.items()},
        "lock": rules.lock.text() if rules.lock else None,
        "test_required": rules.test_required,
        "daily_cap_hours": None if rules.daily_cap_tenths is None else number(rules.daily_cap_tenths / 10),
        **_declared(rules),
        **_checks(rules),
        **_record(rules),
    }


def _record(rules: RuleSet) -> dict:
    """Carry-over and the 职称 look-back, only where they differ from the defaults (off, 4 years):
    sets stored before they existed read and write as they did."""
    data = {}
    if rules.carry != CarryRule():
        data["carry_over"] = {"enabled": rules.carry.enabled, "types": list(rules.carry.types),
                              "max_hours": number(rules.carry.max_tenths / 10)}
    if rules.review_years != REVIEW_YEARS:
        data["review_years"] = rules.review_years
    return data


def _checks(rules: RuleSet) -> dict:
    """The checks of the kinds a set changes from the default (off): sets stored before checks
    existed read and write as they did."""
    changed = {kind: rules.check_rule(kind) for kind in CHECK_KINDS if rules.check_rule(kind) != CheckRule()}
    if not changed:
        return {}
    return {"checks": {kind: {"enabled": rule.enabled, "per_hour": number(rule.per_hour),
                              "window_seconds": rule.window_seconds, "misses_allowed": rule.misses_allowed}
                       for kind, rule in changed.items()}}


def _declared(rules: RuleSet) -> dict:
    """The offline 学时登记 numbers, only where they differ from the defaults: rule sets stored
    before they existed read and write as they did."""
    default = RuleSet(prefix="", effective_from=rules.effective_from, minutes_per_hour=1, total_tenths=0)
    keys = {"declared_hours_per_half_day": "declared_half_day_tenths",
            "declared_max_hours_per_day": "declared_max_day_tenths"}
    return {key: number(getattr(rules, name) / 10) for key, name in keys.items()
            if getattr(rules, name) != getattr(default, name)}


def number(value: float):
    """``30.0`` → ``30``: whole 学时 shown without a decimal."""
    return int(value) if float(value).is_integer() else value


def load(data, prefix: str | None = None) -> RuleSet:
    """A rule set from its JSON form; ``prefix`` (from the URL) wins over the body's."""
    if not isinstance(data, dict):
        raise RuleError("body", _("规则应为一个 JSON 对象。"))
    prefix = clean_prefix(data.get("prefix", "") if prefix is None else prefix)
    required = data.get("required_hours") or {}
    if not isinstance(required, dict):
        raise RuleError("required_hours", _("各类科目的要求学时应为一个对象。"))
    parts = {kind: _tenths(required.get(kind, 0), f"required_hours.{kind}") for kind in SUBJECT_TYPES}
    total = _tenths(required.get("total", sum(parts.values()) / 10), "required_hours.total")
    covers = _flag(data.get("total_covers_parts", True), "total_covers_parts")
    if covers and total < sum(parts.values()):
        raise RuleError("required_hours.total", _("年度总学时（%(total)s）不能少于各类科目要求之和（%(sum)s）。",
                                                  total=total / 10, sum=sum(parts.values()) / 10))
    windows = _windows(data.get("windows") or {})
    lock = _day(data["lock"], "lock") if data.get("lock") else None
    _check_lock(lock, windows)
    cap = data.get("daily_cap_hours")
    half_day, max_day = _declared_tenths(data)
    return RuleSet(
        prefix=prefix, effective_from=_date(data.get("effective_from"), "effective_from"),
        minutes_per_hour=_minutes(data.get("minutes_per_hour")), total_tenths=total,
        required_tenths={kind: value for kind, value in parts.items() if value}, total_covers_parts=covers,
        windows=windows, lock=lock, test_required=_flag(data.get("test_required", True), "test_required"),
        daily_cap_tenths=None if cap in (None, "") else _positive_tenths(cap, "daily_cap_hours"),
        name=_text(data.get("name", ""), "name", 64), source=_text(data.get("source", ""), "source", 2000),
        declared_half_day_tenths=half_day, declared_max_day_tenths=max_day,
        **_load_checks(data.get("checks") or {}),
        carry=_carry(data.get("carry_over")), review_years=_review_years(data.get("review_years", REVIEW_YEARS)),
    )


def _carry(data) -> CarryRule:
    """The ``carry_over`` object: off when left out; when on, at least one subject type and a
    positive most (at most 1000 学时)."""
    if data is None:
        return CarryRule()
    if not isinstance(data, dict) or set(data) - {"enabled", "types", "max_hours"}:
        raise RuleError("carry_over", _("学时结转应为一个对象（enabled、types、max_hours）。"))
    enabled = _flag(data.get("enabled", False), "carry_over.enabled")
    types = data.get("types") or []
    if not isinstance(types, list) or any(kind not in SUBJECT_TYPES for kind in types):
        raise RuleError("carry_over.types", _("可结转的科目类型应为 gongxu、zhuanye、xuanxiu 中的若干项。"))
    most = _tenths(data.get("max_hours", 0), "carry_over.max_hours")
    if enabled and not types:
        raise RuleError("carry_over.types", _("开启学时结转时，请至少选择一类科目。"))
    if enabled and not most:
        raise RuleError("carry_over.max_hours", _("开启学时结转时，每年最多结转学时应大于0。"))
    ordered = tuple(kind for kind in SUBJECT_TYPES if kind in types)
    return CarryRule(enabled, ordered, most) if enabled or ordered or most else CarryRule()


def _review_years(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise RuleError("review_years", _("职称评审回溯年数应为1至10之间的整数。"))
    return value


def _load_checks(data) -> dict:
    """The ``checks`` object as RuleSet fields; a kind left out is off, a number left out its default."""
    if not isinstance(data, dict) or set(data) - set(CHECK_KINDS):
        raise RuleError("checks", _("学习检查应按类型（question 随堂弹题、face 人脸抓拍）给出。"))
    return {f"{kind}_checks": _check_rule(data[kind], f"checks.{kind}") for kind in data}


def _check_rule(data, name: str) -> CheckRule:
    if not isinstance(data, dict):
        raise RuleError(name, _("学习检查设置应为一个对象。"))
    default = CheckRule()
    per_hour = data.get("per_hour", default.per_hour)
    if isinstance(per_hour, bool) or not isinstance(per_hour, int | float) or not math.isfinite(per_hour) \
            or not 0 < per_hour <= 60:
        raise RuleError(f"{name}.per_hour", _("每小时检查次数应大于0且不超过60。"))
    window = data.get("window_seconds", default.window_seconds)
    if isinstance(window, bool) or not isinstance(window, int) or not 10 <= window <= 600:
        raise RuleError(f"{name}.window_seconds", _("作答时限应为10至600之间的整数秒。"))
    misses = data.get("misses_allowed", default.misses_allowed)
    if isinstance(misses, bool) or not isinstance(misses, int) or not 0 <= misses <= 100:
        raise RuleError(f"{name}.misses_allowed", _("允许未通过次数应为0至100之间的整数。"))
    return CheckRule(enabled=_flag(data.get("enabled", False), f"{name}.enabled"), per_hour=number(per_hour),
                     window_seconds=window, misses_allowed=misses)


def _declared_tenths(data: dict) -> tuple[int, int]:
    """学时 per half-day of a declared offline training and the most per day (4 and 8 unless given)."""
    half_day = _tenths(data.get("declared_hours_per_half_day", 4), "declared_hours_per_half_day")
    max_day = _tenths(data.get("declared_max_hours_per_day", 8), "declared_max_hours_per_day")
    if not 0 < half_day <= 120:
        raise RuleError("declared_hours_per_half_day", _("每半天的登记学时应大于0且不超过12。"))
    if not 0 < max_day <= 240:
        raise RuleError("declared_max_hours_per_day", _("每天最多登记学时应大于0且不超过24。"))
    return half_day, max_day


def clean_prefix(value) -> str:
    """Two, four or six digits of a GB/T 2260 code, or empty for the national set."""
    prefix = str(value or "").strip()
    if prefix == "national":
        return ""
    if not _PREFIX.match(prefix) or not prefix.isascii():
        raise RuleError("prefix", _("地区前缀应为行政区划代码的前2、4或6位数字（全国规则留空）。"))
    return prefix


def _tenths(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RuleError(name, _("学时应为不小于0的数字。"))
    try:
        hours = float(value)
    except ValueError:
        raise RuleError(name, _("学时应为不小于0的数字。")) from None
    if not math.isfinite(hours) or hours < 0 or hours > MAX_HOURS:
        raise RuleError(name, _("学时应为0至%(max)s之间的数字。", max=MAX_HOURS))
    if abs(hours * 10 - round(hours * 10)) > 1e-6:
        raise RuleError(name, _("学时最多保留一位小数。"))
    return round(hours * 10)


def _positive_tenths(value, name: str) -> int:
    tenths = _tenths(value, name)
    if tenths <= 0:
        raise RuleError(name, _("每日上限应大于0；不设上限请留空。"))
    return tenths


def _minutes(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError("minutes_per_hour", _("每学时分钟数应为数字。"))
    if not math.isfinite(value) or not 0 < value <= 120:
        raise RuleError("minutes_per_hour", _("每学时分钟数应大于0且不超过120。"))
    return value


def _flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(name, _("应为 true 或 false。"))
    return value


def _text(value, name: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise RuleError(name, _("应为不超过%(limit)s个字的文字。", limit=limit))
    return value.strip()


def _date(value, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(name, _("生效日期应为 YYYY-MM-DD 格式的日期。")) from None


def _day(value, name: str) -> MonthDay:
    match = _DAY.match(str(value))
    if not match:
        raise RuleError(name, _("日期应为 MM-DD 格式（次年的日期写作 +1-MM-DD）。"))
    day = MonthDay(int(match[2]), int(match[3]), 1 if match[1] else 0)
    try:
        day.on(2001)  # not a leap year: 02-29 would vanish three years in four
    except ValueError:
        raise RuleError(name, _("日期 %(day)s 不存在（2月29日不能用作规则日期）。", day=value)) from None
    return day


def _windows(data) -> dict[str, tuple[MonthDay, MonthDay]]:
    if not isinstance(data, dict) or set(data) - set(SUBJECT_TYPES):
        raise RuleError("windows", _("学时年度应按科目类型（gongxu、zhuanye、xuanxiu）给出。"))
    windows = {}
    for kind, window in data.items():
        if not isinstance(window, dict):
            raise RuleError(f"windows.{kind}", _("学时年度应给出 start 和 end。"))
        start, end = _day(window.get("start"), f"windows.{kind}.start"), _day(window.get("end"), f"windows.{kind}.end")
        if start.years_after or end.on(2001) <= start.on(2001):
            raise RuleError(f"windows.{kind}", _("学时年度应在当年开始，且结束日期晚于开始日期。"))
        if (start, end) != CALENDAR:
            windows[kind] = (start, end)
    return windows


def _check_lock(lock: MonthDay | None, windows) -> None:
    if lock is None:
        return
    starts = [start for start, _end in windows.values()] or [CALENDAR[0]]
    if any(lock.on(2001) <= start.on(2001) for start in starts):
        raise RuleError("lock", _("锁定日期应晚于各类科目学时年度的开始日期。"))
