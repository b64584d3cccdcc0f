"""Province rules as data (docs/rules.md, rules 1, 7, 8 and 14): plain functions, no app, no database.

A **rule set** says, for the regions under one GB/T 2260 prefix (``""`` national, ``"44"``
Guangdong, ``"4401"`` Guangzhou, ``"440106"`` one district), how many minutes of video make
one 学时, how many 学时 a year each subject type and the total require, the window of each
type's credit year, the date after which a year is locked, whether a course's test must be
passed and the daily cap of credited online study. A **book** is every stored version of
every rule set; the most specific prefix wins, and of its versions the one in force by the
end of the year asked about (``effective_from`` ≤ 31 December).

Requirements are counted in tenths of a 学时, as the ledger counts. Dates are China
Standard Time calendar dates; ``now`` and ``moment`` are aware datetimes, converted here.
"""
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from core.tz import CHINA

SUBJECT_TYPES = ("gongxu", "zhuanye", "xuanxiu")
NATIONAL = ""
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class RuleError(ValueError):
    """A rule set that cannot be stored: ``field`` names the part, ``message`` says why (Chinese)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class MonthDay:
    """A day of year Y + ``years_after``: the end of Guangdong's 公需 year is ``MonthDay(4, 30, 1)``."""

    month: int
    day: int
    years_after: int = 0

    def on(self, year: int) -> date:
        return date(year + self.years_after, self.month, self.day)

    def text(self) -> str:
        return f"{'+1-' if self.years_after else ''}{self.month:02d}-{self.day:02d}"


CALENDAR = (MonthDay(1, 1), MonthDay(12, 31))

CHECK_KINDS = ("question", "face")
REVIEW_YEARS = 4  # the 职称 look-back of a set that names none (issue 21)


@dataclass(frozen=True)
class CarryRule:
    """Whether surplus 学时 of a credit year carry over into the next year (issue 21, docs/rules.md
    rule 16): of which subject types, and at most how many tenths a year. Only into the next year,
    and only a year's own credit: what was carried in never carries on."""

    enabled: bool = False
    types: tuple[str, ...] = ()
    max_tenths: int = 0


@dataclass(frozen=True)
class CheckRule:
    """How a rule set asks *who* is watching (issue 19): a kind of server-scheduled check
    (随堂弹题 ``question``, 人脸抓拍 ``face``) on or off, how many per hour of video, the
    seconds a trainee has to answer one, and how many failed or missed checks a course may
    have before it is flagged for review (more are recorded as an integrity event)."""

    enabled: bool = False
    per_hour: float = 4
    window_seconds: int = 60
    misses_allowed: int = 2


@dataclass(frozen=True)
class RuleSet:
    prefix: str
    effective_from: date
    minutes_per_hour: float
    total_tenths: int
    required_tenths: dict[str, int] = field(default_factory=dict)
    total_covers_parts: bool = True
    windows: dict[str, tuple[MonthDay, MonthDay]] = field(default_factory=dict)
    lock: MonthDay | None = None
    test_required: bool = True
    daily_cap_tenths: int | None = None
    name: str = ""
    source: str = ""
    # Offline 学时登记 (rule 15): what half a day of a declared training gives, and the most a day may.
    declared_half_day_tenths: int = 40
    declared_max_day_tenths: int = 80
    # Server-scheduled checks during video study (issue 19): off unless a set turns them on.
    question_checks: CheckRule = CheckRule()
    face_checks: CheckRule = CheckRule()
    # 一人一档 (issue 21): surplus carried into the next year, and the 职称 look-back in years.
    carry: CarryRule = CarryRule()
    review_years: int = REVIEW_YEARS

    def check_rule(self, kind: str) -> CheckRule:
        """The :class:`CheckRule` of ``kind`` (one of :data:`CHECK_KINDS`)."""
        return self.question_checks if kind == "question" else self.face_checks

    @property
    def any_checks(self) -> bool:
        return self.question_checks.enabled or self.face_checks.enabled

    def required(self, subject_type: str) -> int:
        return self.required_tenths.get(subject_type, 0)

    def window(self, subject_type: str, year: int) -> tuple[date, date]:
        start, end = self.windows.get(subject_type, CALENDAR)
        return start.on(year), end.on(year)

    def lock_date(self, year: int) -> date | None:
        return self.lock.on(year) if self.lock else None

    def terms(self) -> tuple:
        """Everything that decides credit: what a change to a locked year may not touch."""
        return (self.minutes_per_hour, self.total_tenths, tuple(sorted(self.required_tenths.items())),
                self.total_covers_parts, tuple(sorted(self.windows.items())), self.lock, self.test_required,
                self.daily_cap_tenths, self.declared_half_day_tenths, self.declared_max_day_tenths)


