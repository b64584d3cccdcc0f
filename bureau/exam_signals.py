"""Integrity signals of course tests (课后测验), for the trainees of a scope in a credit year.

``exam_fast``     attempts the trainee submitted in less than :func:`reading_floor` of their
                  paper (``seconds_per_question`` × its questions): faster than a person can
                  read them. Attempts the server closed at their deadline are never fast.
``exam_overlap``  two attempts of one trainee open at the same time from different addresses:
                  their intervals [started_at, end) overlap, where an attempt ends when it was
                  submitted or at its deadline, whichever came first (answers after the deadline
                  are refused, so a late sweep does not keep an attempt open).
``exam_fails``    at least ``threshold`` submitted attempts failed in a row, any course, in the
                  order the trainee submitted them (a pass ends a run).

The year is the attempt's credit year (``exam_attempts.year``, Asia/Shanghai). Each signal
has a list function (flagged trainees, most first) and a ``*_rows`` drill-down statement
that bureau.signals.paged pages.
"""
from sqlalchemy import Float, Integer, Select, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from accounts.models import User
from bureau.scope import Scope
from bureau.signals import LIST_LIMIT, Flagged
from core.extensions import db
from courses.models import Course
from learning.models import ExamAttempt

EXAM_SIGNALS = ("exam_fast", "exam_overlap", "exam_fails")


def reading_floor(questions: int, seconds_per_question: float) -> float:
    """The fewest seconds in which a person can read and answer a paper of ``questions``."""
    return max(0, questions) * max(0.0, seconds_per_question)


def is_fast(elapsed_seconds: float, questions: int, seconds_per_question: float) -> bool:
    """A paper submitted ``elapsed_seconds`` after it started, faster than a person can read it."""
    return elapsed_seconds < reading_floor(questions, seconds_per_question)


class elapsed_seconds(FunctionElement):
    """Seconds from the first UTC timestamp column to the second, computed in SQL."""

    type = Float()
    inherit_cache = True


@compiles(elapsed_seconds, "sqlite")
def _elapsed_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    # julianday() is a double of about 2.46 million days: good to some 50 µs, so round to the ms.
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


@compiles(elapsed_seconds, "postgresql")
def _elapsed_postgresql(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end}) - ({start}))"


