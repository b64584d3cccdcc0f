"""Ledger rows that do not come from watching: an approved offline declaration (basis
``declared``), a bureau officer's 核减 or 补录 (basis ``correction``), hours a partner platform
reported (``partner``) and hours accepted from another province (``transfer``). Flushes only;
the caller commits, and validates what a person typed before calling.

A row changes the trainee's totals, so it is followed at once by the certificates it makes
outdated: each is reissued (or superseded without a successor when nothing is left to
certify, learning.certificates.refresh) in the same transaction, and the trainee is told by a
notice, so an old number stops verifying as valid the moment the row is written.
"""
from datetime import datetime

from flask_babel import gettext as _

from accounts.models import User
from core import policy
from core.extensions import db
from learning import certificates, certifying, dossier
from learning.models import Certificate, CreditRecord
from notices.service import notify

BASES = ("declared", "correction", "partner", "transfer")
SOURCED = ("declared", "partner", "transfer")  # positive hours, once per source (a unique index)


def add_entry(user: User, *, basis: str, year: int, hours_tenths: int, subject_type: str, now: datetime,
              title: str = "", course_id: int | None = None, source_id: int | None = None,
              reason: str = "", recorded_by: User | None = None) -> CreditRecord:
    """Write one row of ``basis`` (:data:`BASES`) for ``user`` and refresh their certificates.

    ``declared``, ``partner`` and ``transfer`` need positive hours and ``source_id`` (the
    declaration, report or request it comes from); ``correction`` needs a ``reason`` and
    may be negative (核减); ``source_id`` is then the corrected row, when there is one.
    Raises ValueError for a row no caller should build (unknown basis, zero hours, no reason).
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    if not hours_tenths or (basis in SOURCED and (hours_tenths < 0 or source_id is None)):
        raise ValueError(f"a {basis} row has positive hours and the id of its source")
    if basis == "correction" and not reason.strip():
        raise ValueError("a correction needs its reason")
    rules = policy.rules_for(user.region_code, year)
    record = CreditRecord(
        user_id=user.id, course_id=course_id, year=year, hours_tenths=hours_tenths, subject_type=subject_type,
        rule_prefix=rules.prefix, basis=basis, reason=reason.strip(), source_id=source_id, title=title,
        recorded_by_id=recorded_by.id if recorded_by is not None else None, awarded_at=now, updated_at=now)
    db.session.add(record)
    db.session.flush()
    refresh_certificates(user, now)
    return record


def refresh_certificates(user: User, now: datetime) -> list[Certificate]:
    """Reissue the trainee's outdated certificates and tell them of each one superseded;
    returns the superseded ones."""
    before = certificates.valid_certificates(user.id)
    certificates.refresh(user, certifying.requirement(user), now)
    dossier.refresh(user, now)
    superseded = [cert for cert in before.values() if cert.status == "superseded"]
    for cert in superseded:
        successor = db.session.get(Certificate, cert.superseded_by_id) if cert.superseded_by_id else None
        notify(user.id, "certificate_superseded",
               _("学时证明 %(number)s 已作废", number=cert.number),
               _("您的学时记录有变动，新证明编号 %(new)s。", new=successor.number) if successor
               else _("您的学时记录有变动，该证明已不再有效。"),
               link="/me/record" if cert.kind == dossier.KIND else "/me/certificates")
    return superseded