def china_date(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def national_default(minutes_per_hour, required_hours, name: str = "全国（默认）") -> RuleSet:
    """The national set built from the app's settings when none is stored: ``required_hours``
    of 公需科目 (and in total), calendar years, no lock, tests required, no daily cap."""
    tenths = round(float(required_hours) * 10)
    return RuleSet(prefix=NATIONAL, effective_from=date(EARLIEST_YEAR, 1, 1), minutes_per_hour=minutes_per_hour,
                   total_tenths=tenths, required_tenths={"gongxu": tenths}, name=name,
                   source="平台设置 CREDIT_MINUTES_PER_HOUR / ANNUAL_REQUIRED_HOURS")


def covers(prefix: str, region: str | None) -> bool:
    return (region or "").startswith(prefix)


def effective(book: Sequence[RuleSet], region: str | None, year: int) -> RuleSet:
    """The rule set that governs ``region``'s credit year ``year``: the most specific prefix
    with a version in force by 31 December of that year; the national set at last."""
    end = date(year, 12, 31)
    candidates = [rules for rules in book if covers(rules.prefix, region) and rules.effective_from <= end]
    if not candidates:
        earliest = [rules for rules in book if rules.prefix == NATIONAL]
        if not earliest:
            raise LookupError("the rule book has no national set")
        return min(earliest, key=lambda rules: rules.effective_from)
    return max(candidates, key=lambda rules: (len(rules.prefix), rules.effective_from))


def locked(book: Sequence[RuleSet], region: str | None, year: int, now: datetime) -> bool:
    """Whether ``region``'s credit year ``year`` is closed: its lock date has passed."""
    lock = effective(book, region, year).lock_date(year)
    return lock is not None and china_date(now) > lock


def year_of(book: Sequence[RuleSet], subject_type: str, region: str | None, moment: datetime,
            full: Iterable[int] = ()) -> int | None:
    """The credit year a course of ``subject_type`` finished at ``moment`` counts toward: of
    the years whose window for that type holds the day and that are not locked, the earliest
    whose requirement for the type is not yet ``full`` (else the earliest). None when no year
    is open: the window has closed or the year is locked."""
    day = china_date(moment)
    open_years = [year for year in range(day.year - 2, day.year + 2)
                  if _in_window(effective(book, region, year), subject_type, year, day)
                  and not locked(book, region, year, moment)]
    full = set(full)
    wanting = [year for year in open_years if year not in full]
    return (wanting or open_years or [None])[0]


def _in_window(rules: RuleSet, subject_type: str, year: int, day: date) -> bool:
    start, end = rules.window(subject_type, year)
    return start <= day <= end


def declared_hours(rules: RuleSet, start: date, end: date) -> tuple[int, int]:
    """An offline training from ``start`` to ``end`` (both days counted): the tenths of a 学时
    it gives by default (two half-days a day) and the most a trainee may declare for it.
    (0, 0) when the end lies before the start."""
    days = (end - start).days + 1
    if days <= 0:
        return 0, 0
    most = days * rules.declared_max_day_tenths
    return min(days * 2 * rules.declared_half_day_tenths, most), most


def declared_year(book: Sequence[RuleSet], subject_type: str, region: str | None, day: date,
                  now: datetime) -> tuple[int | None, str]:
    """The credit year an offline training of ``subject_type`` that ended on ``day`` counts
    toward: the earliest year whose window for the type holds the day and that is not locked
    at ``now``. ``(year, "")``, or ``(None, "year_locked")`` when every such year is locked,
    ``(None, "window_closed")`` when no year's window holds the day."""
    holding = [year for year in range(day.year - 2, day.year + 1)
               if _in_window(effective(book, region, year), subject_type, year, day)]
    open_years = [year for year in holding if not locked(book, region, year, now)]
    if open_years:
        return open_years[0], ""
    return None, "year_locked" if holding else "window_closed"


def hours_for(rules: RuleSet, seconds: float) -> int:
    """A course's 学时 in tenths under ``rules``: floor(10 × duration / U), U = minutes per 学时 × 60 s."""
    unit = float(rules.minutes_per_hour) * 60
    return math.floor(10 * seconds / unit + 1e-9) if unit > 0 and seconds > 0 else 0


@dataclass(frozen=True)
class Standing:
    """A trainee's year against the rules: tenths credited and required per type and in total."""

    credited: dict[str, int]
    required: dict[str, int]
    total: int
    total_required: int

    @property
    def short_types(self) -> list[str]:
        return [kind for kind in SUBJECT_TYPES if self.credited.get(kind, 0) < self.required.get(kind, 0)]

    @property
    def met(self) -> bool:
        return not self.short_types and self.total >= self.total_required


def standing(rules: RuleSet, credited: dict[str, int]) -> Standing:
    """``credited`` tenths per subject type against what ``rules`` require."""
    credited = {kind: credited.get(kind, 0) for kind in SUBJECT_TYPES}
    return Standing(credited, {kind: rules.required(kind) for kind in SUBJECT_TYPES},
                    sum(credited.values()), rules.total_tenths)


def full_types(rules: RuleSet, credited: dict[str, int]) -> set[str]:
    """The subject types whose requirement ``credited`` already meets (a requirement of 0 is
    never full: there is nothing to meet, so it does not push credit into a later year)."""
    return {kind for kind in SUBJECT_TYPES if rules.required(kind) and credited.get(kind, 0) >= rules.required(kind)}


def with_version(book: Sequence[RuleSet], rules: RuleSet) -> list[RuleSet]:
    """The book with ``rules`` stored: a version of the same prefix and date is replaced."""
    return [*(other for other in book if (other.prefix, other.effective_from) != (rules.prefix, rules.effective_from)),
            rules]


def without(book: Sequence[RuleSet], prefix: str, effective_from: date | None = None) -> list[RuleSet]:
    """The book with one version (or, without ``effective_from``, every version) of ``prefix`` removed."""
    return [rules for rules in book
            if rules.prefix != prefix or (effective_from is not None and rules.effective_from != effective_from)]


def locked_years_changed(before: Sequence[RuleSet], after: Sequence[RuleSet], prefix: str,
                         now: datetime) -> list[int]:
    """Years already locked (under the old or the new rules) for the regions of ``prefix``
    whose rules a change from ``before`` to ``after`` would alter: such a change is refused."""
    region = prefix or None
    changed = []
    for year in range(EARLIEST_YEAR, china_date(now).year + 2):
        old, new = _governing(before, region, year), _governing(after, region, year)
        if old == new:
            continue
        if (old and locked(before, region, year, now)) or (new and locked(after, region, year, now)):
            changed.append(year)
    return changed


def _governing(book: Sequence[RuleSet], region: str | None, year: int) -> tuple | None:
    try:
        return effective(book, region, year).terms()
    except LookupError:
        return None
