"""Transfer requests straight into the tables, as the flow would leave them (for tests/pages.py)."""
from core.db import utcnow
from core.extensions import db
from learning.rules import credit_year
from transfers.models import TransferLine, TransferRequest


def transfer(user, status: str = "pending", reason: str = "") -> TransferRequest:
    """A request of ``user`` from Beijing for last year's 公需 and 专业 hours, in ``status``."""
    now, year = utcnow(), credit_year(utcnow()) - 1
    row = TransferRequest(user_id=user.id, old_province="11", reference="https://jxjy.example.org/verify/A123",
                          status=status, reason=reason, created_at=now, updated_at=now,
                          decided_at=None if status == "pending" else now)
    row.lines = [TransferLine(year=year, subject_type="gongxu", claimed_tenths=300),
                 TransferLine(year=year, subject_type="zhuanye", claimed_tenths=420)]
    db.session.add(row)
    db.session.commit()
    return row


def world(trainee) -> dict:
    """One request waiting for the bureau, one rejected with its reason."""
    return {"pending": transfer(trainee), "rejected": transfer(trainee, "rejected", "No seal on the certificate")}
