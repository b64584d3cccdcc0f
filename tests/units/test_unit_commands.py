"""``flask users create --role unit_admin --unit CODE`` and ``flask units match-employers``."""
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from tests.conftest import make_id_number
from tests.units.conftest import audit_rows
from units.models import UnitLink


def users_create(app, *args):
    base = ["users", "create", "--name", "马晓燕", "--id-number", make_id_number("440305"),
            "--phone", "13912349999", "--password", "secret-pass-1"]
    return app.test_cli_runner().invoke(args=[*base, *args])


def test_a_unit_administrator_is_created_for_the_unit_of_the_code(app, make_unit):
    unit = make_unit(region_code="440305")
    result = users_create(app, "--role", "unit_admin", "--unit", unit.credit_code.lower())
    assert result.exit_code == 0, result.output
    person = db.session.get(User, int(result.output.strip()))
    assert (person.role, person.unit_id, person.region_code) == ("unit_admin", unit.id, "440305")


def test_an_unknown_or_missing_code_creates_nothing(app, make_unit):
    unknown = users_create(app, "--role", "unit_admin", "--unit", "91440300708461136T")
    assert unknown.exit_code != 0 and "没有统一社会信用代码为 91440300708461136T 的工作单位" in unknown.output
    missing = users_create(app, "--role", "unit_admin")
    assert missing.exit_code != 0 and "--unit" in missing.output
    closed = make_unit(active=False)
    assert users_create(app, "--role", "unit_admin", "--unit", closed.credit_code).exit_code != 0
    other_role = users_create(app, "--role", "bureau", "--region", "440300", "--unit", closed.credit_code)
    assert other_role.exit_code != 0
    assert db.session.scalars(select(User)).all() == []


def _world(make_user, make_unit, link_to_unit):
    hospital = make_unit(name="深圳市南山区人民医院", region_code="440305")
    make_unit(name="深圳市第一中学", region_code="440303")
    make_unit(name="深圳市第一中学", region_code="440304")  # two of that name: ambiguous
    make_unit(name="北京市朝阳区人民医院", region_code="110105")
    people = {
        "match": make_user(real_name="王小明", employer=" 深圳市南山区人民医院\u3000",
                           region_code="440305"),
        "ambiguous": make_user(real_name="李小红", employer="深圳市第一中学", region_code="440306"),
        "other_province": make_user(real_name="赵小刚", employer="北京市朝阳区人民医院", region_code="440305"),
        "linked": make_user(real_name="孙小丽", employer="深圳市南山区人民医院", region_code="440305"),
        "bureau": make_user("bureau", employer="深圳市南山区人民医院", region_code="440300"),
    }
    link_to_unit(people["linked"], make_unit(name="别的医院"), "pending")
    return hospital, people


def _links() -> list[tuple[int, int, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(UnitLink).order_by(UnitLink.id))
    return [(row.user_id, row.unit_id, row.status) for row in rows]


def test_match_employers_proposes_then_applies(app, make_user, make_unit, link_to_unit):
    hospital, people = _world(make_user, make_unit, link_to_unit)
    before = _links()
    dry = app.test_cli_runner().invoke(args=["units", "match-employers"])
    assert dry.exit_code == 0, dry.output
    assert f"user:{people['match'].id} 王小明 → unit:{hospital.id} 深圳市南山区人民医院" in dry.output
    assert f"ambiguous  user:{people['ambiguous'].id} 李小红" in dry.output and "2 units" in dry.output
    for name in ("赵小刚", "孙小丽"):
        assert name not in dry.output
    assert "1 matches proposed" in dry.output and _links() == before

    applied = app.test_cli_runner().invoke(args=["units", "match-employers", "--apply"])
    assert applied.exit_code == 0 and "1 pending links created" in applied.output
    assert _links() == [*before, (people["match"].id, hospital.id, "pending")]
    [row] = audit_rows("unit_link_matched")
    assert row.actor_id is None and row.details["user"] == f"user:{people['match'].id}"
    again = app.test_cli_runner().invoke(args=["units", "match-employers", "--apply"])
    assert "0 pending links created" in again.output and len(_links()) == len(before) + 1
