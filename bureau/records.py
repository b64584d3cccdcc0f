"""学时记录: the credit-record rows a bureau sees — one query for page, exports and API.

Every caller passes a :class:`bureau.scope.Scope`; the query applies it, so no path can
forget it. Rows are plain tuples from SQLAlchemy Core (no ORM objects), cheap to stream.

Each record carries the course test as it stood when the record was written (docs/sync.md):
the best score, the number of submitted attempts and when the first passing attempt was
submitted, over the trainee's attempts at that course started by the record's
``awarded_at``. A trainee who tries again after the credit changes no record already
written, so a new attempt bumps nothing and the sync order stays (updated_at, id).

A course completion (basis ``completion``) also carries the trainee's checks on the course's
lessons (issue 19, learning.checks), as they stood at ``awarded_at`` in the same way: see
:func:`check_summary`. Rows of other origins have no course watched, so no check figures (null).
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from accounts.models import User
from bureau.scope import Scope
from core.extensions import db
from core.tz import CHINA
from courses.models import Category, Course, Lesson
from learning.models import Certificate, CreditRecord, ExamAttempt, WatchCheck
from units.models import Unit, UnitLink

COLUMNS = ("id", "id_number", "name", "phone", "employer", "region_code", "year", "course_id",
           "course_title", "category", "hours_tenths", "completed_at", "certificate_number",
           "exam_score", "exam_attempts", "exam_passed_at", "subject_type", "sector_public", "rule_prefix",
           "basis", "source_id", "reason", "title", "unit_name", "unit_credit_code", "checks_asked", "checks_passed",
           "checks_failed", "checks_missed", "face_reviews_accepted", "face_reviews_rejected", "updated_at")
"""updated_at stays last and id first: the docking API's cursor is taken from them. ``year`` is the
credit year under the trainee's rules (the rule-set year); ``subject_type`` and ``rule_prefix`` are
what the ledger kept when it credited the record, ``sector_public`` is the course's 行业公需 flag.
``basis`` is completion, declared or correction: a declared training and a 补录 have no course
(``course_id``, ``category`` null; ``course_title`` is then the row's own ``title``); ``source_id``
is the declaration of a declared row, the corrected row of a correction. ``unit_name`` and
``unit_credit_code`` are the trainee's confirmed 工作单位 now (units.models.UnitLink), or null.
The six check figures (CHECK_FIGURES) are those of :func:`check_summary`, null but on a completion."""
CHECK_FIGURES = ("checks_asked", "checks_passed", "checks_failed", "checks_missed", "face_reviews_accepted",
                 "face_reviews_rejected")


@dataclass(frozen=True)
class Filters:
    """What the officer asked for; every field optional. Dates are China calendar days."""

    year: int | None = None
    region: str | None = None
    employer: str = ""
    category: str = ""
    completed_from: date | None = None
    completed_to: date | None = None
    person: str = ""  # an exact ID number, or a name
    updated_since: datetime | None = None
    subject_type: str = ""  # the type kept on the record at award time, not the course's current one


def _certificate_number():
    return (
        select(Certificate.number)
        .where(Certificate.user_id == CreditRecord.user_id, Certificate.course_id == CreditRecord.course_id,
               Certificate.kind == "course", Certificate.status == "valid")
        .order_by(Certificate.id.desc()).limit(1).scalar_subquery()
    )


def _narrowed(stmt: Select, credit, filters: Filters, within: Select | None) -> Select:
    """A per-record aggregate narrowed by the filters on the record's own columns and by ``within``."""
    if filters.year:
        stmt = stmt.where(credit.year == filters.year)
    if filters.subject_type:
        stmt = stmt.where(credit.subject_type == filters.subject_type)
    if filters.updated_since:
        stmt = stmt.where(credit.updated_at > filters.updated_since)
    if within is not None:
        stmt = stmt.where(credit.id.in_(within.correlate(None)))
    return stmt


def exam_summary(filters: Filters, within: Select | None = None):
    """Per credit record id: the best score, the submitted attempts and the first pass (a subquery).

    Only the attempts of the record's trainee at its course started by its ``awarded_at``
    count, so the figures of a written record never change (no record has to be sent again).
    The filters on the record's own columns (year, subject_type, updated_since) are applied inside too, and
    ``within`` (a statement of record ids, e.g. one page's) narrows it further, so that a page
    aggregates its own records, not the whole ledger.
    """
    credit = aliased(CreditRecord)
    counted = and_(ExamAttempt.user_id == credit.user_id, ExamAttempt.course_id == credit.course_id,
                   ExamAttempt.submitted_at.is_not(None), ExamAttempt.started_at <= credit.awarded_at)
    first_pass = func.min(case((ExamAttempt.passed.is_(True), ExamAttempt.submitted_at)))
    stmt = (select(credit.id.label("record_id"), func.max(ExamAttempt.score).label("exam_score"),
                   func.count(ExamAttempt.id).label("exam_attempts"), first_pass.label("exam_passed_at"))
            .join(ExamAttempt, counted).group_by(credit.id))
    return _narrowed(stmt, credit, filters, within).subquery("exam")


def check_summary(filters: Filters, within: Select | None = None):
    """Per completion record id: the trainee's scheduled checks on the course's lessons (a subquery).

    ``checks_asked``: checks (随堂弹题 and face captures; not the idle check, which has no
    slot) issued by the record's ``awarded_at``; of those ``checks_passed`` and ``checks_failed``
    (answered, or judged, by then; a face check a reviewer accepted is passed, one rejected
    failed) and ``checks_missed`` (window over by then). ``face_reviews_accepted`` and
    ``face_reviews_rejected``: face captures of those checks that a person decided by then
    (faces.review). As of ``awarded_at`` like the test figures, so that a written record's
    figures do not change. Narrowed as :func:`exam_summary` is.
    """
    credit = aliased(CreditRecord)
    # faces sits above bureau (tests/core/test_import_direction.py): its table is read by name
    # from the shared metadata, as courses.catalogue.browse reads lesson_progress.
    captures = db.metadata.tables["face_captures"]
    by = credit.awarded_at

    def counted(condition, column=WatchCheck.id):
        return func.count(case((condition, column)))

    settled = WatchCheck.answered_at <= by
    stmt = (select(credit.id.label("record_id"), func.count(WatchCheck.id).label("checks_asked"),
                   counted(and_(WatchCheck.state == "passed", settled)).label("checks_passed"),
                   counted(and_(WatchCheck.state == "failed", settled)).label("checks_failed"),
                   counted(and_(WatchCheck.state == "missed", WatchCheck.window_ends_at <= by)).label("checks_missed"),
                   counted(and_(captures.c.status == "accepted", captures.c.reviewed_at <= by),
                           captures.c.id).label("face_reviews_accepted"),
                   counted(and_(captures.c.status == "rejected", captures.c.reviewed_at <= by),
                           captures.c.id).label("face_reviews_rejected"))
            .join(Lesson, Lesson.course_id == credit.course_id)
            .join(WatchCheck, and_(WatchCheck.user_id == credit.user_id, WatchCheck.lesson_id == Lesson.id,
                                   WatchCheck.slot.is_not(None), WatchCheck.issued_at <= by))
            .outerjoin(captures, captures.c.check_id == WatchCheck.id)  # one capture per check at most
            .where(credit.basis == "completion").group_by(credit.id))
    return _narrowed(stmt, credit, filters, within).subquery("checked")


def _check_figures(checked) -> list:
    """The six figures of a row: 0 for a completion without checks, null for any other basis."""
    return [case((CreditRecord.basis == "completion", func.coalesce(checked.c[name], 0))).label(name)
            for name in CHECK_FIGURES]


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=CHINA)


