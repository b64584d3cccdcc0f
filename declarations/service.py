"""A trainee's side of offline 学时登记: declare, fix and resubmit a returned declaration,
withdraw. Flushes only; the caller commits (and rolls back on :class:`Refused`).

What a person typed is checked here against the rule (core.policy: the default 学时 of the
dates and the most that may be declared, the credit year of the end date, its lock) and
refused with a status, a code and a Chinese message; nothing is changed by a refusal.
Each step is a DeclarationStep row and an audit row.
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from accounts import audit
from accounts.models import User
from core import policy
from core.extensions import db
from core.http import Refused
from core.policy.rulebook import SUBJECT_TYPES, china_date
from declarations import evidence
from declarations.models import Declaration, DeclarationStep
from units.models import Unit, UnitLink

__all__ = ["Refused", "DeclarationInput", "declare", "resubmit", "withdraw"]
OPEN = ("unit_review", "bureau_review", "returned")
LIMITS = {"title": 200, "organiser": 128, "place": 128, "hours_reason": 1000}


def status_names() -> dict[str, str]:
    """Each status in the request's language."""
    return {"unit_review": _("单位初审中"), "bureau_review": _("人社部门复审中"), "returned": _("已退回"),
            "approved": _("已通过"), "withdrawn": _("已撤回")}


def step_names() -> dict[str, str]:
    """Each step of a declaration's timeline in the request's language."""
    return {"submitted": _("提交登记"), "resubmitted": _("修改后重新提交"), "unit_approved": _("单位初审通过"),
            "returned": _("退回"), "approved": _("人社部门复审通过"), "withdrawn": _("撤回")}


@dataclass
class DeclarationInput:
    """What the form or the API sends, as text; ``hours`` empty takes the rule's default."""

    title: str = ""
    organiser: str = ""
    place: str = ""
    start_date: str = ""
    end_date: str = ""
    subject_type: str = ""
    hours: str = ""
    hours_reason: str = ""
    pledged: bool = False
    remove_files: list[int] = field(default_factory=list)


def clean(text, limit: int, name: str, multiline: bool = False) -> str:
    """Printable text (control characters dropped: PostgreSQL refuses a NUL), at most ``limit``."""
    if not isinstance(text, str):
        raise Refused(422, f"invalid_{name}", _("%(field)s 应为文字。", field=name), name)
    kept = "".join(c for c in text if c.isprintable() or (multiline and c == "\n")).strip()
    if len(kept) > limit:
        raise Refused(422, f"invalid_{name}", _("最多 %(n)s 个字。", n=limit), name)
    return kept


def day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise Refused(422, f"invalid_{name}", _("请填写 YYYY-MM-DD 格式的日期。"), name) from None


def _tenths(text: str) -> int:
    try:
        hours = float(str(text).strip())
    except ValueError:
        raise Refused(422, "invalid_hours", _("学时应为数字，最多一位小数。"), "hours") from None
    if not math.isfinite(hours) or abs(hours * 10 - round(hours * 10)) > 1e-6:
        raise Refused(422, "invalid_hours", _("学时应为数字，最多一位小数。"), "hours")
    return round(hours * 10)


def confirmed_unit(user: User) -> Unit:
    """The unit that confirmed the trainee; refused when none has."""
    link = db.session.scalar(select(UnitLink).where(UnitLink.user_id == user.id, UnitLink.status == "confirmed"))
    if link is None:
        raise Refused(409, "no_unit", _("请先在个人资料中选择工作单位，并等待单位管理员确认后再登记学时。"))
    return link.unit


def checked(user: User, data: DeclarationInput, now: datetime) -> dict:
    """The declaration's fields from ``data``, or Refused naming the first field at fault."""
    fields = {name: clean(getattr(data, name), limit, name, name == "hours_reason") for name, limit in LIMITS.items()}
    for name, message in (("title", _("请填写培训名称。")), ("organiser", _("请填写主办单位。"))):
        if not fields[name]:
            raise Refused(422, f"invalid_{name}", message, name)
    if data.subject_type not in SUBJECT_TYPES:
        raise Refused(422, "invalid_subject_type", _("请选择科目类型。"), "subject_type")
    start, end = day(data.start_date, "start_date"), day(data.end_date, "end_date")
    if end < start:
        raise Refused(422, "invalid_end_date", _("结束日期不能早于开始日期。"), "end_date")
    if end > china_date(now):
        raise Refused(422, "invalid_end_date", _("只能登记已经结束的培训，结束日期不能晚于今天。"), "end_date")
    year, why = policy.declared_year(data.subject_type, user.region_code, end, now)
    if year is None:
        message = (_("%(year)s 年度学时已锁定，不能再登记。", year=end.year) if why == "year_locked"
                   else _("该日期不在%(type)s的学时年度内。", type=policy.subject_name(data.subject_type)))
        raise Refused(409, why, message, "end_date")
    default, most = policy.declared_hours(user.region_code, year, start, end)
    hours = _tenths(data.hours) if str(data.hours or "").strip() else default
    if not 0 < hours <= most:
        raise Refused(422, "invalid_hours", _("学时应大于0且不超过 %(max)s（按培训日期计算）。", max=f"{most / 10:g}"),
                      "hours")
    if hours != default and not fields["hours_reason"]:
        message = _("学时与按日期计算的 %(n)s 不同，请说明原因。", n=f"{default / 10:g}")
        raise Refused(422, "invalid_hours_reason", message, "hours_reason")
    if not data.pledged:
        raise Refused(422, "no_pledge", _("请勾选“本人承诺以上信息属实”。"), "pledge")
    return {**fields, "start_date": start, "end_date": end, "subject_type": data.subject_type, "year": year,
            "hours_tenths": hours, "default_hours_tenths": default,
            "hours_reason": fields["hours_reason"] if hours != default else ""}


