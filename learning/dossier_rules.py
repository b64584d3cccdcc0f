"""一人一档: a trainee's credit years side by side (docs/rules.md rule 16). Plain functions, no app,
no database: the caller reads the ledger and the rule book and passes them in, ``now`` included.

Per credit year and subject type: the tenths the year's own ledger rows credit (``credited``,
also by origin: completion, declared, correction, partner, transfer), the surplus carried in
from the year before and out to the next where the year's rule set allows it, and the year
judged on what it then counts (rule 8: every type and the total). The 职称 look-back: the last
N years (the rule set of the current year names N) each met the requirement; the N years
before the current one are judged, or the current one and the N − 1 before it once the
current one is already met. When neither holds, the reason names each year that fell short,
of which type (or the total) and by how many tenths, in the years before the current one.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.policy.rulebook import SUBJECT_TYPES, RuleSet, china_date

TOTAL = "total"


@dataclass(frozen=True)
class YearRecord:
    """One credit year of the record, in tenths of a 学时."""

    year: int
    credited: dict[str, int]  # the year's own rows, per subject type
    origins: dict[str, int]  # the year's own rows, per basis
    required: dict[str, int]
    total_required: int
    carried_in: dict[str, int] = field(default_factory=dict)
    carried_out: dict[str, int] = field(default_factory=dict)
    open: bool = False  # a window of the year still holds today and the year is not locked

    def counted(self, kind: str) -> int:
        """What the year counts of ``kind``: its own, plus carried in, less carried out."""
        return self.credited.get(kind, 0) + self.carried_in.get(kind, 0) - self.carried_out.get(kind, 0)

    @property
    def total(self) -> int:
        return sum(self.counted(kind) for kind in SUBJECT_TYPES)

    @property
    def shortfalls(self) -> dict[str, int]:
        """Each subject type (and ``total``) short of its requirement, and by how much."""
        short = {kind: self.required.get(kind, 0) - self.counted(kind) for kind in SUBJECT_TYPES}
        short = {kind: tenths for kind, tenths in short.items() if tenths > 0}
        # The total only when the types' shortfalls do not already account for it.
        if self.total_required - self.total > sum(short.values()):
            short[TOTAL] = self.total_required - self.total
        return short

    @property
    def met(self) -> bool:
        return not self.shortfalls


@dataclass(frozen=True)
class Shortfall:
    year: int
    kind: str  # a subject type, or ``total``
    tenths: int


@dataclass(frozen=True)
class Eligibility:
    """The 职称 look-back: ``eligible`` when each of ``years`` met the requirement; else
    ``shortfalls`` say which year fell short, of what and by how much."""

    eligible: bool
    review_years: int
    years: tuple[int, ...]
    shortfalls: tuple[Shortfall, ...] = ()


@dataclass(frozen=True)
class Dossier:
    years: tuple[YearRecord, ...]  # oldest first, every year from the first with credit to the current one
    eligibility: Eligibility
    current_year: int


def surplus(rules: RuleSet, credited: Mapping[str, int]) -> dict[str, int]:
    """What a year's own credit (tenths per type) carries into the next year under ``rules``:
    per carried type its excess over the type's requirement, no more in all than the excess of
    the total over the total required and than the rule's most, in SUBJECT_TYPES order."""
    carry = rules.carry
    if not carry.enabled:
        return {}
    room = min(carry.max_tenths, sum(credited.values()) - rules.total_tenths)
    out = {}
    for kind in carry.types:
        take = min(max(credited.get(kind, 0) - rules.required(kind), 0), max(room, 0))
        if take > 0:
            out[kind] = take
            room -= take
    return out


def year_open(rules: RuleSet, year: int, now: datetime) -> bool:
    """Whether any subject type's window of ``year`` holds today and the year is not locked."""
    today = china_date(now)
    lock = rules.lock_date(year)
    if lock is not None and today > lock:
        return False
    return any(start <= today <= end for start, end in (rules.window(kind, year) for kind in SUBJECT_TYPES))


def build(rules_of: Callable[[int], RuleSet], credited: Mapping[int, Mapping[str, int]],
          origins: Mapping[int, Mapping[str, int]], now: datetime) -> Dossier:
    """The record from the ledger's tenths per year and type (``credited``) and per year and
    basis (``origins``), each year judged by ``rules_of(year)`` (the trainee's region's set)."""
    current = china_date(now).year
    review = rules_of(current).review_years
    first = min([*credited, current - review])
    records, carried_in = [], {}
    for year in range(first, max([*credited, current]) + 1):
        rules = rules_of(year)
        own = {kind: int(credited.get(year, {}).get(kind, 0)) for kind in SUBJECT_TYPES}
        out = surplus(rules, own)
        records.append(YearRecord(
            year, own, {basis: int(t) for basis, t in origins.get(year, {}).items() if t},
            {kind: rules.required(kind) for kind in SUBJECT_TYPES}, rules.total_tenths,
            carried_in, out, year_open(rules, year, now)))
        carried_in = out
    return Dossier(tuple(records), eligibility(records, review, current), current)


def eligibility(records: list[YearRecord], review: int, current: int) -> Eligibility:
    """The look-back over ``records`` (every year from ``current`` − ``review`` on)."""
    by_year = {record.year: record for record in records}
    before = tuple(range(current - review, current))
    with_current = tuple(range(current - review + 1, current + 1))
    if all(by_year[year].met for year in before):
        return Eligibility(True, review, before)
    if all(by_year[year].met for year in with_current):
        return Eligibility(True, review, with_current)
    shortfalls = tuple(Shortfall(year, kind, tenths) for year in before
                       for kind, tenths in by_year[year].shortfalls.items())
    return Eligibility(False, review, before, shortfalls)
