"""The 工作单位 pages: officers manage their region's units, admins all, others are refused."""
from sqlalchemy import select

from core.extensions import db
from tests.units.conftest import FUZHOU, HUAWEI, audit_rows
from units.models import Unit

NEW = {"name": "华为技术有限公司", "credit_code": HUAWEI.lower(), "region_code": "440307", "address": "坂田"}


def test_an_officer_sees_only_the_units_of_their_region(client, sign_in, officer, make_unit):
    make_unit(name="深圳市南山区人民医院")
    make_unit(name="北京市朝阳医院", region_code="110105", credit_code=FUZHOU)
    sign_in(officer)
    page = client.get("/units/").get_data(as_text=True)
    assert "深圳市南山区人民医院" in page and "北京市朝阳医院" not in page
    assert "南山" in client.get("/units/?q=南山").get_data(as_text=True)


def test_an_officer_creates_a_unit_and_finds_it_in_the_list(client, sign_in, officer):
    sign_in(officer)
    assert 'value="440300"' in client.get("/units/new").get_data(as_text=True)
    response = client.post("/units/new", data=NEW, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已新建工作单位“华为技术有限公司”。" in page and HUAWEI in page
    assert [row.action for row in audit_rows()] == ["unit_created"]


def test_a_wrong_check_character_is_shown_under_the_field(client, sign_in, officer):
    sign_in(officer)
    page = client.post("/units/new", data={**NEW, "credit_code": "91440300708461136U"}).get_data(as_text=True)
    assert "未保存。" in page and "校验位不对" in page
    assert db.session.scalars(select(Unit)).all() == []


def test_an_officer_cannot_create_a_unit_in_another_region(client, sign_in, officer):
    sign_in(officer)
    page = client.post("/units/new", data={**NEW, "credit_code": FUZHOU, "region_code": "350102"}).get_data(
        as_text=True)
    assert "不在您的管辖范围内" in page and db.session.scalars(select(Unit)).all() == []


def test_an_officer_edits_their_units_and_not_others(client, sign_in, officer, make_unit):
    mine, theirs = make_unit(), make_unit(region_code="110105", credit_code=FUZHOU)
    sign_in(officer)
    data = {"name": "深圳市南山区人民医院（本部）", "credit_code": mine.credit_code, "region_code": "440305",
            "address": "", "active": ""}
    page = client.post(f"/units/{mine.id}/edit", data=data, follow_redirects=True).get_data(as_text=True)
    assert "已保存工作单位" in page and "停用" in page
    assert client.get(f"/units/{theirs.id}/edit").status_code == 403
    assert client.get("/units/99999/edit").status_code == 404


def test_an_admin_manages_units_anywhere(client, sign_in, admin, make_unit):
    beijing = make_unit(name="北京市朝阳医院", region_code="110105", credit_code=FUZHOU)
    sign_in(admin)
    assert "北京市朝阳医院" in client.get("/units/").get_data(as_text=True)
    assert client.get(f"/units/{beijing.id}/edit").status_code == 200
    assert client.post("/units/new", data=NEW).status_code == 302


def test_trainees_are_refused_and_visitors_sent_to_sign_in(client, sign_in, trainee):
    assert client.get("/units/").status_code == 302
    sign_in(trainee)
    assert client.get("/units/").status_code == 403
    assert client.post("/units/new", data=NEW).status_code == 403


def test_the_navigation_links_the_units(client, sign_in, officer, admin):
    sign_in(officer)
    assert 'href="/units/"' in client.get("/units/").get_data(as_text=True)
    sign_in(admin)
    assert 'href="/units/"' in client.get("/admin/rules/").get_data(as_text=True)
