"""What the certificate pages and the v1 certificate calls share: issuing at the trainee's
request (with its audit entry), a certificate's public links, and the look-up rate limit.

Issuing flushes only; the caller commits (or rolls back when nothing was issued).
"""
from datetime import datetime

from flask import current_app, url_for

from accounts import audit
from accounts.models import User
from core import policy
from core.extensions import limiter
from learning import certificate_titles, certificates
from learning.models import Certificate

DEFAULT_LOOKUP_LIMIT = "30 per minute"


def lookup_limit() -> str:
    return current_app.config.get("CERTIFICATE_LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_LIMIT)


# One budget per address for the page and the API look-up together.
lookup_limited = limiter.shared_limit(lookup_limit, scope="certificate-lookup")


def verify_url(number: str) -> str:
    return url_for("certificate_views.verify", number=number, _external=True)


def pdf_url(number: str) -> str:
    return url_for("certificate_views.pdf", number=number, _external=True)


def summary(cert: Certificate) -> dict:
    """A certificate as the v1 calls give it (the Certificate schema): the certificate calls'
    and the 一人一档's (its 继续教育登记)."""
    return {
        "number": cert.number,
        "kind": cert.kind,
        "year": cert.year,
        "course_id": cert.course_id,
        "hours": certificates.hours(cert.hours_tenths),
        "requirement_met": cert.requirement_met if cert.kind == "year" else None,
        "title": certificate_titles.payload_title(cert.payload),
        "standing": certificate_titles.payload_standing(cert.payload),
        "status": cert.status,
        "issued_at": certificates.iso_utc(cert.issued_at),
        "pdf_url": pdf_url(cert.number),
        "verify_url": verify_url(cert.number),
    }


def requirement(user: User):
    """The trainee's rules of a credit year: a year certificate states each subject type against
    them and is met (达标) only when every type and the total are."""
    return lambda year: policy.rules_for(user.region_code, year)


def offers(user: User) -> list[certificates.Offer]:
    """Every certificate the trainee's ledger supports, against this region's requirement."""
    return certificates.offers(user.id, requirement(user))


def issue_requested(user: User, key: tuple, now: datetime) -> tuple[Certificate | None, bool]:
    """:func:`learning.certificates.issue` for ``key`` as the trainee asked; a new certificate
    is audited (``certificate_issued``). Returns ``(certificate, created)``, ``(None, False)``
    when the ledger supports no such certificate."""
    cert, created = certificates.issue(user, key, requirement(user), now)
    if created:
        audit.record("certificate_issued", target=f"certificate:{cert.number}", kind=cert.kind,
                     year=cert.year, course_id=cert.course_id, hours=certificates.hours(cert.hours_tenths))
    return cert, created
