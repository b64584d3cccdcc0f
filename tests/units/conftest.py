"""The world of the unit tests: a bureau officer of 深圳市 (4403), one of 北京市朝阳区, an admin,
and a trainee (``make_unit`` is the suite's, tests/conftest.py)."""
import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from tests.conftest import make_credit_code

HUAWEI = "91440300708461136T"  # a published code (深圳)
FUZHOU = "91350100M000100Y43"  # the example GB 32100-2015 texts cite (福州)


make_code = make_credit_code


@pytest.fixture
def officer(make_user):
    return make_user("bureau", region_code="440300", real_name="刘芳")


@pytest.fixture
def beijing_officer(make_user):
    return make_user("bureau", region_code="110105", real_name="赵敏")


@pytest.fixture
def admin(make_user):
    return make_user("admin", real_name="吴志强")


@pytest.fixture
def trainee(make_user):
    return make_user("trainee", region_code="440305")


def audit_rows(prefix: str = "unit_") -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)))
