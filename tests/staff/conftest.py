"""The world of the unit administrator's tests: two units of Shenzhen under the Guangdong
example rules (公需 30, 专业 42, 选修 18 学时), their administrators, the first unit's staff
with credit in this year, a pending request, a bureau officer and a trainee of no unit."""
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from accounts.models import AuditLog, User
from core import policy
from core.db import utcnow
from core.extensions import db
from learning.models import CreditRecord
from notices.models import Notice
from provinces import store as rule_store
from units.models import Unit, UnitLink

GUANGDONG = {"prefix": "44", "effective_from": "2024-01-01", "name": "广东示例", "source": "示例",
             "minutes_per_hour": 45, "required_hours": {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18}}


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    admin: User
    other_admin: User
    bureau: User
    outsider: User  # a trainee of no unit
    done: User  # 达标 in every type
    short: User  # 专业 short
    beijing: User  # region 110105: the national rules, 公需 30 only, met
    stranger: User  # confirmed at the other unit
    pending: UnitLink  # a request to the first unit
    other_pending: UnitLink  # a request to the other unit
    year: int


def give(user: User, year: int, **tenths) -> None:
    """Credit rows without a course (补录), one per subject type, written directly."""
    now = utcnow()
    for kind, value in tenths.items():
        db.session.add(CreditRecord(user_id=user.id, course_id=None, year=year, hours_tenths=value,
                                    subject_type=kind, basis="correction", reason="补录", title="线下培训",
                                    awarded_at=now, updated_at=now))
    db.session.commit()


@pytest.fixture
def world(app, make_user, make_unit, link_to_unit) -> World:
    rule_store.save(rule_store.check(GUANGDONG), utcnow(), check_locks=False)
    db.session.commit()
    year = policy.this_year()
    unit, other_unit = make_unit(name="深圳市南山区人民医院"), make_unit(name="深圳市福田区中学")
    people = {
        "done": make_user(real_name="陈达标", region_code="440305", title="主治医师"),
        "short": make_user(real_name="李未满", region_code="440305", phone="13912345678"),
        "beijing": make_user(real_name="王北京", region_code="110105"),
        "stranger": make_user(real_name="赵外单位", region_code="440304"),
        "applicant": make_user(real_name="孙申请", region_code="440305"),
        "other_applicant": make_user(real_name="周别处", region_code="440304"),
    }
    for name in ("done", "short", "beijing"):
        link_to_unit(people[name], unit)
    link_to_unit(people["stranger"], other_unit)
    give(people["done"], year, gongxu=300, zhuanye=420, xuanxiu=180)
    give(people["short"], year, gongxu=305, zhuanye=100, xuanxiu=180)
    give(people["beijing"], year, gongxu=300)
    give(people["short"], year - 1, zhuanye=500)  # another year counts for nothing this year
    return World(
        unit=unit, other_unit=other_unit,
        admin=make_user("unit_admin", real_name="马晓燕", unit_id=unit.id, region_code="440305"),
        other_admin=make_user("unit_admin", real_name="钱其他", unit_id=other_unit.id, region_code="440304"),
        bureau=make_user("bureau", region_code="440300"), outsider=make_user(region_code="440305"),
        done=people["done"], short=people["short"], beijing=people["beijing"], stranger=people["stranger"],
        pending=link_to_unit(people["applicant"], unit, "pending"),
        other_pending=link_to_unit(people["other_applicant"], other_unit, "pending"), year=year)


def audit_rows(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def notices_of(user: User) -> list[Notice]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))