def _uploads(files: list[FileStorage]) -> list[evidence.Upload]:
    try:
        return [evidence.check(storage) for storage in files if storage and storage.filename]
    except evidence.EvidenceError as e:
        raise Refused(422, "invalid_file", e.message, "files") from None


def _count(existing: int, adding: int, removing: int) -> None:
    try:
        evidence.check_count(existing, adding, removing)
    except evidence.EvidenceError as e:
        raise Refused(422, "invalid_files", e.message, "files") from None


def step(declaration: Declaration, actor: User, by: str, action: str, now: datetime, reason: str = "") -> None:
    """One step on the declaration's timeline, and its audit row."""
    declaration.steps.append(DeclarationStep(actor_id=actor.id, by=by, action=action, reason=reason, at=now))
    declaration.updated_at = now
    db.session.flush()
    audit.record(f"declaration.{action}", target=f"declaration:{declaration.id}", actor=actor,
                 status=declaration.status, hours=declaration.hours_tenths / 10, reason=reason)


def declare(user: User, data: DeclarationInput, files: list[FileStorage], now: datetime) -> Declaration:
    """A new declaration of ``user``'s offline training, sent to their unit's 初审."""
    if user.role != "trainee":
        raise Refused(403, "forbidden", _("只有学员可以登记学时。"))
    unit = confirmed_unit(user)
    fields = checked(user, data, now)
    uploads = _uploads(files)
    _count(0, len(uploads), 0)
    declaration = Declaration(user_id=user.id, unit_id=unit.id, region_code=user.region_code, pledged_at=now,
                              status="unit_review", created_at=now, **fields)
    db.session.add(declaration)
    db.session.flush()
    for upload in uploads:
        evidence.store(declaration, upload)
    step(declaration, user, "trainee", "submitted", now)
    return declaration


def resubmit(user: User, declaration: Declaration, data: DeclarationInput, files: list[FileStorage],
             now: datetime) -> Declaration:
    """The returned declaration, fixed (fields, files added and removed), back to the unit's 初审."""
    if declaration.status != "returned":
        raise Refused(409, "not_returned", _("只有被退回的登记可以修改后重新提交。"))
    unit = confirmed_unit(user)
    fields = checked(user, data, now)
    uploads = _uploads(files)
    removing = [row for row in declaration.files if row.id in set(data.remove_files)]
    _count(len(declaration.files), len(uploads), len(removing))
    for name, value in fields.items():
        setattr(declaration, name, value)
    declaration.unit_id, declaration.region_code = unit.id, user.region_code
    declaration.status, declaration.pledged_at = "unit_review", now
    for row in removing:
        declaration.files.remove(row)
        evidence.remove(row)
    for upload in uploads:
        evidence.store(declaration, upload)
    step(declaration, user, "trainee", "resubmitted", now)
    return declaration


def withdraw(user: User, declaration: Declaration, now: datetime) -> Declaration:
    """The trainee takes the declaration back; possible until it is approved."""
    if declaration.status not in OPEN:
        raise Refused(409, "not_open", _("该登记已通过或已撤回，不能撤回。"))
    declaration.status = "withdrawn"
    step(declaration, user, "trainee", "withdrawn", now)
    return declaration


def mine(user: User) -> list[Declaration]:
    """The trainee's declarations, newest first."""
    return list(db.session.scalars(select(Declaration).where(Declaration.user_id == user.id)
                                   .order_by(Declaration.created_at.desc(), Declaration.id.desc())))


def get(declaration_id: int) -> Declaration | None:
    """The declaration with that id; None for an id no column holds (PostgreSQL's integer ends at 2**31)."""
    return db.session.get(Declaration, declaration_id) if 0 < declaration_id < 2**31 else None


def own(user: User, declaration_id: int) -> Declaration:
    """The trainee's declaration; another's is not found (404)."""
    declaration = get(declaration_id)
    if declaration is None or declaration.user_id != user.id:
        raise Refused(404, "not_found", _("没有这条学时登记。"))
    return declaration
