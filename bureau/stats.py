"""Figures for the bureau dashboard: plain query functions, scope and year passed in.

Every figure is about *trainees* (accounts with the trainee role) registered in the
scope's area: staff accounts (producers, reviewers, officers) that try a course never
count. 学时 are the ledger's: completions and corrections added up, for the credit year
(``CreditRecord.year``, the credit year under the trainee's rules). Whether a trainee met
the requirement is judged by the rule set of the trainee's own region (bureau.completion),
not the officer's. Years, months and days
are China Standard Time; timestamps are compared as UTC instants, so the queries run the
same on SQLite and PostgreSQL.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, distinct, func, select, union

from accounts.models import User
from bureau import completion
from bureau.scope import Scope
from core.extensions import db
from core.policy.rulebook import RuleSet
from core.tz import CHINA
from courses.models import Category, Course
from learning.models import CreditRecord, ExamAttempt, WatchSession
from learning.rules import credit_year

TOP_COURSES = 10


@dataclass(frozen=True)
class CategoryHours:
    code: str
    name: str
    name_en: str
    tenths: int

    @property
    def hours(self) -> float:
        return self.tenths / 10


@dataclass(frozen=True)
class CourseCount:
    course_id: int
    title: str
    category_name: str
    category_name_en: str
    completions: int
    tenths: int

    @property
    def hours(self) -> float:
        return self.tenths / 10


@dataclass(frozen=True)
class People:
    registered: int  # trainee accounts that existed by the end of the year
    new: int  # of which registered during the year
    active: int  # with a watch session opened, or a credit record, in the year
    met: int  # who met their region's requirement: every subject type and the total

    @property
    def share_met(self) -> float:
        """Met ÷ registered, 0 when nobody is registered."""
        return self.met / self.registered if self.registered else 0.0

    @property
    def share_met_of_active(self) -> float:
        return self.met / self.active if self.active else 0.0


# --- time ---------------------------------------------------------------------------------

def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The China calendar year as a half-open interval of instants."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


def month_starts(year: int) -> list[datetime]:
    """The first instant of each China calendar month of ``year``: twelve datetimes."""
    return [datetime(year, month, 1, tzinfo=CHINA) for month in range(1, 13)]


def selectable_years(scope: Scope, now: datetime) -> list[int]:
    """Years with credit in the scope, and this year: newest first."""
    years = set(db.session.scalars(_in_scope(select(distinct(CreditRecord.year))
                                             .join(User, User.id == CreditRecord.user_id), scope)))
    return sorted(years | {credit_year(now)}, reverse=True)


# --- queries ------------------------------------------------------------------------------

def _in_scope(stmt: Select, scope: Scope) -> Select:
    """Keep the rows of trainees registered in ``scope`` (``stmt`` must involve ``User``)."""
    return stmt.where(User.role == "trainee", scope.condition(User.region_code))


def _credits(scope: Scope, year: int, *columns) -> Select:
    stmt = select(*columns).select_from(CreditRecord).join(User, User.id == CreditRecord.user_id)
    return _in_scope(stmt.where(CreditRecord.year == year), scope)


def people(scope: Scope, year: int, book: list[RuleSet]) -> People:
    """Registered, new, active and requirement-meeting trainees of the scope for ``year``, each
    judged by the rules (of ``book``) of their own region."""
    return _people(scope, year, completion.completion(scope, year, book, year_bounds(year)[1]).met)


def _people(scope: Scope, year: int, met: int) -> People:
    start, end = year_bounds(year)
    count = select(func.count()).select_from(User)
    registered = db.session.scalar(_in_scope(count.where(User.created_at < end), scope))
    new = db.session.scalar(_in_scope(count.where(User.created_at >= start, User.created_at < end), scope))
    # A union drops duplicates: one row per trainee with any activity in the year.
    acting = union(
        select(WatchSession.user_id.label("user_id"))
        .where(WatchSession.opened_at >= start, WatchSession.opened_at < end),
        select(CreditRecord.user_id.label("user_id")).where(CreditRecord.year == year),
    ).subquery()
    active = db.session.scalar(_in_scope(
        select(func.count()).select_from(acting).join(User, User.id == acting.c.user_id), scope))
    return People(registered or 0, new or 0, active or 0, met)


OFFLINE = "offline"  # the row of 学时 without a course: declared trainings and 补录


def hours_by_category(scope: Scope, year: int) -> list[CategoryHours]:
    """Every category in catalogue order with the 学时 credited to it (0 when none), then, when
    there are any, the 学时 without a course (declared trainings, 补录 and their corrections),
    so that the rows add up to the year's total."""
    sums = dict(db.session.execute(
        _credits(scope, year, Category.code, func.sum(CreditRecord.hours_tenths))
        .outerjoin(Course, Course.id == CreditRecord.course_id)
        .outerjoin(Category, Category.id == Course.category_id)
        .group_by(Category.code)
    ).all())
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.id))
    rows = [CategoryHours(c.code, c.name, c.name_en, int(sums.get(c.code) or 0)) for c in categories]
    if sums.get(None):
        rows.append(CategoryHours(OFFLINE, "线下学时与补录", "Offline training and supplements", int(sums[None])))
    return rows


