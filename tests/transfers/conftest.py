"""The world of the transfer tests: a trainee now in 杭州市上城区 (330102) who moved from
北京市, a bureau officer of 浙江省 (330000) and one of 广东省 (440000) for the scope tests.
Evidence: the declaration tests' real small JPEG and tiny PDF."""
import io

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.db import utcnow
from core.extensions import db
from learning.models import CreditRecord
from learning.rules import credit_year
from notices.models import Notice
from tests.declarations.conftest import PDF, as_user, jpeg_bytes  # noqa: F401  (as_user is a fixture)
from transfers.models import TransferRequest


def this_year() -> int:
    return credit_year(utcnow())


def form(lines=((1, "gongxu", "30"), (2, "zhuanye", "42")), files=((PDF, "proof.pdf"),), **changes) -> dict:
    """The new-request form: lines as (years back, subject type, hours), evidence ``files``."""
    data = {"old_province": "11", "reference": ""}
    for index, (back, kind, hours) in enumerate(lines):
        data.update({f"lines-{index}-year": str(this_year() - back), f"lines-{index}-subject_type": kind,
                     f"lines-{index}-hours": hours})
    data.update(changes)
    data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return data


def submit(client, **changes):
    return client.post("/me/transfers/new", data=form(**changes), content_type="multipart/form-data")


def requests_of(user) -> list[TransferRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(TransferRequest).where(TransferRequest.user_id == user.id)
                                   .order_by(TransferRequest.id)))


def transfer_rows(user) -> list[CreditRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user.id,
                                                              CreditRecord.basis == "transfer")
                                   .order_by(CreditRecord.year, CreditRecord.subject_type)))


def audit_rows(prefix: str = "transfer.") -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)))


def notices(user) -> list[Notice]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))


@pytest.fixture
def trainee(make_user):
    return make_user("trainee", region_code="330102", real_name="陈学文")


@pytest.fixture
def officer(make_user):
    return make_user("bureau", region_code="330000", real_name="刘芳")


@pytest.fixture
def far_officer(make_user):
    return make_user("bureau", region_code="440000", real_name="赵敏")
