"""学时证明: which certificates a trainee may hold, their numbers and signed payloads, issuing.

Kinds
  ``course``  one per course the trainee completed (a ``completion`` credit record exists).
              Its hours are the course's ledger total (the completion plus any corrections),
              its year the completion's year (Asia/Shanghai).
  ``year``    one per year whose ledger total is positive. It lists every course with hours
              that year; ``requirement_met`` (达标) when the total reaches the annual
              requirement the caller passes (``core.policy.required_tenths``).

Numbers: ``GX{year}-{region}-{serial}``, e.g. ``GX2026-110105-000123``: the certificate's
year, the holder's six-digit region code (GB/T 2260; ``000000`` when unknown) and the
certificate row's id, zero-padded to at least six digits. The id makes the serial unique
(across every year, so within each) without counting rows, so two issues running at once
can never draw the same number. A number is never changed or reused.

Payload: a JSON object (see :func:`build_payload`). A course whose test the trainee took
carries its best score (``exam_score``, docs/rules.md rule 13); a course without one carries
no such field, so the payloads of certificates issued before tests existed read the same,
and a score is not part of what makes a certificate outdated. Its canonical bytes are
``json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` in
UTF-8, and ``signature`` is the Ed25519 signature of those bytes, base64. Hours are JSON
numbers with one decimal (tenths / 10). Verification recomputes the canonical bytes from
the stored payload, so any change to it breaks the signature.

Issuing is idempotent: a valid certificate of the same kind, year and course whose courses
and hours are unchanged is returned as it is. When the ledger changed (a correction, another
course completed in the year) the new certificate gets a new number and the old one becomes
``superseded`` pointing to it; when nothing is left to certify it is superseded without a
successor. Rows are never deleted.
"""
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from accounts.models import User
from core.extensions import db
from courses.models import Category, Course
from learning import signing
from learning.models import Certificate, CreditRecord, ExamAttempt

ISSUER = "知新公需科目学习平台"
NUMBER_PATTERN = re.compile(r"GX(\d{4})-(\d{6})-(\d{6,12})")
PAYLOAD_VERSION = 1
KINDS = ("course", "year")


@dataclass(frozen=True)
class LedgerRow:
    course_id: int
    title: str
    category: str
    category_name: str
    year: int
    tenths: int
    basis: str


@dataclass(frozen=True)
class Line:
    course_id: int
    title: str
    category: str
    category_name: str
    tenths: int
    exam_score: int | None = None  # the course test's best score, when the trainee took one


@dataclass(frozen=True)
class Basis:
    """What one certificate would certify now, read from the ledger."""

    kind: str
    year: int
    course_id: int | None
    lines: tuple[Line, ...]
    requirement_met: bool | None = None
    required_tenths: int | None = None

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
    employer: str
    region_code: str


# --- rules: plain functions ------------------------------------------------------------

def format_number(year: int, region_code: str, serial: int) -> str:
    region = region_code if re.fullmatch(r"\d{6}", region_code or "") else "000000"
    return f"GX{year:04d}-{region}-{serial:06d}"


def is_number(text: str) -> bool:
    return bool(NUMBER_PATTERN.fullmatch(text or ""))


def hours(tenths: int) -> float:
    return tenths / 10


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``欧阳修远`` → ``欧**远``: enough to recognise, too little to find."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


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


def year_bases(rows: list[LedgerRow], required_tenths: int, scores: dict[int, int] | None = None) -> list[Basis]:
    """One basis per year whose total is positive; courses in ledger order, zero sums left out."""
    scores = scores or {}
    years: dict[int, dict[int, list[LedgerRow]]] = {}
    for row in rows:
        years.setdefault(row.year, {}).setdefault(row.course_id, []).append(row)
    result = []
    for year, courses in years.items():
        lines = []
        for first, *rest in courses.values():
            tenths = first.tenths + sum(row.tenths for row in rest)
            if tenths:
                lines.append(Line(first.course_id, first.title, first.category, first.category_name, tenths,
                                  scores.get(first.course_id)))
        total = sum(line.tenths for line in lines)
        if total > 0:
            result.append(Basis("year", year, None, tuple(lines), total >= required_tenths, required_tenths))
    return result


