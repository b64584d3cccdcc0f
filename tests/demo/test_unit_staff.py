"""The demo unit's staff: namesakes of the unit matched, most confirmed, the newest pending."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from demo.unit_staff import PENDING, ensure_staff
from notices.models import Notice
from units.models import UnitLink


def links() -> list[tuple[int, str]]:
    db.session.expire_all()
    return sorted(db.session.execute(select(UnitLink.user_id, UnitLink.status)).tuples())


def test_namesakes_are_confirmed_but_the_newest_and_a_rerun_changes_nothing(make_user, make_unit, link_to_unit):
    unit = make_unit(name="北京市朝阳区人民医院", region_code="110105")
    admin = make_user("unit_admin", unit_id=unit.id, region_code="110105")
    staff = [make_user(region_code="110105", employer=" 北京市朝阳区人民医院 ") for _ in range(5)]
    make_user(region_code="330102", employer="北京市朝阳区人民医院")  # another province: not matched
    make_user(region_code="110105", employer="北京市朝阳区疾病预防控制中心")
    rejected = make_user(region_code="110105", employer="北京市朝阳区人民医院")
    link_to_unit(rejected, unit, status="rejected")

    assert ensure_staff(admin, utcnow()) == (5 - PENDING, PENDING)
    db.session.commit()
    expected = [(user.id, "confirmed") for user in staff[:-PENDING]] + [(user.id, "pending") for user in
                                                                       staff[-PENDING:]]
    assert links() == sorted([*expected, (rejected.id, "rejected")])
    told = db.session.scalars(select(Notice.user_id).where(Notice.kind == "unit_link_confirmed")).all()
    assert sorted(told) == [user.id for user in staff[:-PENDING]]

    assert ensure_staff(admin, utcnow()) == (0, 0)
    db.session.commit()
    assert links() == sorted([*expected, (rejected.id, "rejected")])
