"""The rules in force for one region code and credit year, with their concrete dates: what the
admin page's look-up shows and ``GET /api/v1/rules`` answers."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from accounts.regions import is_region_code
from core import policy
from core.policy import ruledata
from core.policy.rulebook import EARLIEST_YEAR, LATEST_YEAR, SUBJECT_TYPES, RuleError, RuleSet


@dataclass(frozen=True)
class Effective:
    region: str | None
    year: int
    rules: RuleSet
    windows: dict[str, tuple[date, date]]
    lock_date: date | None


def clean_region(value: str | None) -> str | None:
    """A six-digit region code whose province exists, or None (national) when empty."""
    value = (value or "").strip()
    if not value:
        return None
    if not is_region_code(value):
        raise RuleError("region", _("地区代码应为6位行政区划代码。"))
    return value


def clean_year(value: str | None) -> int | None:
    """A credit year between 2000 and 2100, or None (this year) when empty."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not EARLIEST_YEAR <= int(value) <= LATEST_YEAR:
        raise RuleError("year", _("年度应为%(first)s至%(last)s之间的年份。", first=EARLIEST_YEAR, last=LATEST_YEAR))
    return int(value)


def effective(region: str | None, year: int | None) -> Effective:
    """The rule set governing ``region``'s credit ``year`` (default this year) and its dates."""
    year = year or policy.this_year()
    rules = policy.rules_for(region, year)
    return Effective(region, year, rules, {kind: rules.window(kind, year) for kind in SUBJECT_TYPES},
                     rules.lock_date(year))


def as_json(found: Effective) -> dict:
    """``{"region", "year", "prefix", "rules": <JSON form>, "dates": {"windows": {type: {start, end}}, "lock"}}``."""
    return {
        "region": found.region, "year": found.year, "prefix": found.rules.prefix,
        "rules": ruledata.dump(found.rules),
        "dates": {"windows": {kind: {"start": start.isoformat(), "end": end.isoformat()}
                              for kind, (start, end) in found.windows.items()},
                  "lock": found.lock_date.isoformat() if found.lock_date else None},
    }