class paper_questions(FunctionElement):
    """The number of questions of an attempt's paper (a JSON array), computed in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(paper_questions, "sqlite")
@compiles(paper_questions, "postgresql")
def _paper_questions(element, compiler, **kw):
    return f"json_array_length({compiler.process(element.clauses, **kw)})"


def _scoped(stmt: Select, scope: Scope, year: int) -> Select:
    return stmt.where(User.role == "trainee", scope.condition(User.region_code), ExamAttempt.year == year)


def _flagged(per_user, limit: int) -> tuple[int, list[Flagged]]:
    """(how many trainees, the ``limit`` with the most) of a subquery (user_id, n, last, worst)."""
    total = db.session.scalar(select(func.count()).select_from(per_user))
    rows = db.session.execute(
        select(User, per_user.c.n, per_user.c.last, per_user.c.worst).join(per_user, per_user.c.user_id == User.id)
        .order_by(per_user.c.worst.desc(), per_user.c.n.desc(), per_user.c.last.desc(), User.id).limit(limit)).all()
    return total or 0, [Flagged(user, int(n), last, int(worst)) for user, n, last, worst in rows]


# --- exam_fast ------------------------------------------------------------------------------

def _fast(scope: Scope, year: int, seconds_per_question: float) -> Select:
    elapsed = elapsed_seconds(ExamAttempt.started_at, ExamAttempt.submitted_at)
    questions = paper_questions(ExamAttempt.paper)
    stmt = (select().select_from(ExamAttempt).join(User, User.id == ExamAttempt.user_id)
            .where(ExamAttempt.closed_by == "trainee", ExamAttempt.submitted_at.is_not(None),
                   elapsed < questions * max(0.0, seconds_per_question)))
    return _scoped(stmt, scope, year)


def flagged_fast(scope: Scope, year: int, seconds_per_question: float,
                 limit: int = LIST_LIMIT) -> tuple[int, list[Flagged]]:
    """Trainees with papers submitted too fast: how many, and the attempts and last submission."""
    per_user = (_fast(scope, year, seconds_per_question)
                .add_columns(ExamAttempt.user_id, func.count().label("n"),
                             func.max(ExamAttempt.submitted_at).label("last"), func.count().label("worst"))
                .group_by(ExamAttempt.user_id).subquery())
    return _flagged(per_user, limit)


def fast_rows(scope: Scope, year: int, seconds_per_question: float, user_id: int | None = None) -> Select:
    """Drill-down: (attempt, trainee, course title, seconds taken, questions), newest first."""
    stmt = (_fast(scope, year, seconds_per_question)
            .add_columns(ExamAttempt, User, Course.title,
                         elapsed_seconds(ExamAttempt.started_at, ExamAttempt.submitted_at),
                         paper_questions(ExamAttempt.paper))
            .join(Course, Course.id == ExamAttempt.course_id)
            .order_by(ExamAttempt.submitted_at.desc(), ExamAttempt.id.desc()))
    return stmt.where(ExamAttempt.user_id == user_id) if user_id is not None else stmt


# --- exam_overlap ---------------------------------------------------------------------------

def _end(attempt):
    """When an attempt stopped taking answers: its submission, or its deadline if that came first."""
    return case((attempt.submitted_at < attempt.deadline, attempt.submitted_at), else_=attempt.deadline)


def _overlaps(scope: Scope, year: int):
    """Pairs of one trainee's attempts open at once from two addresses: a statement over
    ExamAttempt (the earlier one, by start then id) joined to ``later``, and ``later``."""
    later = aliased(ExamAttempt)
    after = or_(later.started_at > ExamAttempt.started_at,
                and_(later.started_at == ExamAttempt.started_at, later.id > ExamAttempt.id))
    stmt = (select().select_from(ExamAttempt).join(User, User.id == ExamAttempt.user_id)
            .join(later, and_(later.user_id == ExamAttempt.user_id, after))
            .where(ExamAttempt.ip != "", later.ip != "", later.ip != ExamAttempt.ip,
                   later.started_at < _end(ExamAttempt), ExamAttempt.started_at < _end(later)))
    return _scoped(stmt, scope, year), later


def flagged_overlaps(scope: Scope, year: int, limit: int = LIST_LIMIT) -> tuple[int, list[Flagged]]:
    """Trainees with attempts open at once from different addresses: the pairs, the last start."""
    stmt, later = _overlaps(scope, year)
    per_user = (stmt.add_columns(ExamAttempt.user_id, func.count().label("n"), func.max(later.started_at).label("last"),
                                 func.count().label("worst"))
                .group_by(ExamAttempt.user_id).subquery())
    return _flagged(per_user, limit)


def overlap_rows(scope: Scope, year: int, user_id: int | None = None) -> Select:
    """Drill-down: (earlier attempt, later attempt, trainee, earlier course, later course), newest first."""
    stmt, later = _overlaps(scope, year)
    first_course, later_course = aliased(Course), aliased(Course)
    stmt = (stmt.add_columns(ExamAttempt, later, User, first_course.title, later_course.title)
            .join(first_course, first_course.id == ExamAttempt.course_id)
            .join(later_course, later_course.id == later.course_id)
            .order_by(later.started_at.desc(), ExamAttempt.id.desc(), later.id.desc()))
    return stmt.where(ExamAttempt.user_id == user_id) if user_id is not None else stmt


# --- exam_fails -----------------------------------------------------------------------------

def _runs(scope: Scope, year: int):
    """Each submitted attempt of the scope's trainees with its run: attempts of one trainee in
    submission order share a run while their outcome (passed or not) stays the same (a subquery)."""
    order = (ExamAttempt.submitted_at, ExamAttempt.id)
    run = (func.row_number().over(partition_by=ExamAttempt.user_id, order_by=order)
           - func.row_number().over(partition_by=(ExamAttempt.user_id, ExamAttempt.passed), order_by=order))
    stmt = (select(ExamAttempt.id.label("attempt_id"), ExamAttempt.user_id, ExamAttempt.submitted_at,
                   ExamAttempt.passed, run.label("run"))
            .join(User, User.id == ExamAttempt.user_id).where(ExamAttempt.submitted_at.is_not(None)))
    return _scoped(stmt, scope, year).subquery()


def _fail_runs(scope: Scope, year: int, threshold: int):
    """(user_id, run, n, first, last) of every run of at least ``threshold`` failed attempts."""
    attempts = _runs(scope, year)
    runs = (select(attempts.c.user_id, attempts.c.run, func.count().label("n"),
                   func.min(attempts.c.submitted_at).label("first"), func.max(attempts.c.submitted_at).label("last"))
            .where(attempts.c.passed.is_(False)).group_by(attempts.c.user_id, attempts.c.run)
            .having(func.count() >= threshold).subquery())
    return attempts, runs


def flagged_fails(scope: Scope, year: int, threshold: int, limit: int = LIST_LIMIT) -> tuple[int, list[Flagged]]:
    """Trainees with runs of failed attempts: the runs, the longest, the last failure."""
    _attempts, runs = _fail_runs(scope, year, threshold)
    per_user = (select(runs.c.user_id, func.count().label("n"), func.max(runs.c.last).label("last"),
                       func.max(runs.c.n).label("worst")).group_by(runs.c.user_id).subquery())
    return _flagged(per_user, limit)


def fail_rows(scope: Scope, year: int, threshold: int, user_id: int | None = None) -> Select:
    """Drill-down: (attempt, trainee, course title, run length, run start) of the failures in runs."""
    attempts, runs = _fail_runs(scope, year, threshold)
    stmt = (select(ExamAttempt, User, Course.title, runs.c.n, runs.c.first)
            .join(attempts, attempts.c.attempt_id == ExamAttempt.id)
            .join(runs, and_(runs.c.user_id == attempts.c.user_id, runs.c.run == attempts.c.run))
            .where(attempts.c.passed.is_(False))
            .join(User, User.id == ExamAttempt.user_id).join(Course, Course.id == ExamAttempt.course_id)
            .order_by(runs.c.last.desc(), User.id, ExamAttempt.submitted_at.desc(), ExamAttempt.id.desc()))
    return stmt.where(ExamAttempt.user_id == user_id) if user_id is not None else stmt
