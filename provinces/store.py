"""The stored rule sets: read them, save and delete versions. Flushes only; the caller commits.

Every change is checked before anything is written: the JSON form (core.policy.ruledata),
the prefix is a real area (provinces.areas), the change does not alter the rules of a year
already locked for the regions it covers (rulebook.locked_years_changed), and the national
set keeps at least one version. A refused change raises :class:`RuleError` (the input is
wrong: 400) or :class:`Refused` (the input is sound but may not be applied: 404/409).
Each version created, changed or deleted writes one audit row with the JSON form before
and after, and the policy reads the book again at its next question.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from core import policy
from core.extensions import db
from core.policy import rulebook, ruledata
from core.policy.models import RuleSetVersion
from core.policy.rulebook import NATIONAL, RuleError, RuleSet
from provinces.areas import check_area

__all__ = ["Refused", "RuleError", "Saved", "delete", "save", "versions"]


class Refused(Exception):
    """A sound request that may not be applied: ``status`` 404 or 409, ``code``, a Chinese ``message``."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Saved:
    rules: RuleSet
    change: str  # "created", "updated" or "unchanged"


def rules_of(row: RuleSetVersion) -> RuleSet:
    return ruledata.load({**row.rules, "effective_from": row.effective_from.isoformat()}, row.prefix)


def form_of(rules: RuleSet) -> dict:
    """The stored JSON of a version: its JSON form without prefix and date, which are columns."""
    return {key: value for key, value in ruledata.dump(rules).items() if key not in ("prefix", "effective_from")}


def _rows(prefix: str | None = None) -> list[RuleSetVersion]:
    query = select(RuleSetVersion).order_by(RuleSetVersion.prefix, RuleSetVersion.effective_from)
    if prefix is not None:
        query = query.where(RuleSetVersion.prefix == prefix)
    return list(db.session.scalars(query))


def versions(prefix: str | None = None) -> list[RuleSet]:
    """The stored versions (of ``prefix``, or all), by prefix and date."""
    return [rules_of(row) for row in _rows(prefix)]


def is_empty() -> bool:
    return db.session.scalar(select(RuleSetVersion.id).limit(1)) is None


def clean_date(value: str) -> date:
    """A version's ``effective_from`` as sent (``YYYY-MM-DD``)."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RuleError("effective_from", _("生效日期应为 YYYY-MM-DD 格式的日期。")) from None


def check(data, prefix: str | None = None) -> RuleSet:
    """A version from its JSON form (``prefix`` from the URL wins), validated; RuleError if it is not one."""
    rules = ruledata.load(data, prefix)
    check_area(rules.prefix)
    return rules


def save(rules: RuleSet, now: datetime, actor: User | None = None, check_locks: bool = True,
         **context) -> Saved:
    """Store ``rules`` (from :func:`check`), replacing the version of its prefix and date if there
    is one. ``actor`` is who changes it (None from the CLI); ``context`` goes into the audit row.
    ``check_locks=False`` only for the first rule sets of an install (the seed, an import into an
    empty book): they set up the rules rather than change them, a lock reaching back included."""
    row = db.session.scalar(select(RuleSetVersion).where(RuleSetVersion.prefix == rules.prefix,
                                                         RuleSetVersion.effective_from == rules.effective_from))
    before = rules_of(row) if row is not None else None
    if before == rules:
        return Saved(rules, "unchanged")
    if check_locks:
        _refuse_locked(rulebook.with_version(versions(), rules), rules.prefix, now)
    if row is None:
        row = RuleSetVersion(prefix=rules.prefix, effective_from=rules.effective_from)
        db.session.add(row)
    row.rules, row.updated_by_id = form_of(rules), actor.id if actor is not None else None
    change = "created" if before is None else "updated"
    audit.record(f"rules_{change}", target=_target(rules.prefix, rules.effective_from), actor=actor,
                 before=ruledata.dump(before) if before else None, after=ruledata.dump(rules), **context)
    db.session.flush()
    policy.forget_book()
    return Saved(rules, change)


def delete(prefix: str, effective_from: date | None, now: datetime, actor: User | None = None,
           **context) -> list[RuleSet]:
    """Delete one version of ``prefix`` (or all of them without ``effective_from``); the deleted ones."""
    rows = [row for row in _rows(prefix) if effective_from is None or row.effective_from == effective_from]
    if not rows:
        raise Refused(404, "not_found", _("没有这个地区前缀（或这个生效日期）的规则。"))
    after = rulebook.without(versions(), prefix, effective_from)
    if prefix == NATIONAL and not any(rules.prefix == NATIONAL for rules in after):
        raise Refused(409, "last_national", _("全国规则至少要保留一个版本。"))
    _refuse_locked(after, prefix, now)
    deleted = []
    for row in rows:
        rules = rules_of(row)
        audit.record("rules_deleted", target=_target(prefix, row.effective_from), actor=actor,
                     before=ruledata.dump(rules), after=None, **context)
        db.session.delete(row)
        deleted.append(rules)
    db.session.flush()
    policy.forget_book()
    return deleted


def _refuse_locked(after: list[RuleSet], prefix: str, now: datetime) -> None:
    """Refuse a change that alters the rules of a year already locked for the regions of ``prefix``."""
    before = policy.book()
    if not any(rules.prefix == NATIONAL for rules in after):
        after = [*after, *(rules for rules in before if rules.prefix == NATIONAL)]  # the settings' national set
    years = rulebook.locked_years_changed(before, after, prefix, now)
    if years:
        listed = _("、").join(str(year) for year in years)
        raise Refused(409, "locked_year", _("这项修改会改变已锁定年度（%(years)s年）的规则，未保存。"
                                            "已锁定年度的学时不能再变动。", years=listed))


def _target(prefix: str, effective_from: date) -> str:
    return f"rules:{prefix or 'national'}@{effective_from.isoformat()}"