def bases_from_ledger(rows: list[LedgerRow], required_tenths: int,
                      scores: dict[int, int] | None = None) -> list[Basis]:
    """Every certificate the ledger supports: newest year first, its year certificate first."""
    bases = year_bases(rows, required_tenths, scores) + course_bases(rows, scores)
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
    }


def _course(line: Line) -> dict:
    course = {"id": line.course_id, "title": line.title, "category": line.category,
              "category_name": line.category_name, "hours": hours(line.tenths)}
    if line.exam_score is not None:
        course["exam_score"] = line.exam_score
    return course


def build_payload(basis: Basis, holder: Holder, number: str, now: datetime) -> dict:
    return {
        **content(basis),
        "version": PAYLOAD_VERSION,
        "number": number,
        "holder": {"name": holder.name, "id_number": holder.masked_id_number, "employer": holder.employer},
        "issuer": ISSUER,
        "issued_at": iso_utc(now),
    }


def canonical_bytes(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _essence(payload: dict) -> tuple:
    courses = tuple((c.get("id"), c.get("hours")) for c in payload.get("courses") or [])
    return (payload.get("kind"), payload.get("year"), payload.get("hours"), payload.get("requirement_met"),
            courses)


def unchanged(payload: dict, basis: Basis) -> bool:
    """Whether a certificate with ``payload`` still certifies what ``basis`` says (courses, hours, 达标)."""
    return _essence(payload) == _essence(content(basis))


def document_problems(payload: dict, signature: str, key) -> list[str]:
    """Why a ``{payload, signature}`` pair is not authentic; empty when it is."""
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return [_("证书数据格式不正确。")]
    if not signing.verify(canonical_bytes(payload), signature, key):
        return [_("签名无效：证书内容与平台签发的不一致。")]
    return []


def record_problems(cert: Certificate, key) -> list[str]:
    """Why a stored certificate is not authentic: a bad signature, or columns that disagree with it."""
    problems = document_problems(cert.payload, cert.signature, key)
    if problems:
        return problems
    payload = cert.payload
    if payload.get("number") != cert.number:
        problems.append(_("证书编号与签名内容不一致。"))
    if payload.get("kind") != cert.kind or payload.get("year") != cert.year:
        problems.append(_("证书类型或年度与签名内容不一致。"))
    if cert.kind == "year" and payload.get("requirement_met") != cert.requirement_met:
        problems.append(_("达标情况与签名内容不一致。"))
    if payload.get("hours") != hours(cert.hours_tenths):
        problems.append(_("学时与签名内容不一致。"))
    return problems


# --- the database ----------------------------------------------------------------------

def ledger_rows(user_id: int) -> list[LedgerRow]:
    rows = db.session.execute(
        select(CreditRecord.course_id, Course.title, Category.code, Category.name, CreditRecord.year,
               CreditRecord.hours_tenths, CreditRecord.basis)
        .join(Course, Course.id == CreditRecord.course_id).join(Category, Category.id == Course.category_id)
        .where(CreditRecord.user_id == user_id).order_by(CreditRecord.awarded_at, CreditRecord.id)
    )
    return [LedgerRow(*row) for row in rows]


def exam_scores(user_id: int) -> dict[int, int]:
    """The best score of each course test the trainee took, by course id."""
    rows = db.session.execute(
        select(ExamAttempt.course_id, func.max(ExamAttempt.score)).where(
            ExamAttempt.user_id == user_id, ExamAttempt.score.is_not(None)).group_by(ExamAttempt.course_id))
    return {course_id: score for course_id, score in rows}


def available(user_id: int, required_tenths: int) -> list[Basis]:
    return bases_from_ledger(ledger_rows(user_id), required_tenths, exam_scores(user_id))


def holder_of(user: User) -> Holder:
    return Holder(user.real_name, user.masked_id_number, user.employer, user.region_code)


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


def offers(user_id: int, required_tenths: int) -> list[Offer]:
    issued = valid_certificates(user_id)
    return [Offer(basis, issued.get(basis.key)) for basis in available(user_id, required_tenths)]


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
    certificate's number, and bureau systems sync changed records by ``updated_at``."""
    db.session.execute(
        update(CreditRecord).where(CreditRecord.user_id == user_id, CreditRecord.course_id == course_id,
                                   CreditRecord.basis == "completion", CreditRecord.updated_at < now)
        .values(updated_at=now)
    )


def supersede(old: Certificate, new: Certificate | None) -> None:
    old.status = "superseded"
    old.superseded_by_id = new.id if new is not None else None
    db.session.flush()


def issue(user: User, key: tuple, required_tenths: int, now: datetime) -> tuple[Certificate | None, bool]:
    """The valid certificate for ``key`` (kind, year, course id), issued or reissued if needed.

    Returns ``(certificate, created)``; ``(None, False)`` when the ledger supports no such
    certificate. Takes the holder's lock first, so two requests never issue twice.
    """
    lock_holder(user.id)
    basis = next((b for b in available(user.id, required_tenths) if b.key == key), None)
    if basis is None:
        return None, False
    existing = valid_certificates(user.id).get(key)
    if existing is not None and unchanged(existing.payload, basis):
        return existing, False
    cert = create(user, basis, now)
    if existing is not None:
        supersede(existing, cert)
    return cert, True


def refresh(user: User, required_tenths: int, now: datetime) -> list[Certificate]:
    """Reissue each valid certificate of ``user`` whose ledger changed; returns the new ones.

    For whoever writes a correction row: call it in the same transaction, so that the old
    certificate stops verifying as valid at once rather than when the trainee next asks.
    """
    lock_holder(user.id)
    bases = {basis.key: basis for basis in available(user.id, required_tenths)}
    issued = []
    for key, cert in valid_certificates(user.id).items():
        basis = bases.get(key)
        if basis is None:
            supersede(cert, None)
        elif not unchanged(cert.payload, basis):
            issued.append(create(user, basis, now))
            supersede(cert, issued[-1])
    return issued


def by_number(number: str) -> Certificate | None:
    if not is_number(number):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def current_successor(cert: Certificate) -> Certificate | None:
    """The certificate that now stands for a superseded one (following reissues), if any."""
    seen, successor = {cert.id}, cert
    while successor.superseded_by_id is not None and successor.superseded_by_id not in seen:
        seen.add(successor.superseded_by_id)
        successor = db.session.get(Certificate, successor.superseded_by_id)
    return successor if successor is not cert else None


@dataclass
class Verdict:
    """What a public look-up says: ``valid``, ``superseded``, ``invalid`` or ``not_found``."""

    number: str
    status: str
    certificate: Certificate | None = None
    successor: Certificate | None = None
    problems: tuple[str, ...] = ()


def look_up(number: str, key) -> Verdict:
    cert = by_number(number)
    if cert is None:
        return Verdict(number, "not_found")
    problems = record_problems(cert, key)
    if problems:
        return Verdict(number, "invalid", cert, problems=tuple(problems))
    if cert.status != "valid":
        return Verdict(number, "superseded", cert, current_successor(cert))
    return Verdict(number, "valid", cert)


def public_facts(payload: dict) -> dict:
    """What anyone may see of a certificate: the holder masked, the hours, year and courses."""
    holder = payload.get("holder") or {}
    return {
        "number": payload.get("number"),
        "kind": payload.get("kind"),
        "year": payload.get("year"),
        "hours": payload.get("hours"),
        "requirement_met": payload.get("requirement_met"),
        "required_hours": payload.get("required_hours"),
        "holder": {"name": mask_name(holder.get("name", "")), "id_number": holder.get("id_number", "")},
        "courses": [{"id": c.get("id"), "title": c.get("title"), "category": c.get("category"),
                     "category_name": c.get("category_name"), "hours": c.get("hours")}
                    for c in payload.get("courses") or []],
        "issuer": payload.get("issuer"),
        "issued_at": payload.get("issued_at"),
    }
