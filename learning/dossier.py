"""一人一档: a trainee's multi-year record read from the ledger (learning.dossier_rules judges it),
and its printable, signed form, the 继续教育登记 (kind ``record`` of learning.certificates).

The record document is a certificate row like the others: numbered ``GX{year}-{region}-{serial}``
(the year it was issued), its payload signed with the certificate key and verified by the same
path (``/verify/<number>``, the v1 look-up, ``flask certificates verify``). Its payload states
every year of the record (per subject type: own credit, carried in and out, required, met; per
origin) and the 职称 look-back. It holds while the ledger says the same: a row that changes any
year's figures supersedes it (:func:`refresh`, beside learning.certificates.refresh for each
ledger entry), and the trainee issues a new one. Like a year certificate, it is not superseded
by a course completed later: it is the record as of the day it was issued. Issuing flushes only; the caller commits.
"""
from datetime import datetime

from sqlalchemy import func, select

from accounts.models import User
from core import policy
from core.extensions import db
from learning import certificates, dossier_rules, seals, signing
from learning.models import Certificate, CreditRecord
from learning.progress import credited_by_year_and_type
from learning.verification import canonical_bytes

KIND = "record"
TITLE = "继续教育登记"


def origins_by_year(user_id: int) -> dict[int, dict[str, int]]:
    """The trainee's credited tenths per credit year and basis (origin): one query."""
    rows = db.session.execute(
        select(CreditRecord.year, CreditRecord.basis, func.sum(CreditRecord.hours_tenths))
        .where(CreditRecord.user_id == user_id).group_by(CreditRecord.year, CreditRecord.basis))
    origins: dict[int, dict[str, int]] = {}
    for year, basis, tenths in rows:
        origins.setdefault(year, {})[basis] = int(tenths or 0)
    return origins


def dossier_of(user: User, now: datetime) -> dossier_rules.Dossier:
    """The trainee's record, each year under the rules of their region for that year."""
    return dossier_rules.build(lambda year: policy.rules_for(user.region_code, year),
                               credited_by_year_and_type(user.id), origins_by_year(user.id), now)


def years_json(dossier: dossier_rules.Dossier) -> list[dict]:
    """Every year with a requirement or credit, newest first, in 学时 (the payload's and the API's form)."""
    return [{
        "year": record.year, "met": record.met, "total_hours": record.total / 10,
        "total_required_hours": record.total_required / 10,
        "by_type": {kind: {"credited_hours": record.credited[kind] / 10,
                           "carried_in_hours": record.carried_in.get(kind, 0) / 10,
                           "carried_out_hours": record.carried_out.get(kind, 0) / 10,
                           "counted_hours": record.counted(kind) / 10,
                           "required_hours": record.required[kind] / 10}
                    for kind in policy.SUBJECT_TYPES if record.required[kind] or record.counted(kind)
                    or record.credited[kind]},
        "by_origin": {basis: tenths / 10 for basis, tenths in sorted(record.origins.items())},
    } for record in reversed(dossier.years)]


def eligibility_json(dossier: dossier_rules.Dossier) -> dict:
    found = dossier.eligibility
    return {"eligible": found.eligible, "review_years": found.review_years, "years": list(found.years),
            "shortfalls": [{"year": s.year, "kind": s.kind, "hours": s.tenths / 10} for s in found.shortfalls]}


def _essence(payload: dict) -> list:
    """What a record states that the ledger decides (not who, when or which number)."""
    return [(y["year"], y["met"], y["total_hours"],
             sorted((kind, tuple(sorted(entry.items()))) for kind, entry in y["by_type"].items()),
             sorted(y["by_origin"].items())) for y in payload.get("years") or []]


def valid_document(user_id: int) -> Certificate | None:
    """The trainee's valid 继续教育登记, if one was issued."""
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.kind == KIND, Certificate.status == "valid"))


def unchanged(cert: Certificate, user: User, now: datetime) -> bool:
    """Whether the record ``cert`` still says what the ledger says."""
    return _essence(cert.payload) == _essence({"years": years_json(dossier_of(user, now))})


def issue(user: User, now: datetime) -> tuple[Certificate, bool]:
    """The trainee's valid record document, issued (and the outdated one superseded) when the
    ledger changed since the last. Returns ``(certificate, created)``."""
    certificates.lock_holder(user.id)
    existing = valid_document(user.id)
    if existing is not None and unchanged(existing, user, now):
        return existing, False
    found = dossier_of(user, now)
    total = sum(record.total for record in found.years)
    cert = Certificate(user_id=user.id, kind=KIND, year=found.current_year, course_id=None, hours_tenths=total,
                       requirement_met=found.eligibility.eligible, payload={}, signature="", status="valid",
                       issued_at=now)
    db.session.add(cert)
    db.session.flush()
    cert.number = certificates.format_number(found.current_year, user.region_code, cert.id)
    cert.payload = payload(found, certificates.holder_of(user), cert.number, now)
    cert.signature = signing.sign(canonical_bytes(cert.payload))
    if existing is not None:
        certificates.supersede(existing, cert)
    db.session.flush()
    return cert, True


def refresh(user: User, now: datetime) -> Certificate | None:
    """Supersede (without a successor) the trainee's record document when the ledger no longer
    says what it states; returns the superseded one, if any."""
    existing = valid_document(user.id)
    if existing is None or unchanged(existing, user, now):
        return None
    certificates.supersede(existing, None)
    return existing


def payload(found: dossier_rules.Dossier, holder: certificates.Holder, number: str, now: datetime) -> dict:
    """The signed content of a 继续教育登记 (the fields a year certificate has where they mean the same)."""
    return {
        "version": certificates.PAYLOAD_VERSION, "number": number, "kind": KIND, "title": TITLE,
        "year": found.current_year, "hours": sum(record.total for record in found.years) / 10,
        "requirement_met": found.eligibility.eligible,
        "holder": {"name": holder.name, "id_number": holder.masked_id_number, "employer": holder.employer,
                   "employer_confirmed": holder.employer_confirmed},
        "years": years_json(found), "eligibility": eligibility_json(found),
        "issuer": certificates.ISSUER, "issuing_body": seals.issuing_body(holder.region_code),
        "issued_at": certificates.iso_utc(now), "courses": [],
    }
