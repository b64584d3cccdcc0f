"""学时证明: which certificates a trainee may hold, their numbers and signed payloads, issuing.

Kinds
  ``course``  one per course the trainee completed (a ``completion`` credit record exists).
              Its hours are the course's ledger total (the completion plus any corrections),
              its year the completion's year (Asia/Shanghai).
  ``year``    one per year whose ledger total is positive. It lists every course with hours
              that year. Given the trainee's rules of each year (``core.policy.rules_for``),
              it states each subject type credited against required (``by_type``), and
              ``requirement_met`` (达标) only when every type and the total are met; given a
              total alone (tenths), when the total reaches it. A declared training
              (线下学时) is a line of its own (``id`` null, ``basis`` "declared",
              its title, category_name 线下培训), so is a 补录 without a course
              (``basis`` "correction"); a correction of a row folds into that
              row's line. A declared training never gets a course certificate.

Numbers: ``GX{year}-{region}-{serial}``, e.g. ``GX2026-110105-000123``: the certificate's
year, the holder's six-digit region code (GB/T 2260; ``000000`` when unknown) and the
certificate row's id, zero-padded to at least six digits. The id makes the serial unique
(across every year, so within each) without counting rows, so two issues running at once
can never draw the same number. A number is never changed or reused.

Payload: a JSON object (see :func:`build_payload`). A course whose test the trainee took
carries its best score (``exam_score``, docs/rules.md rule 13); a course without one carries
no such field, so the payloads of certificates issued before tests existed read the same,
and a score is not part of what makes a certificate outdated; so with ``by_type``, which
year certificates issued before subject types do not carry. Its canonical bytes are
``json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` in
UTF-8, and ``signature`` is the Ed25519 signature of those bytes, base64. Hours are JSON
numbers with one decimal (tenths / 10). Verification (learning/verification.py) recomputes
the canonical bytes from the stored payload, so any change to it breaks the signature.
Version 2 adds fields, renames none: ``title`` (学时证明, or 学时记录（未达标） for a year below
the requirement: learning/certificate_titles.py), ``issuing_body`` (the holder's provincial
bureau: learning/seals.py) and ``holder.employer_confirmed`` (``employer`` is then the name of
the unit that confirmed the holder). Payloads of version 1 verify and read as before.

Issuing is idempotent: a valid certificate of the same kind, year and course whose courses
and hours are unchanged is returned as it is. When the ledger changed (a correction, another
course completed in the year) the new certificate gets a new number and the old one becomes
``superseded`` pointing to it; when nothing is left to certify it is superseded without a
successor. Rows are never deleted.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from accounts.models import User
from core.extensions import db
from core.policy import rulebook
from core.policy.rulebook import RuleSet
from courses.models import Category, Course
from learning import certificate_titles, seals, signing
from learning.models import Certificate, CreditRecord, ExamAttempt
from learning.verification import canonical_bytes
from units.links import current_link

ISSUER = "知新公需科目学习平台"
PAYLOAD_VERSION = 2  # 2 adds title, issuing_body and holder.employer_confirmed
KINDS = ("course", "year")


@dataclass(frozen=True)
class LedgerRow:
    course_id: int | None  # None for a declared training and a 补录 without a course
    title: str
    category: str
    category_name: str
    year: int
    tenths: int
    basis: str
    subject_type: str = "gongxu"
    id: int = 0
    source_id: int | None = None


# What a year certificate says in place of a category for a line without a course.
LINE_NAMES = {"declared": "线下培训", "correction": "学时更正", "partner": "合作平台学习", "transfer": "外省转入学时"}


@dataclass(frozen=True)
class TypeLine:
    """One subject type of a year certificate: tenths credited against tenths required."""

    subject_type: str
    tenths: int
    required_tenths: int

    @property
    def met(self) -> bool:
        return self.tenths >= self.required_tenths


@dataclass(frozen=True)
class Line:
    course_id: int | None
    title: str
    category: str
    category_name: str
    tenths: int
    exam_score: int | None = None  # the course test's best score, when the trainee took one
    basis: str = "completion"  # a line without a course: "declared" or "correction" (a 补录)


@dataclass(frozen=True)
class Basis:
    """What one certificate would certify now, read from the ledger."""

    kind: str
    year: int
    course_id: int | None
    lines: tuple[Line, ...]
    requirement_met: bool | None = None
    required_tenths: int | None = None
    types: tuple[TypeLine, ...] | None = None  # a year's subject types, when the rules are known

    @property
    def tenths(self) -> int:
        return sum(line.tenths for line in self.lines)

    @property
    def key(self) -> tuple[str, int, int | None]:
        return self.kind, self.year, self.course_id


@dataclass(frozen=True)
class Holder:
    name: str
    masked_id_number: str
    employer: str  # the confirmed unit's name, else what the trainee typed
    region_code: str
    employer_confirmed: bool = False


# --- rules: plain functions ------------------------------------------------------------

def format_number(year: int, region_code: str, serial: int) -> str:
    region = region_code if re.fullmatch(r"\d{6}", region_code or "") else "000000"
    return f"GX{year:04d}-{region}-{serial:06d}"


def hours(tenths: int) -> float:
    return tenths / 10


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def course_bases(rows: list[LedgerRow], scores: dict[int, int] | None = None) -> list[Basis]:
    """One basis per completed course whose ledger total is positive (with its test's best
    score from ``scores``, by course id, when there is one)."""
    scores = scores or {}
    result = []
    for done in (row for row in rows if row.basis == "completion"):
        tenths = sum(row.tenths for row in rows if row.course_id == done.course_id)
        if tenths > 0:
            line = Line(done.course_id, done.title, done.category, done.category_name, tenths,
                        scores.get(done.course_id))
            result.append(Basis("course", done.year, done.course_id, (line,)))
    return result


# A year's requirement: the total in tenths (every year alike), or the rule set of each year.
Requirement = int | Callable[[int], RuleSet]


def year_bases(rows: list[LedgerRow], required: Requirement, scores: dict[int, int] | None = None) -> list[Basis]:
    """One basis per year whose total is positive; courses in ledger order, zero sums left out.
    With each year's rules (``required`` a function of the year) it states the subject types
    and is met (达标) only when every type and the total are (docs/rules.md rule 8)."""
    scores = scores or {}
    years: dict[int, dict[tuple, list[LedgerRow]]] = {}
    keys: dict[int, tuple] = {}
    for row in rows:
        key = keys[row.id] = line_key(row, keys)
        years.setdefault(row.year, {}).setdefault(key, []).append(row)
    result = []
    for year, courses in years.items():
        lines = []
        for first, *rest in courses.values():
            tenths = first.tenths + sum(row.tenths for row in rest)
            if tenths and first.course_id is None:
                lines.append(Line(None, first.title, "", LINE_NAMES.get(first.basis, ""), tenths, None,
                                  first.basis))
            elif tenths:
                lines.append(Line(first.course_id, first.title, first.category, first.category_name, tenths,
                                  scores.get(first.course_id)))
        total = sum(line.tenths for line in lines)
        if total > 0:
            result.append(_year_basis(year, tuple(lines), [row for group in courses.values() for row in group],
                                      required))
    return result


def line_key(row: LedgerRow, keys: dict[int, tuple]) -> tuple:
    """The line of a year certificate a ledger row counts in: its course's (a correction of a
    course row carries the course); a declared training's own, by its declaration; a correction
    of a row without a course, that row's line (``keys``: the lines of earlier rows, by id); a
    补录 without a course, its own."""
    if row.course_id is not None:
        return "course", row.course_id
    if row.basis == "correction" and row.source_id in keys:
        return keys[row.source_id]
    if row.basis == "declared":
        return "declared", row.source_id
    return "correction", row.id


def _year_basis(year: int, lines: tuple[Line, ...], rows: list[LedgerRow], required: Requirement) -> Basis:
    total = sum(line.tenths for line in lines)
    if not callable(required):
        return Basis("year", year, None, lines, total >= required, required)
    credited: dict[str, int] = {}
    for row in rows:
        credited[row.subject_type] = credited.get(row.subject_type, 0) + row.tenths
    standing = rulebook.standing(required(year), credited)
    types = tuple(TypeLine(kind, standing.credited[kind], standing.required[kind]) for kind in rulebook.SUBJECT_TYPES
                  if standing.credited[kind] or standing.required[kind])
    return Basis("year", year, None, lines, standing.met, standing.total_required, types)


def bases_from_ledger(rows: list[LedgerRow], required: Requirement,
                      scores: dict[int, int] | None = None) -> list[Basis]:
    """Every certificate the ledger supports: newest year first, its year certificate first."""
    bases = year_bases(rows, required, scores) + course_bases(rows, scores)
    return sorted(bases, key=lambda b: (-b.year, b.kind != "year", b.course_id or 0))


def content(basis: Basis) -> dict:
    """The part of a payload that the ledger decides (what :func:`unchanged` compares)."""
    return {
        "kind": basis.kind,
        "year": basis.year,
        "courses": [_course(line) for line in basis.lines],
        "hours": hours(basis.tenths),
        "requirement_met": basis.requirement_met,
        "required_hours": None if basis.required_tenths is None else hours(basis.required_tenths),
        **({} if basis.types is None else {"by_type": {
            line.subject_type: {"credited_hours": hours(line.tenths), "required_hours": hours(line.required_tenths),
                                "met": line.met} for line in basis.types}}),
    }


def _course(line: Line) -> dict:
    course = {"id": line.course_id, "title": line.title, "category": line.category,
              "category_name": line.category_name, "hours": hours(line.tenths)}
    if line.exam_score is not None:
        course["exam_score"] = line.exam_score
    if line.course_id is None:  # course lines carry no basis, so older payloads read the same
        course["basis"] = line.basis
    return course


def build_payload(basis: Basis, holder: Holder, number: str, now: datetime) -> dict:
    """The signed payload; ``issuing_body`` (learning/seals.py) only when the holder's region is known."""
    body = seals.issuing_body(holder.region_code)
    return {
        **content(basis),
        "version": PAYLOAD_VERSION,
        "number": number,
        "title": certificate_titles.title(basis.kind, basis.requirement_met),
        "holder": {"name": holder.name, "id_number": holder.masked_id_number, "employer": holder.employer,
                   "employer_confirmed": holder.employer_confirmed},
        "issuer": ISSUER,
        **({} if body is None else {"issuing_body": body}),
        "issued_at": iso_utc(now),
    }


