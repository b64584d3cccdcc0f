"""The unit form's region is a picker that starts at the officer's own area: a picked county is taken,
a forged code or one outside the area refused, and without JavaScript 显示下一级 brings the next level."""
from sqlalchemy import select

from core.extensions import db
from tests.accounts.test_region_forms import selects
from tests.units.conftest import HUAWEI
from units.models import Unit

NEW = {"name": "华为技术有限公司", "credit_code": HUAWEI, "address": "坂田"}


def test_an_officer_picks_a_county_below_their_fixed_city(client, sign_in, officer):
    sign_in(officer)
    page = client.get("/units/new").get_data(as_text=True)
    assert '<p class="region-fixed"' in page and selects(page) == {"county": ""} and "龙岗区" in page
    response = client.post("/units/new", data={**NEW, "region_code": ["440300", "440307"]})
    assert response.status_code == 302
    assert db.session.scalar(select(Unit.region_code)) == "440307"


def test_a_forged_or_outside_code_is_refused_and_a_step_saves_nothing(client, sign_in, officer, admin):
    sign_in(officer)
    for picked, message in ((["440300", "440399"], "440399 不是现行行政区划代码"),
                            (["350102"], "地区 350102 不在您的管辖范围内")):
        page = client.post("/units/new", data={**NEW, "region_code": picked}).get_data(as_text=True)
        assert message in page and "未保存。" in page
    sign_in(admin)
    page = client.post("/units/new", data={**NEW, "region_code": ["350000"], "region_step": "1"}).get_data(
        as_text=True)
    assert selects(page) == {"province": "350000", "city": ""} and "福州市" in page
    assert db.session.scalars(select(Unit)).all() == []
