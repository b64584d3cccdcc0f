"""What a partner may report, as plain functions of explicit inputs (``today`` included): the
fields of a completion as the partner sent them, the limits of its accreditation, the hours a
correction writes, and the digest that tells a replay from a different body under one key.

Each refusal is a :class:`core.http.Refused` with a status, a code, a Chinese message and the
field at fault; nothing is written before every check has passed.
"""
import hashlib
import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from core.http import Refused
from core.policy.rulebook import SUBJECT_TYPES

FIELDS = ("id_number", "name", "course_title", "subject_type", "start_date", "end_date", "hours",
          "certificate_number")
LIMITS = {"name": 64, "course_title": 200, "certificate_number": 64, "reason": 500}
MAX_KEY = 128


@dataclass(frozen=True)
class Accreditation:
    """What a partner's accreditation allows: subject types, tenths of a 学时 per trainee and
    credit year, and the dates it holds (both included)."""

    subject_types: tuple[str, ...]
    hours_per_year_tenths: int
    accredited_from: date
    accredited_until: date


def body_digest(body: dict) -> str:
    """The SHA-256 of ``body`` in a canonical form (sorted keys, no spaces): two bodies with the
    same fields and values have the same digest, however they were laid out."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(value: str | None) -> str:
    """The ``Idempotency-Key`` header: 1 to 128 printable ASCII characters."""
    key = (value or "").strip()
    if not key or len(key) > MAX_KEY or not all(33 <= ord(c) < 127 for c in key):
        raise Refused(422, "invalid_idempotency_key",
                      _("请在 Idempotency-Key 请求头中提供1至128个可打印字符的幂等键。"), "Idempotency-Key")
    return key


def text(body: dict, name: str) -> str:
    """A required text field, control characters dropped, within its length."""
    value = body.get(name)
    if not isinstance(value, str):
        raise Refused(422, f"invalid_{name}", _("%(field)s 应为文字。", field=name), name)
    kept = "".join(c for c in value if c.isprintable()).strip()
    if not kept or len(kept) > LIMITS.get(name, 64):
        raise Refused(422, f"invalid_{name}", _("%(field)s 不能为空，最多 %(n)s 个字。", field=name,
                                                n=LIMITS.get(name, 64)), name)
    return kept


def day(body: dict, name: str) -> date:
    """A date field in YYYY-MM-DD form."""
    value = body.get(name)
    try:
        if not isinstance(value, str) or len(value.strip()) != 10:
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Refused(422, f"invalid_{name}", _("%(field)s 应为 YYYY-MM-DD 格式的日期。", field=name), name) from None


def tenths(value, name: str = "hours") -> int:
    """Hours as a JSON number (or its text) with at most one decimal, above 0, in tenths."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Refused(422, f"invalid_{name}", _("学时应为大于0的数字，最多一位小数。"), name)
    try:
        hours = float(value)
    except ValueError:
        hours = float("nan")
    if hours != hours or not 0 < hours <= 1000 or abs(hours * 10 - round(hours * 10)) > 1e-6:
        raise Refused(422, f"invalid_{name}", _("学时应为大于0的数字，最多一位小数。"), name)
    return round(hours * 10)


def check_completion(accreditation: Accreditation, subject_type: str, start: date, end: date, today: date) -> None:
    """The subject type and the dates of a completion against the accreditation and ``today``."""
    if subject_type not in SUBJECT_TYPES:
        raise Refused(422, "invalid_subject_type", _("subject_type 应为 gongxu、zhuanye 或 xuanxiu。"), "subject_type")
    if subject_type not in accreditation.subject_types:
        raise Refused(422, "subject_type_not_accredited", _("本平台未获认可报送该科目类型的学时。"), "subject_type")
    if end < start:
        raise Refused(422, "invalid_end_date", _("结束日期不能早于开始日期。"), "end_date")
    if end > today:
        raise Refused(422, "invalid_end_date", _("结束日期不能晚于今天。"), "end_date")
    first, last = accreditation.accredited_from, accreditation.accredited_until
    if start < first or end > last:
        raise Refused(422, "outside_accreditation",
                      _("学习日期应在本平台的认可期内（%(start)s 至 %(end)s）。",
                        start=first.isoformat(), end=last.isoformat()),
                      "start_date" if start < first else "end_date")


def check_hours(accreditation: Accreditation, used_tenths: int, adding_tenths: int) -> None:
    """``adding_tenths`` more for a trainee and year already holding ``used_tenths`` from this
    partner (corrections included) stays within the yearly limit."""
    if used_tenths + adding_tenths > accreditation.hours_per_year_tenths:
        left = max(accreditation.hours_per_year_tenths - used_tenths, 0)
        raise Refused(422, "hours_limit",
                      _("超出本平台每人每年可报送的 %(limit)s 学时，该学员本年度还可报送 %(left)s 学时。",
                        limit=f"{accreditation.hours_per_year_tenths / 10:g}", left=f"{left / 10:g}"), "hours")


def correction_tenths(body: dict, current_tenths: int) -> int:
    """What a correction writes: ``{"withdraw": true}`` takes the row's hours back to 0,
    ``{"hours": h}`` sets the corrected total; refused when nothing would change."""
    withdraw = body.get("withdraw", False)
    if not isinstance(withdraw, bool):
        raise Refused(422, "invalid_withdraw", _("withdraw 应为 true 或 false。"), "withdraw")
    if withdraw == ("hours" in body):
        raise Refused(422, "invalid_correction", _("请给出更正后的学时 hours，或 withdraw 为 true，二者选一。"),
                      "hours")
    if current_tenths <= 0:
        raise Refused(409, "withdrawn", _("这条记录已撤回，不能再更正。"))
    delta = -current_tenths if withdraw else tenths(body["hours"]) - current_tenths
    if not delta:
        raise Refused(409, "unchanged", _("更正后的学时与现有学时相同。"), "hours")
    return delta
