"""学时登记 in a real browser: a trainee declares a seminar with a photo (the form's script fills
in 8 学时 from the dates), the unit returns it with a reason, the trainee lowers the hours with a
reason, adds a certificate and submits again, the unit and the bureau approve, and the hours
appear in 我的学习 as a line of their own and in the bureau's XLSX of records, as 线下登记."""
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.policy.rulebook import china_date
from tests.conftest import _FAST_HASH, make_credit_code, make_id_number
from tests.e2e.conftest import add_trainee, sign_in
from units.models import Unit, UnitLink

pytestmark = pytest.mark.e2e
TITLE = "全省医院感染防控研讨会"


def people(app) -> dict:
    """The trainee of tests/e2e/conftest.py confirmed by a Hangzhou unit, its administrator and
    a Hangzhou bureau officer."""
    trainee = add_trainee(app)
    with app.app_context():
        unit = Unit(name="杭州市第一人民医院", credit_code=make_credit_code("330106"), region_code="330106")
        db.session.add(unit)
        db.session.flush()
        db.session.add(UnitLink(user_id=trainee["id"], unit_id=unit.id, status="confirmed"))
        others = {}
        for key, role, name, phone, region in (("unit_admin", "unit_admin", "马晓燕", "13900000022", "330106"),
                                               ("officer", "bureau", "刘建国", "13900000023", "330100")):
            user = User(role=role, real_name=name, id_number=make_id_number(region), phone=phone, region_code=region,
                        unit_id=unit.id if role == "unit_admin" else None, password_hash=_FAST_HASH)
            db.session.add(user)
            others[key] = {"phone": phone, "name": name}
        db.session.commit()
    return {"trainee": trainee, **others}


def photo(tmp_path, name: str, colour) -> str:
    path = tmp_path / name
    Image.new("RGB", (64, 48), colour).save(path, "JPEG")
    return str(path)


def switch(page, person: dict) -> None:
    """Sign whoever is signed in out, and ``person`` in."""
    page.context.clear_cookies()
    sign_in(page, person)


def test_declare_return_fix_and_approve_into_my_learning(page, live_server, tmp_path):
    cast = people(live_server.app)
    day = (china_date(utcnow()) - timedelta(days=2)).isoformat()

    sign_in(page, cast["trainee"])
    page.goto("/me/learning")
    page.get_by_role("link", name="学时登记").click()
    page.get_by_role("link", name="登记线下学时").click()
    page.get_by_label("培训名称").fill(TITLE)
    page.get_by_label("主办单位").fill("浙江省卫生健康委员会")
    page.get_by_label("培训地点").fill("杭州国际博览中心")
    page.get_by_label("开始日期").fill(day)
    page.get_by_label("结束日期").fill(day)
    expect(page.get_by_label("学时", exact=True)).to_have_value("8")  # static/js/declaration.js
    page.get_by_label("科目类型").select_option(label="专业科目")
    page.get_by_label("证明材料").set_input_files(photo(tmp_path, "seminar.jpg", (180, 40, 40)))
    page.get_by_label("本人承诺以上信息属实").check()
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator(".declaration-status")).to_have_text("单位初审中")
    expect(page.get_by_role("link", name="seminar.jpg")).to_be_visible()

    switch(page, cast["unit_admin"])
    page.get_by_role("navigation").get_by_role("link", name="学时初审").click()
    page.get_by_role("link", name=TITLE).click()
    evidence = page.get_by_role("link", name="seminar.jpg").get_attribute("href")
    assert page.request.get(evidence).headers["content-type"] == "image/jpeg"
    page.get_by_label("退回原因").fill("请补充结业证书，并按实际参加时间填写学时")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("已退回学员。")).to_be_visible()

    switch(page, cast["trainee"])
    page.goto("/me/declarations")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".declaration-status")).to_have_text("已退回")
    expect(page.locator(".return-reason")).to_have_text("请补充结业证书，并按实际参加时间填写学时")
    page.get_by_role("link", name="修改并重新提交").click()
    page.get_by_label("学时", exact=True).fill("4")
    page.get_by_label("学时调整说明").fill("只参加了上午半天")
    page.get_by_label("证明材料").set_input_files(photo(tmp_path, "certificate.jpg", (40, 40, 180)))
    page.get_by_label("本人承诺以上信息属实").check()
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator(".declaration-status")).to_have_text("单位初审中")
    expect(page.get_by_role("link", name="certificate.jpg")).to_be_visible()
    expect(page.locator(".declaration-steps li")).to_have_count(3)

    switch(page, cast["unit_admin"])
    page.goto("/unit/declarations/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_text("已通过初审，转人社部门复审。")).to_be_visible()

    switch(page, cast["officer"])
    page.get_by_role("navigation").get_by_role("link", name="学时复审").click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("杭州市第一人民医院")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_text("已通过复审，学时已计入。")).to_be_visible()

    switch(page, cast["trainee"])
    page.goto(f"/me/learning?year={day[:4]}")
    line = page.get_by_role("row").filter(has_text=TITLE)
    expect(line).to_contain_text("线下学时")
    expect(line.locator(".hours")).to_have_text("4.0")  # as 我的学习 writes 学时
    expect(line.locator(".subject-type")).to_have_text("专业科目")

    switch(page, cast["officer"])
    rows = bureau_xlsx(page, tmp_path, year=day[:4], person=cast["trainee"]["name"])
    assert [(row["姓名"], row["课程"], row["学时"], row["科目类型"], row["依据"], row["工作单位（已确认）"])
            for row in rows] == [(cast["trainee"]["name"], TITLE, 4, "专业科目", "线下登记", "杭州市第一人民医院")]


def bureau_xlsx(page, tmp_path, *, year: str, person: str) -> list[dict]:
    """The rows of the XLSX the signed-in officer downloads from 学时记录 for ``year`` and
    ``person``, each as {header: value}."""
    page.goto("/bureau/records")
    page.get_by_label("年度").fill(year)
    page.get_by_label("身份证号或姓名（精确）").fill(person)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共 1 条记录")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    path = tmp_path / "records.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path, read_only=True)
    try:
        header, *body = workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()
    return [dict(zip(header, row, strict=True)) for row in body]
