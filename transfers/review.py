"""The bureau's review of transfer requests: officers whose region covers the trainee's
CURRENT region (bureau.scope) see the queue and the evidence, accept the hours they confirm
per line — never more than claimed — or reject with a reason. Each accepted line becomes one
ledger row of basis ``transfer`` (learning.entries; its ``source_id`` the line's id, so it is
written once), in the credit year claimed. The trainee is notified either way. Flushes only.

A request of no such id is not found (404); one of a trainee outside the region is refused (403).
Years the region has locked are not refused: the hours were earned under another province's
rules and the bureau's acceptance is the act that brings them in (docs/architecture.md).
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts import audit
from accounts.models import User
from accounts.regions import PROVINCES
from bureau.scope import Scope, ScopeError, scope_for
from core import policy
from core.extensions import db
from core.http import Refused
from declarations.service import clean
from learning import certificates
from learning.entries import add_entry
from notices.service import notify
from transfers import service
from transfers.models import TransferFile, TransferLine, TransferRequest


def officer_scope(officer: User, token_region: str | None = None) -> Scope:
    """The officer's region, narrowed to an API token's region when it has one."""
    try:
        return scope_for(officer, token_region)
    except ScopeError as e:
        raise Refused(403, "out_of_region", e.message) from None


def for_bureau(officer: User, request_id: int, token_region: str | None = None) -> TransferRequest:
    """A request of a trainee now in the officer's region: 404 when there is none, 403 outside."""
    scope = officer_scope(officer, token_region)
    request = service.get(request_id)
    if request is None:
        raise Refused(404, "not_found", _("没有这条转入申请。"))
    if not scope.covers(request.user.region_code):
        raise Refused(403, "out_of_region", _("这条转入申请不在您的管辖范围内。"))
    return request


def queue(officer: User, token_region: str | None = None) -> list[TransferRequest]:
    """Pending requests of trainees now in the officer's region, oldest first."""
    scope = officer_scope(officer, token_region)
    return list(db.session.scalars(
        select(TransferRequest).join(TransferRequest.user)
        .where(TransferRequest.status == "pending", scope.condition(User.region_code))
        .order_by(TransferRequest.created_at, TransferRequest.id)))


def line_title(request: TransferRequest, line: TransferLine) -> str:
    """The ledger row's title (stored, so in Chinese): the old province and the year."""
    return f"{PROVINCES[request.old_province]}{line.year}年度学时转入"


def confirmed(request: TransferRequest, hours: dict[int, str]) -> dict[int, int]:
    """The tenths the officer confirms per line id (empty → 0); Refused above the claim."""
    result = {}
    for line in request.lines:
        text = str(hours.get(line.id) or "").strip()
        value = service.tenths(text, f"line-{line.id}") if text else 0
        if not 0 <= value <= line.claimed_tenths:
            raise Refused(422, "invalid_hours", _("确认的学时应在 0 至申请的 %(n)s 之间。", n=line.claimed_tenths / 10),
                          f"line-{line.id}")
        result[line.id] = value
    if not any(result.values()):
        raise Refused(422, "nothing_accepted", _("没有确认任何学时；不予转入请选择“不予转入”并写明原因。"), "lines")
    return result


def _decided(request: TransferRequest, officer: User, status: str, now: datetime) -> None:
    """Move a pending request to ``status``; a request decided or withdrawn meanwhile is refused."""
    changed = db.session.execute(
        update(TransferRequest).where(TransferRequest.id == request.id, TransferRequest.status == "pending")
        .values(status=status, decided_by_id=officer.id, decided_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Refused(409, "not_pending", _("这条转入申请已审核或已被撤回。"))
    db.session.refresh(request)


def credited_before(request: TransferRequest, tenths: dict[int, int]) -> None:
    """Refuse a line whose year and subject type another accepted request of the trainee credited
    (two requests submitted at the same moment could both be pending)."""
    rows = db.session.execute(
        select(TransferLine.year, TransferLine.subject_type).join(TransferLine.request)
        .where(TransferRequest.user_id == request.user_id, TransferRequest.status == "accepted",
               TransferRequest.id != request.id, TransferLine.accepted_tenths > 0)).all()
    held = set(map(tuple, rows))
    for line in request.lines:
        if tenths[line.id] and (line.year, line.subject_type) in held:
            message = _("%(year)s 年度%(type)s的学时已经转入，不能重复申请。", year=line.year,
                        type=policy.subject_name(line.subject_type))
            raise Refused(409, "already_credited", message, f"line-{line.id}")


def accept(officer: User, request: TransferRequest, hours: dict[int, str], now: datetime) -> TransferRequest:
    """Credit the confirmed hours: one ``transfer`` row per line with hours, in its year."""
    tenths = confirmed(request, hours)
    certificates.lock_holder(request.user_id)  # one decision about a trainee's hours at a time
    credited_before(request, tenths)
    _decided(request, officer, "accepted", now)
    for line in request.lines:
        line.accepted_tenths = tenths[line.id]
        if line.accepted_tenths:
            add_entry(request.user, basis="transfer", source_id=line.id, title=line_title(request, line),
                      year=line.year, hours_tenths=line.accepted_tenths, subject_type=line.subject_type,
                      recorded_by=officer, now=now)
    lines = "；".join(f"{line.year} {policy.subject_name(line.subject_type)} {line.accepted_tenths / 10:g}"
                     for line in request.lines if line.accepted_tenths)
    notify(request.user_id, "transfer_accepted", _("外省学时转入申请已通过"),
           _("已转入：%(lines)s 学时。", lines=lines), link=f"/me/transfers/{request.id}")
    audit.record("transfer.accepted", target=f"transfer:{request.id}", actor=officer,
                 claimed=request.claimed_tenths / 10, accepted=sum(tenths.values()) / 10)
    return request


def reject(officer: User, request: TransferRequest, reason, now: datetime) -> TransferRequest:
    """Refuse the request with a reason the trainee reads; nothing is credited."""
    reason = clean(reason if reason is not None else "", 1000, "reason", multiline=True)
    if not reason:
        raise Refused(422, "invalid_reason", _("不予转入时请写明原因。"), "reason")
    _decided(request, officer, "rejected", now)
    request.reason = reason
    db.session.flush()
    notify(request.user_id, "transfer_rejected", _("外省学时转入申请未通过"), reason,
           link=f"/me/transfers/{request.id}")
    audit.record("transfer.rejected", target=f"transfer:{request.id}", actor=officer, reason=reason)
    return request


def may_see(user: User, request: TransferRequest) -> bool:
    """The trainee and the bureau officers of their current region see a request and its files."""
    if user.id == request.user_id:
        return True
    if user.role != "bureau":
        return False
    try:
        return scope_for(user).covers(request.user.region_code)
    except ScopeError:
        return False


def evidence_file(user: User, file_id: int) -> TransferFile:
    """An evidence file ``user`` may see; every other is not found (404)."""
    row = db.session.get(TransferFile, file_id) if 0 < file_id < 2**63 else None
    if row is None or not may_see(user, row.request):
        raise Refused(404, "not_found", _("没有这个文件。"))
    return row