def _essence(payload: dict) -> tuple:
    # A line without a course (id null) is told apart by its basis and title.
    courses = tuple((c.get("id"), c.get("hours")) if c.get("id") is not None
                    else (None, c.get("basis"), c.get("title"), c.get("hours"))
                    for c in payload.get("courses") or [])
    return (payload.get("kind"), payload.get("year"), payload.get("hours"), payload.get("requirement_met"),
            courses)


def unchanged(payload: dict, basis: Basis) -> bool:
    """Whether a certificate with ``payload`` still certifies what ``basis`` says (courses, hours, 达标)."""
    return _essence(payload) == _essence(content(basis))


# --- the database ----------------------------------------------------------------------

def ledger_rows(user_id: int) -> list[LedgerRow]:
    """Every ledger row of the trainee, oldest first; rows without a course keep their own title."""
    rows = db.session.execute(
        select(CreditRecord.course_id, func.coalesce(Course.title, CreditRecord.title),
               func.coalesce(Category.code, ""), func.coalesce(Category.name, ""), CreditRecord.year,
               CreditRecord.hours_tenths, CreditRecord.basis, CreditRecord.subject_type, CreditRecord.id,
               CreditRecord.source_id)
        .outerjoin(Course, Course.id == CreditRecord.course_id)
        .outerjoin(Category, Category.id == Course.category_id)
        .where(CreditRecord.user_id == user_id).order_by(CreditRecord.awarded_at, CreditRecord.id)
    )
    return [LedgerRow(*row) for row in rows]