def hours_by_month(scope: Scope, year: int) -> list[int]:
    """Tenths of 学时 credited in each China calendar month of ``year`` (twelve numbers).

    A row counts in the month of its ``awarded_at``. A correction for ``year`` written
    after the year ended counts in December (one written, oddly, before it in January),
    so the months always add up to the year's total.
    """
    starts = month_starts(year)
    month = case(*[(CreditRecord.awarded_at < starts[m], m) for m in range(1, 12)], else_=12).label("month")
    rows = _credits(scope, year, month, CreditRecord.hours_tenths.label("tenths")).subquery()
    # Grouping on the subquery's column, not on the CASE: PostgreSQL would see the CASE's
    # bound parameters in SELECT and GROUP BY as two different expressions.
    sums = dict(db.session.execute(select(rows.c.month, func.sum(rows.c.tenths)).group_by(rows.c.month)).all())
    return [int(sums.get(m) or 0) for m in range(1, 13)]


def top_courses(scope: Scope, year: int, limit: int = TOP_COURSES) -> list[CourseCount]:
    """The courses most completed in ``year`` by the scope's trainees, with the 学时 they gave."""
    completions = func.count(CreditRecord.id).filter(CreditRecord.basis == "completion")
    rows = db.session.execute(
        _credits(scope, year, Course.id, Course.title, Category.name, Category.name_en, completions,
                 func.sum(CreditRecord.hours_tenths))
        .join(Course, Course.id == CreditRecord.course_id).join(Category, Category.id == Course.category_id)
        .group_by(Course.id, Course.title, Category.name, Category.name_en)
        .having(completions > 0)
        .order_by(completions.desc(), Course.title, Course.id).limit(limit)
    ).all()
    return [CourseCount(cid, title, name, name_en, int(n), int(tenths or 0))
            for cid, title, name, name_en, n, tenths in rows]


@dataclass(frozen=True)
class Exams:
    """Course tests of the scope's trainees in a credit year (the year an attempt started in)."""

    submitted: int  # attempts submitted, by the trainee or closed by the server at the deadline
    passed: int
    takers: int  # trainees with a submitted attempt
    passers: int  # of which with a pass

    @property
    def pass_rate(self) -> float:
        """Passed ÷ submitted attempts, 0 when none was submitted."""
        return self.passed / self.submitted if self.submitted else 0.0

    @property
    def failed(self) -> int:
        return self.submitted - self.passed


def exams(scope: Scope, year: int) -> Exams:
    """Submitted and passed attempts, and the trainees who sat and passed a test, in ``year``."""
    passed = ExamAttempt.passed.is_(True)
    stmt = _in_scope(
        select(func.count(), func.count().filter(passed), func.count(distinct(ExamAttempt.user_id)),
               func.count(distinct(case((passed, ExamAttempt.user_id)))))
        .select_from(ExamAttempt).join(User, User.id == ExamAttempt.user_id)
        .where(ExamAttempt.year == year, ExamAttempt.submitted_at.is_not(None)), scope)
    submitted, passes, takers, passers = db.session.execute(stmt).one()
    return Exams(submitted or 0, passes or 0, takers or 0, passers or 0)


@dataclass(frozen=True)
class Overview:
    year: int
    completion: completion.Completion
    people: People
    by_category: list[CategoryHours]
    by_month: list[int]
    top_courses: list[CourseCount]
    exams: Exams

    @property
    def total_tenths(self) -> int:
        return sum(c.tenths for c in self.by_category)

    @property
    def rules(self) -> RuleSet | None:
        """The one rule set every trainee of the scope is judged by; None when there are several."""
        groups = self.completion.groups
        return groups[0].rules if len(groups) == 1 else None


def overview(scope: Scope, year: int, book: list[RuleSet]) -> Overview:
    """Everything the dashboard shows for ``scope`` and ``year``; requirements from ``book``
    (core.policy.book()), each trainee under the rule set of their own region."""
    done = completion.completion(scope, year, book, year_bounds(year)[1])
    return Overview(year, done, _people(scope, year, done.met), hours_by_category(scope, year),
                    hours_by_month(scope, year), top_courses(scope, year), exams(scope, year))
