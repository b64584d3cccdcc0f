"""Journey (issue 15): a unit administrator imports the unit's staff from an XLSX file.

马晓燕 of 北京市朝阳区人民医院 signs in and uploads a prepared file with one bad row (a
wrong check digit): the page names the row and the column, and nobody is created. She fixes
the file, uploads it again, sees 全部通过, confirms, and is shown each new person's masked ID
number and one-time password once; the accounts exist, linked to the unit and confirmed.
Then 李明 signs in with his one-time password and is held on the password page until he
sets his own.

And a trainee of another, existing account who chose the unit waits on 本单位 until 马晓燕
confirms the request; then the trainee is in the roster and has a notice saying so.
"""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from notices.models import Notice
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import add_trainee, sign_in
from tests.staff_import.conftest import xlsx
from units.models import Unit, UnitLink

pytestmark = pytest.mark.e2e


@pytest.fixture
def unit_admin(live_server) -> dict:
    with live_server.app.app_context():
        unit = Unit(name="北京市朝阳区人民医院", credit_code="12110105400000001H", region_code="110105")
        db.session.add(unit)
        db.session.flush()
        admin = User(role="unit_admin", real_name="马晓燕", id_number=make_id_number("110105"), phone="13800000006",
                     employer=unit.name, region_code="110105", unit_id=unit.id, password_hash=_FAST_HASH)
        db.session.add(admin)
        db.session.commit()
        return {"id": admin.id, "phone": admin.phone, "name": admin.real_name, "unit_id": unit.id}


def test_a_unit_admin_fixes_a_bad_row_and_imports_the_staff(page, live_server, unit_admin, tmp_path):
    good = ("李明", make_id_number("110105"), "13710000001", "主治医师")
    fixed = ("王芳", make_id_number("110105"), "13710000002", "护师")
    broken = (fixed[0], fixed[1][:17] + ("0" if fixed[1][17] != "0" else "1"), fixed[2], fixed[3])
    bad_file, good_file = tmp_path / "名单.xlsx", tmp_path / "名单-改.xlsx"
    bad_file.write_bytes(xlsx([good, broken]))
    good_file.write_bytes(xlsx([good, fixed]))

    sign_in(page, unit_admin)
    page.goto("/unit/staff/import")
    expect(page.get_by_role("heading", name="批量导入人员")).to_be_visible()
    page.get_by_label(re.compile("按模板填写的 XLSX 文件")).set_input_files(str(bad_file))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_role("alert")).to_contain_text("发现 1 处错误，未创建任何账号")
    error_row = page.locator("table.import-errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("3")
    expect(error_row).to_contain_text("身份证号")
    expect(error_row).to_contain_text("校验位不正确")
    expect(page.get_by_role("button", name=re.compile("确认导入"))).to_have_count(0)

    page.get_by_label(re.compile("按模板填写的 XLSX 文件")).set_input_files(str(good_file))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_text("全部通过，共 2 行。")).to_be_visible()
    expect(page.locator("table.import-preview")).to_contain_text(fixed[1][:6] + "********" + fixed[1][-4:])
    page.get_by_role("button", name="确认导入 2 人").click()

    expect(page.get_by_role("heading", name="导入完成：已创建 2 个账号")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("只在此页显示一次")
    rows = page.locator("table.one-time-passwords tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("李明")
    expect(rows.first).to_contain_text(good[1][:6] + "********" + good[1][-4:])
    passwords = page.locator("code.one-time-password").all_inner_texts()
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password) for password in passwords)
    assert good[1] not in page.content()

    with live_server.app.app_context():
        people = db.session.scalars(select(User).where(User.role == "trainee")).all()
        assert {person.real_name for person in people} == {"李明", "王芳"}
        links = db.session.scalars(select(UnitLink)).all()
        assert {(link.unit_id, link.status) for link in links} == {(unit_admin["unit_id"], "confirmed")}

    page.get_by_role("button", name="退出").click()
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(good[2])
    page.get_by_label("密码").fill(passwords[0])
    page.get_by_role("button", name="登录").click()
    page.goto("/me/learning")
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_text("请先修改初始密码")).to_be_visible()
    page.get_by_label("当前密码").fill(passwords[0])
    page.get_by_label("新密码", exact=True).fill("li-ming-own-1")
    page.get_by_label("确认新密码").fill("li-ming-own-1")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    page.goto("/me/learning")
    expect(page).to_have_url(re.compile(r"/me/learning$"))


def test_a_unit_admin_confirms_a_pending_link(page, live_server, unit_admin):
    person = add_trainee(live_server.app, phone="13900000031")
    with live_server.app.app_context():
        db.session.add(UnitLink(user_id=person["id"], unit_id=unit_admin["unit_id"], status="pending"))
        db.session.commit()

    sign_in(page, unit_admin)
    page.goto("/unit/")
    pending = page.get_by_role("region", name="待确认的人员")
    request_row = pending.get_by_role("row").filter(has_text=person["name"])
    expect(request_row).to_contain_text(person["phone"])
    roster = page.get_by_role("region", name="人员学时")
    expect(roster.get_by_role("row").filter(has_text=person["name"])).to_have_count(0)
    request_row.get_by_role("button", name="确认", exact=True).click()

    expect(page.get_by_text(f"已确认{person['name']}为本单位人员。")).to_be_visible()
    expect(pending.get_by_text("没有待确认的申请")).to_be_visible()
    expect(roster.get_by_role("row").filter(has_text=person["name"])).to_contain_text(person["phone"])
    with live_server.app.app_context():
        link = db.session.scalars(select(UnitLink).where(UnitLink.user_id == person["id"])).one()
        assert (link.status, link.decided_by_id) == ("confirmed", unit_admin["id"])
        notices = db.session.scalars(select(Notice).where(Notice.user_id == person["id"])).all()
        assert [notice.kind for notice in notices] == ["unit_link_confirmed"]