def exam_scores(user_id: int) -> dict[int, int]:
    """The best score of each course test the trainee took, by course id."""
    rows = db.session.execute(
        select(ExamAttempt.course_id, func.max(ExamAttempt.score)).where(
            ExamAttempt.user_id == user_id, ExamAttempt.score.is_not(None)).group_by(ExamAttempt.course_id))
    return {course_id: score for course_id, score in rows}


def available(user_id: int, required: Requirement) -> list[Basis]:
    return bases_from_ledger(ledger_rows(user_id), required, exam_scores(user_id))


def holder_of(user: User) -> Holder:
    """The holder as the certificate names them: the employer is the unit that confirmed them, if any."""
    link = current_link(user.id)
    unit = link.unit if link is not None and link.status == "confirmed" else None
    return Holder(user.real_name, user.masked_id_number, unit.name if unit else user.employer, user.region_code,
                  unit is not None)


def valid_certificates(user_id: int) -> dict[tuple, Certificate]:
    rows = db.session.scalars(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.status == "valid").order_by(Certificate.id))
    return {(c.kind, c.year, c.course_id): c for c in rows}


@dataclass
class Offer:
    """A certificate the ledger supports, and the valid one already issued for it (if any)."""

    basis: Basis
    certificate: Certificate | None

    @property
    def state(self) -> str:
        """``none`` (not issued yet), ``current`` or ``outdated`` (the ledger changed since)."""
        if self.certificate is None:
            return "none"
        return "current" if unchanged(self.certificate.payload, self.basis) else "outdated"


