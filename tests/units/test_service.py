"""The unit service: who may create and edit which units, who finds which, and what is audited."""
import pytest

from core.extensions import db
from tests.units.conftest import FUZHOU, HUAWEI, audit_rows, make_code
from units import service
from units.service import Refused, UnitInput


def test_an_officer_creates_a_unit_in_their_region_and_it_is_audited(officer):
    unit = service.create(officer, UnitInput(name=" 华为技术有限公司 ", credit_code=HUAWEI.lower(),
                                             region_code="440307", address="深圳市龙岗区坂田"))
    db.session.commit()
    assert (unit.name, unit.credit_code, unit.active) == ("华为技术有限公司", HUAWEI, True)
    [row] = audit_rows()
    assert (row.action, row.actor_id, row.details["after"]["credit_code"]) == ("unit_created", officer.id, HUAWEI)


def test_an_officer_cannot_create_a_unit_outside_their_region(officer):
    with pytest.raises(Refused) as e:
        service.create(officer, UnitInput(name="福州某公司", credit_code=FUZHOU, region_code="350100"))
    assert e.value.status == 403


def test_an_admin_creates_units_anywhere(admin):
    assert service.create(admin, UnitInput(name="福州某公司", credit_code=FUZHOU, region_code="350102")).id


def test_a_duplicate_code_is_refused_with_the_unit_holding_it(officer, make_unit):
    make_unit(name="华为技术有限公司", credit_code=HUAWEI)
    with pytest.raises(Refused) as e:
        service.create(officer, UnitInput(name="另一家", credit_code=HUAWEI, region_code="440305"))
    assert (e.value.status, e.value.code) == (409, "duplicate_credit_code")
    assert "华为技术有限公司" in e.value.message


@pytest.mark.parametrize(("data", "code"), [
    (UnitInput(name="", credit_code=HUAWEI, region_code="440305"), "invalid_name"),
    (UnitInput(name="甲", credit_code="91440300708461136X", region_code="440305"), "invalid_credit_code"),
    (UnitInput(name="甲", credit_code=HUAWEI, region_code="44030"), "invalid_region"),
])
def test_invalid_input_is_refused(officer, data, code):
    with pytest.raises(Refused) as e:
        service.create(officer, data)
    assert (e.value.status, e.value.code) == (422, code)


def test_an_officer_edits_units_of_their_region_only(officer, beijing_officer, make_unit):
    unit = make_unit(region_code="440305")
    assert service.edit(officer, unit, UnitInput(address="南山大道89号", active=False))
    db.session.commit()
    [row] = audit_rows("unit_updated")
    assert (row.details["before"]["active"], row.details["after"]["active"]) == (True, False)
    with pytest.raises(Refused) as e:
        service.edit(beijing_officer, unit, UnitInput(name="改名"))
    assert e.value.status == 403


def test_an_officer_cannot_move_a_unit_out_of_their_region(officer, make_unit):
    unit = make_unit(region_code="440305")
    with pytest.raises(Refused) as e:
        service.edit(officer, unit, UnitInput(region_code="110105"))
    assert e.value.status == 403


def test_an_edit_that_changes_nothing_is_not_audited(officer, make_unit):
    unit = make_unit()
    assert not service.edit(officer, unit, UnitInput(name=unit.name, credit_code=unit.credit_code))
    assert audit_rows() == []


def test_anyone_finds_active_units_by_name_or_code(trainee, make_unit):
    active = make_unit(name="深圳市人民医院", credit_code=HUAWEI)
    make_unit(name="深圳市旧医院", active=False)
    assert service.search(trainee, "人民") == [active]
    assert service.search(trainee, "914403007084") == [active]
    assert service.search(trainee, "医院") == [active]


def test_inactive_units_are_found_by_the_officers_who_may_edit_them(officer, beijing_officer, admin, make_unit):
    closed = make_unit(name="深圳市旧医院", active=False)
    assert service.search(officer, "旧") == [closed]
    assert service.search(admin, "旧") == [closed]
    assert service.search(beijing_officer, "旧") == []


def test_search_within_a_region(trainee, make_unit):
    shenzhen = make_unit(region_code="440305")
    make_unit(region_code="110105", credit_code=make_code("110105"))
    assert service.search(trainee, region="440000") == [shenzhen]
