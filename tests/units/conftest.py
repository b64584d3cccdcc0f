"""The world of the unit tests: a bureau officer of 深圳市 (4403), one of 北京市朝阳区, an admin,
a trainee, and ``make_unit`` to add units straight into the table."""
import itertools

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from units.creditcode import check_character
from units.models import Unit

HUAWEI = "91440300708461136T"  # a published code (深圳)
FUZHOU = "91350100M000100Y43"  # the example GB 32100-2015 texts cite (福州)
_serial = itertools.count(1)


def make_code(region: str = "440300") -> str:
    """A fresh valid code of a 企业 (91) registered in ``region``."""
    first17 = f"91{region}{next(_serial):09d}"
    return first17 + check_character(first17)


@pytest.fixture
def make_unit(app):
    def make(**fields) -> Unit:
        region = fields.pop("region_code", "440305")
        unit = Unit(name=fields.pop("name", "深圳市南山区人民医院"), credit_code=fields.pop("credit_code", None)
                    or make_code(region), region_code=region, address=fields.pop("address", ""), **fields)
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


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
