"""Who met the requirement, per subject type, each trainee judged by the rules of their own region.

A scope holds trainees under a few rule sets: the set that governs the scope's own area and
any set of a more specific prefix inside it (a province officer of Guangdong may see
Guangzhou's own set beside the province's). These are the scope's *rule groups*; a trainee
belongs to the group of the longest prefix that starts their region code, as
core.policy.rulebook.effective decides. Each group is one SQL query: its trainees' credit per
type summed per trainee, compared with that group's requirement, counted.

Plain query functions: scope, year and the rule book are passed in (core.policy.book() in the
app). Years are credit years (``CreditRecord.year``, the rule-set year of the trainee).
"""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, not_, select

from accounts.models import User
from bureau.scope import Scope
from core.extensions import db
from core.policy.rulebook import SUBJECT_TYPES, RuleSet, effective
from learning.models import CreditRecord


@dataclass(frozen=True)
class GroupCompletion:
    """The trainees of one rule group: how many, and how many met each part and the whole."""

    rules: RuleSet
    registered: int  # trainee accounts that existed by the end of the year
    met: int  # met every type's requirement and the total
    met_by_type: dict[str, int]  # met that type's requirement (only counted where it is required)


@dataclass(frozen=True)
class TypeCompletion:
    """One subject type over the whole scope."""

    subject_type: str
    required_of: int  # trainees whose rules require some of this type
    met: int  # of which met it
    tenths: int  # 学时 of this type credited in the scope and year

    @property
    def share(self) -> float:
        """Met ÷ trainees it is required of; 0 when it is required of nobody."""
        return self.met / self.required_of if self.required_of else 0.0

    @property
    def hours(self) -> float:
        return self.tenths / 10


@dataclass(frozen=True)
class Completion:
    groups: list[GroupCompletion]
    by_type: list[TypeCompletion]

    @property
    def met(self) -> int:
        return sum(group.met for group in self.groups)

    @property
    def registered(self) -> int:
        return sum(group.registered for group in self.groups)


def rule_groups(book: list[RuleSet], scope: Scope, year: int) -> list[RuleSet]:
    """The rule sets in force for ``year`` over the trainees of ``scope``, the scope's own set
    first, then the more specific ones inside it, longest prefix last."""
    base = effective(book, scope.prefix, year)
    inside = {rules.prefix for rules in book
              if rules.prefix.startswith(scope.prefix) and len(rules.prefix) > len(base.prefix)}
    ordered = sorted(inside, key=lambda prefix: (len(prefix), prefix))
    # A prefix whose first version starts after the year is governed by a shorter one that
    # year: it has no group of its own then.
    found = [effective(book, prefix, year) for prefix in ordered]
    return [base, *(rules for rules, prefix in zip(found, ordered, strict=True) if rules.prefix == prefix)]


def _members(rules: RuleSet, groups: list[RuleSet]):
    """The SQL condition on User.region_code for the trainees ``rules`` governs among ``groups``."""
    longer = [other.prefix for other in groups if len(other.prefix) > len(rules.prefix)
              and other.prefix.startswith(rules.prefix)]
    return and_(User.region_code.startswith(rules.prefix, autoescape=True),
                *(not_(User.region_code.startswith(prefix, autoescape=True)) for prefix in longer))


def _in_group(stmt, scope: Scope, rules: RuleSet, groups: list[RuleSet]):
    return stmt.where(User.role == "trainee", scope.condition(User.region_code), _members(rules, groups))


def _group(scope: Scope, year: int, rules: RuleSet, groups: list[RuleSet], registered_before) -> GroupCompletion:
    """One rule group's counts: two queries (its registered trainees; its trainees' credit judged)."""
    registered = db.session.scalar(_in_group(select(func.count()).select_from(User)
                                             .where(User.created_at < registered_before), scope, rules, groups))
    by_type = [func.coalesce(func.sum(case((CreditRecord.subject_type == kind, CreditRecord.hours_tenths),
                                           else_=0)), 0).label(kind) for kind in SUBJECT_TYPES]
    sums = _in_group(select(CreditRecord.user_id, *by_type, func.sum(CreditRecord.hours_tenths).label("total"))
                     .select_from(CreditRecord).join(User, User.id == CreditRecord.user_id)
                     .where(CreditRecord.year == year), scope, rules, groups).group_by(CreditRecord.user_id).subquery()
    meets = {kind: sums.c[kind] >= rules.required(kind) for kind in SUBJECT_TYPES}
    met_all = and_(*meets.values(), sums.c.total >= rules.total_tenths)
    row = db.session.execute(select(func.count().filter(met_all),
                                    *(func.count().filter(meets[kind]) for kind in SUBJECT_TYPES))).one()
    met_by_type = {kind: int(row[i + 1]) if rules.required(kind) else 0 for i, kind in enumerate(SUBJECT_TYPES)}
    return GroupCompletion(rules, registered or 0, int(row[0]), met_by_type)


def tenths_by_type(scope: Scope, year: int) -> dict[str, int]:
    """学时 (tenths) credited per subject type to the scope's trainees in ``year``."""
    rows = db.session.execute(
        select(CreditRecord.subject_type, func.sum(CreditRecord.hours_tenths))
        .join(User, User.id == CreditRecord.user_id)
        .where(User.role == "trainee", scope.condition(User.region_code), CreditRecord.year == year)
        .group_by(CreditRecord.subject_type)).all()
    return {kind: int(tenths or 0) for kind, tenths in rows}


def completion(scope: Scope, year: int, book: list[RuleSet], registered_before) -> Completion:
    """Every rule group's counts and the scope's figures per type for ``year``.

    ``registered_before`` is the end of the year: accounts made later are not yet trainees of it.
    """
    groups = rule_groups(book, scope, year)
    done = [_group(scope, year, rules, groups, registered_before) for rules in groups]
    tenths = tenths_by_type(scope, year)
    by_type = [TypeCompletion(kind, sum(g.registered for g in done if g.rules.required(kind)),
                              sum(g.met_by_type[kind] for g in done), tenths.get(kind, 0))
               for kind in SUBJECT_TYPES]
    return Completion(done, by_type)