def _filtered(stmt: Select, scope: Scope, filters: Filters) -> Select:
    """``stmt`` over credit records joined to trainee, course and category (outer: a declared
    training or a 补录 has no course), scoped and filtered, in (updated_at, id) order."""
    stmt = (
        stmt.select_from(CreditRecord)
        .join(User, User.id == CreditRecord.user_id)
        .outerjoin(Course, Course.id == CreditRecord.course_id)
        .outerjoin(Category, Category.id == Course.category_id)
        .where(scope.narrowed(filters.region).condition(User.region_code))
        .order_by(CreditRecord.updated_at, CreditRecord.id)
    )
    if filters.year:
        stmt = stmt.where(CreditRecord.year == filters.year)
    if filters.employer:
        stmt = stmt.where(User.employer.contains(filters.employer, autoescape=True))
    if filters.category:
        stmt = stmt.where(Category.code == filters.category)
    if filters.subject_type:
        stmt = stmt.where(CreditRecord.subject_type == filters.subject_type)
    if filters.completed_from:
        stmt = stmt.where(CreditRecord.awarded_at >= _china_midnight(filters.completed_from))
    if filters.completed_to:
        stmt = stmt.where(CreditRecord.awarded_at < _china_midnight(filters.completed_to + timedelta(days=1)))
    if filters.person:
        stmt = stmt.where(or_(User.id_number == filters.person.upper(), User.real_name == filters.person))
    if filters.updated_since:
        stmt = stmt.where(CreditRecord.updated_at > filters.updated_since)
    return stmt


