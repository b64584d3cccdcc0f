"""A trainee's side of moving province: ask to bring earlier years' hours, withdraw a pending
request. Flushes only; the caller commits (and rolls back on :class:`Refused`).

What a person typed is checked here and refused with a status, a code and a Chinese message;
nothing is changed by a refusal. A reference that is this platform's own certificate is
checked at once (transfers/own_certificates.py) and never becomes a request. A (year, subject
type) may be claimed by one pending or accepted line of the trainee at a time, so the same
hours are never asked for, or credited, twice.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from accounts import audit
from accounts.models import User
from accounts.regions import PROVINCES
from core import policy
from core.extensions import db
from core.http import Refused
from core.policy.rulebook import SUBJECT_TYPES
from declarations.service import clean
from learning import certificates
from learning.rules import credit_year
from transfers import evidence_files, own_certificates
from transfers.models import TransferLine, TransferRequest

YEARS_BACK = 9  # the earliest year that may be claimed: this credit year minus this
MAX_LINE_TENTHS = 2000  # 200 学时 for one year and subject type
OPEN = ("pending", "accepted")


def status_names() -> dict[str, str]:
    return {"pending": _("待人社部门审核"), "accepted": _("已转入"), "rejected": _("未通过"), "withdrawn": _("已撤回")}


@dataclass
class TransferInput:
    """What the form sends, as text; ``lines`` are (year, subject type, hours) triples, blank
    ones left out by the caller."""

    old_province: str = ""
    reference: str = ""
    lines: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    year: int
    subject_type: str
    tenths: int


def tenths(text: str, name: str) -> int:
    """Hours typed as text, in tenths; Refused unless a number with at most one decimal."""
    try:
        hours = float(str(text).strip())
    except ValueError:
        hours = float("nan")
    if not math.isfinite(hours) or abs(hours * 10 - round(hours * 10)) > 1e-6:  # inf has no round()
        raise Refused(422, "invalid_hours", _("学时应为数字，最多一位小数。"), name)
    return round(hours * 10)


def _claim(index: int, line: tuple[str, str, str], now: datetime) -> Claim:
    year_text, subject_type, hours_text = (str(part or "").strip() for part in line)
    latest = credit_year(now)
    if not year_text.isdigit() or not latest - YEARS_BACK <= int(year_text) <= latest:
        raise Refused(422, "invalid_year", _("年度应在 %(first)s 至 %(last)s 之间。", first=latest - YEARS_BACK,
                                             last=latest), f"lines-{index}")
    if subject_type not in SUBJECT_TYPES:
        raise Refused(422, "invalid_subject_type", _("请选择科目类型。"), f"lines-{index}")
    hours = tenths(hours_text, f"lines-{index}")
    if not 0 < hours <= MAX_LINE_TENTHS:
        raise Refused(422, "invalid_hours", _("学时应大于0且不超过 %(max)s。", max=MAX_LINE_TENTHS // 10),
                      f"lines-{index}")
    return Claim(int(year_text), subject_type, hours)


def claims(data: TransferInput, now: datetime) -> list[Claim]:
    """The lines claimed, checked; Refused naming the first line at fault."""
    if not data.lines:
        raise Refused(422, "no_lines", _("请至少填写一行：年度、科目类型和学时。"), "lines")
    found = [_claim(index, line, now) for index, line in enumerate(data.lines)]
    keys = [(claim.year, claim.subject_type) for claim in found]
    if len(set(keys)) != len(keys):
        raise Refused(422, "duplicate_line", _("同一年度、同一科目类型只能填写一行。"), "lines")
    return found


def province(code: str, user: User) -> str:
    """The old province's two-digit code; Refused for an unknown one or the trainee's own."""
    if code not in PROVINCES:
        raise Refused(422, "invalid_province", _("请选择原所在省份。"), "old_province")
    if (user.region_code or "")[:2] == code:
        raise Refused(422, "same_province", _("原所在省份与您现在所在的省份相同，无需转入。"), "old_province")
    return code


def claimed_before(user: User, found: list[Claim]) -> None:
    """Refuse a line whose year and subject type a pending or accepted line of the trainee holds."""
    rows = db.session.execute(
        select(TransferLine.year, TransferLine.subject_type, TransferRequest.status).join(TransferLine.request)
        .where(TransferRequest.user_id == user.id, TransferRequest.status.in_(OPEN),
               (TransferLine.accepted_tenths.is_(None)) | (TransferLine.accepted_tenths > 0))).all()
    held = {(year, kind): status for year, kind, status in rows}
    for claim in found:
        status = held.get((claim.year, claim.subject_type))
        names = {"year": claim.year, "type": policy.subject_name(claim.subject_type)}
        if status == "pending":
            raise Refused(409, "already_claimed", _("%(year)s 年度%(type)s已有待审核的转入申请。", **names), "lines")
        if status == "accepted":
            raise Refused(409, "already_claimed", _("%(year)s 年度%(type)s的学时已经转入，不能重复申请。", **names),
                          "lines")


def submit(user: User, data: TransferInput, files: list[FileStorage], hosts: set[str],
           now: datetime) -> TransferRequest | own_certificates.Counted:
    """A new request for the bureau of the trainee's current region, or — for a certificate of
    this platform — the outcome of checking it (:class:`~own_certificates.Counted`; a refusal
    raises :class:`~own_certificates.CertificateRefused`), nothing written."""
    if user.role != "trainee":
        raise Refused(403, "forbidden", _("只有学员可以申请转入学时。"))
    old = province(data.old_province, user)
    reference = clean(data.reference, 500, "reference")
    kind = own_certificates.classify(reference, hosts)
    if kind.kind == "own":
        return own_certificates.check(user, kind.number)
    found = claims(data, now)
    uploads = evidence_files.checked(files)
    if not uploads and kind.kind == "none":
        raise Refused(422, "no_evidence", _("请上传原省份的学时证明，或填写其验证链接或证书编号。"), "files")
    certificates.lock_holder(user.id)  # two submissions at once cannot both pass the next check
    claimed_before(user, found)
    request = TransferRequest(user_id=user.id, old_province=old, reference=reference, status="pending",
                              created_at=now, updated_at=now)
    request.lines = [TransferLine(year=c.year, subject_type=c.subject_type, claimed_tenths=c.tenths) for c in found]
    db.session.add(request)
    db.session.flush()
    for upload in uploads:
        evidence_files.store(request, upload)
    audit.record("transfer.submitted", target=f"transfer:{request.id}", actor=user, province=old,
                 hours=request.claimed_tenths / 10, files=len(uploads))
    return request


def withdraw(user: User, request: TransferRequest, now: datetime) -> TransferRequest:
    """The trainee takes a pending request back (a decision taken meanwhile wins)."""
    changed = db.session.execute(
        update(TransferRequest).where(TransferRequest.id == request.id, TransferRequest.status == "pending")
        .values(status="withdrawn", updated_at=now).execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Refused(409, "not_pending", _("该申请已审核或已撤回，不能撤回。"))
    db.session.refresh(request)
    audit.record("transfer.withdrawn", target=f"transfer:{request.id}", actor=user)
    return request


def mine(user: User) -> list[TransferRequest]:
    """The trainee's requests, newest first."""
    return list(db.session.scalars(select(TransferRequest).where(TransferRequest.user_id == user.id)
                                   .order_by(TransferRequest.created_at.desc(), TransferRequest.id.desc())))


def get(request_id: int) -> TransferRequest | None:
    """The request with that id; None for an id no column holds."""
    return db.session.get(TransferRequest, request_id) if 0 < request_id < 2**63 else None


def own(user: User, request_id: int) -> TransferRequest:
    """The trainee's request; another's is not found (404)."""
    request = get(request_id)
    if request is None or request.user_id != user.id:
        raise Refused(404, "not_found", _("没有这条转入申请。"))
    return request

