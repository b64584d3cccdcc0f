"""The world of the declaration tests: a unit in 深圳市南山区 with its administrator, a trainee
it confirmed, a bureau officer of 深圳市 (4403), and for the scope tests another unit's
administrator and an officer of 北京市朝阳区. Evidence: a real small JPEG and a tiny PDF."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from accounts.models import AuditLog
from core.db import utcnow
from core.extensions import db
from core.policy.rulebook import china_date
from notices.models import Notice


def jpeg_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, "JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def yesterday():
    return china_date(utcnow()) - timedelta(days=1)


def fields(**changes) -> dict:
    """A valid declaration's form fields: a one-day seminar that ended yesterday (8 学时)."""
    day = yesterday().isoformat()
    return {"title": "医院感染管理培训班", "organiser": "深圳市卫生健康委员会", "place": "深圳市会展中心",
            "start_date": day, "end_date": day, "subject_type": "zhuanye", "hours": "", "hours_reason": "",
            "pledge": "y", **changes}


def with_files(data: dict, *files) -> dict:
    """``data`` with evidence ``files`` ((bytes, name) pairs; one JPEG when none are given)."""
    files = files or ((jpeg_bytes(), "photo.jpg"),)
    return {**data, "files": [(io.BytesIO(content), name) for content, name in files]}


def audit_rows(prefix: str = "declaration.") -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)))


def notices(user) -> list[Notice]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))


@pytest.fixture
def unit(make_unit):
    return make_unit(name="深圳市南山区人民医院", region_code="440305")


@pytest.fixture
def unit_admin(make_user, unit):
    return make_user("unit_admin", unit_id=unit.id, region_code="440305", real_name="马晓燕")


@pytest.fixture
def trainee(make_user, unit, link_to_unit):
    person = make_user("trainee", region_code="440305", real_name="陈学文")
    link_to_unit(person, unit)
    return person


@pytest.fixture
def officer(make_user):
    return make_user("bureau", region_code="440300", real_name="刘芳")


@pytest.fixture
def other_admin(make_user):
    return make_user("unit_admin", region_code="440305", real_name="王磊")


@pytest.fixture
def far_officer(make_user):
    return make_user("bureau", region_code="110105", real_name="赵敏")


@pytest.fixture
def as_user(client, sign_in):
    """``as_user(user)``: the test's client, signed in as ``user`` (replacing whoever was)."""

    def switch(user):
        sign_in(user)
        return client

    return switch