def record_ids(scope: Scope, filters: Filters, *columns) -> Select:
    """The ids (and ``columns`` of credit_records) of the rows :func:`records_query` selects, in
    the same order, without the test figures: for counting, totals and choosing a page."""
    return _filtered(select(CreditRecord.id, *columns), scope, filters)


def records_query(scope: Scope, filters: Filters, within: Select | None = None) -> Select:
    """The scoped, filtered rows, in (updated_at, id) order: the order exports and sync use.

    ``within``, a statement selecting record ids (a page of :func:`record_ids`), limits the
    work of the test and check figures to those records; the rows are the same either way.
    """
    exam, checked = exam_summary(filters, within), check_summary(filters, within)
    # At most one confirmed link per trainee (a partial unique index), so no row is doubled.
    link = aliased(UnitLink)
    return _filtered(
        select(CreditRecord.id, User.id_number, User.real_name, User.phone, User.employer, User.region_code,
               CreditRecord.year, CreditRecord.course_id, func.coalesce(Course.title, CreditRecord.title),
               Category.code, CreditRecord.hours_tenths, CreditRecord.awarded_at, _certificate_number(),
               exam.c.exam_score, func.coalesce(exam.c.exam_attempts, 0).label("exam_attempts"),
               exam.c.exam_passed_at, CreditRecord.subject_type, Course.sector_public, CreditRecord.rule_prefix,
               CreditRecord.basis, CreditRecord.source_id, CreditRecord.reason, CreditRecord.title, Unit.name,
               Unit.credit_code, *_check_figures(checked), CreditRecord.updated_at),
        scope, filters,
    ).outerjoin(exam, exam.c.record_id == CreditRecord.id).outerjoin(
        checked, checked.c.record_id == CreditRecord.id
    ).outerjoin(link, and_(link.user_id == CreditRecord.user_id, link.status == "confirmed")
                ).outerjoin(Unit, Unit.id == link.unit_id)


def after_cursor(stmt: Select, updated_at: datetime, record_id: int) -> Select:
    """Keyset pagination: the rows strictly after (updated_at, id)."""
    return stmt.where(or_(CreditRecord.updated_at > updated_at,
                          and_(CreditRecord.updated_at == updated_at, CreditRecord.id > record_id)))


# --- one record as the v1 contract gives it ------------------------------------------------

def iso_utc(moment: datetime) -> str:
    """``2026-03-01T02:03:04.000567Z``: UTC with microseconds, so that positions never blur."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def item(row) -> dict:
    """One record as the v1 contract gives it (``row`` in bureau.records.COLUMNS order)."""
    (record_id, id_number, name, phone, employer, region_code, year, course_id, course_title,
     category, hours_tenths, completed_at, certificate_number, exam_score, exam_attempts, exam_passed_at,
     subject_type, sector_public, rule_prefix, basis, source_id, reason, title, unit_name, unit_credit_code,
     *figures, updated_at) = row
    return {
        "id": record_id, "id_number": id_number, "name": name, "phone": phone, "employer": employer,
        "region_code": region_code, "year": year, "course_id": course_id, "course_title": course_title,
        "category": category, "hours": hours_tenths / 10, "completed_at": iso_utc(completed_at),
        "certificate_number": certificate_number, "exam_score": exam_score, "exam_attempts": exam_attempts,
        "exam_passed_at": iso_utc(exam_passed_at) if exam_passed_at else None,
        "subject_type": subject_type, "sector_public": bool(sector_public), "rule_prefix": rule_prefix,
        "basis": basis, "source_id": source_id, "reason": reason, "title": title or course_title,
        "unit": {"name": unit_name, "credit_code": unit_credit_code} if unit_name is not None else None,
        **dict(zip(CHECK_FIGURES, figures, strict=True)),
        "updated_at": iso_utc(updated_at),
    }