def offers(user_id: int, required: Requirement) -> list[Offer]:
    issued = valid_certificates(user_id)
    return [Offer(basis, issued.get(basis.key)) for basis in available(user_id, required)]


def document(cert: Certificate) -> dict:
    """The signed document handed out with a certificate (attached to its PDF)."""
    return {"payload": cert.payload, "signature": cert.signature, "algorithm": signing.ALGORITHM,
            "key_id": signing.key_id(signing.public_key())}


def lock_holder(user_id: int) -> None:
    """Serialise issuing per trainee: a row lock on PostgreSQL, the write lock on SQLite."""
    db.session.execute(update(User).where(User.id == user_id).values(active=User.active)
                       .execution_options(synchronize_session=False))


def create(user: User, basis: Basis, now: datetime) -> Certificate:
    """A new signed certificate for ``basis``; its number comes from its row id."""
    cert = Certificate(user_id=user.id, kind=basis.kind, year=basis.year, course_id=basis.course_id,
                       hours_tenths=basis.tenths, requirement_met=bool(basis.requirement_met),
                       payload={}, signature="", status="valid", issued_at=now)
    db.session.add(cert)
    db.session.flush()
    cert.number = format_number(basis.year, user.region_code, cert.id)
    cert.payload = build_payload(basis, holder_of(user), cert.number, now)
    cert.signature = signing.sign(canonical_bytes(cert.payload))
    if basis.kind == "course":
        touch_completion(user.id, basis.course_id, now)
    db.session.flush()
    return cert


def touch_completion(user_id: int, course_id: int, now: datetime) -> None:
    """Move the completion record's ``updated_at`` to ``now`` (never back): it now shows this
    certificate's number, and bureau systems sync changed records by ``updated_at``. Through the
    unit of work, so that the change is seen as one (push.outbox writes its event on the flush)."""
    record = db.session.scalar(select(CreditRecord).where(
        CreditRecord.user_id == user_id, CreditRecord.course_id == course_id, CreditRecord.basis == "completion"))
    if record is not None and record.updated_at < now:
        record.updated_at = now
        db.session.flush()


def supersede(old: Certificate, new: Certificate | None) -> None:
    old.status = "superseded"
    old.superseded_by_id = new.id if new is not None else None
    db.session.flush()


def issue(user: User, key: tuple, required: Requirement, now: datetime) -> tuple[Certificate | None, bool]:
    """The valid certificate for ``key`` (kind, year, course id), issued or reissued if needed.

    Returns ``(certificate, created)``; ``(None, False)`` when the ledger supports no such
    certificate. Takes the holder's lock first, so two requests never issue twice.
    """
    lock_holder(user.id)
    basis = next((b for b in available(user.id, required) if b.key == key), None)
    if basis is None:
        return None, False
    existing = valid_certificates(user.id).get(key)
    if existing is not None and unchanged(existing.payload, basis):
        return existing, False
    cert = create(user, basis, now)
    if existing is not None:
        supersede(existing, cert)
    return cert, True


def refresh(user: User, required: Requirement, now: datetime) -> list[Certificate]:
    """Reissue each valid certificate of ``user`` whose ledger changed; returns the new ones.

    For whoever writes a correction row: call it in the same transaction, so that the old
    certificate stops verifying as valid at once rather than when the trainee next asks.
    """
    lock_holder(user.id)
    bases = {basis.key: basis for basis in available(user.id, required)}
    issued = []
    for key, cert in valid_certificates(user.id).items():
        if cert.kind not in KINDS:
            continue  # a 继续教育登记 (kind "record") is learning.dossier's to refresh
        basis = bases.get(key)
        if basis is None:
            supersede(cert, None)
        elif not unchanged(cert.payload, basis):
            issued.append(create(user, basis, now))
            supersede(cert, issued[-1])
    return issued


