"""The 学时登记 pages: the trainee declares through the form (the 计算 button fills in the
学时), the unit and the bureau decide on their pages, every form carries its CSRF token."""
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from declarations.models import Declaration
from learning.models import CreditRecord
from tests.declarations.conftest import fields, with_files
from tests.declarations.world import declaration


def test_the_trainee_declares_through_the_form(as_user, trainee):
    client = as_user(trainee)
    assert "/me/declarations" in client.get("/me/learning").get_data(as_text=True)
    form = client.get("/me/declarations/new").get_data(as_text=True)
    for words in ("本人承诺以上信息属实", "专业科目", "公需科目", "js/declaration.js", 'enctype="multipart/form-data"'):
        assert words in form
    computed = client.post("/me/declarations/new", data={**fields(), "compute": "1"}).get_data(as_text=True)
    assert re.search(r'id="hours"[^>]*value="8"', computed)
    assert db.session.scalar(select(Declaration)) is None
    refused = client.post("/me/declarations/new", data=with_files(fields(pledge="")),
                          content_type="multipart/form-data")
    assert refused.status_code == 200 and "请勾选" in refused.get_data(as_text=True)
    sent = client.post("/me/declarations/new", data=with_files(fields()), content_type="multipart/form-data")
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    for words in ("单位初审中", "提交登记", "医院感染管理培训班", "photo.jpg", "深圳市南山区人民医院"):
        assert words in page
    assert "单位初审中" in client.get("/me/declarations").get_data(as_text=True)


def test_unit_and_bureau_decide_on_their_pages(as_user, trainee, unit_admin, officer, unit):
    row = declaration(trainee, unit)
    queue = as_user(unit_admin).get("/unit/declarations/").get_data(as_text=True)
    assert "学时初审" in queue and row.title in queue
    assert as_user(unit_admin).post(f"/unit/declarations/{row.id}", data={"approve": "通过"}).status_code == 302

    queue = as_user(officer).get("/bureau/declarations/").get_data(as_text=True)
    assert "学时复审" in queue and "深圳市南山区人民医院" in queue and row.title in queue
    page = as_user(officer).post(f"/bureau/declarations/{row.id}", data={"send_back": "退回", "reason": ""})
    assert page.status_code == 200 and "退回时请写明原因" in page.get_data(as_text=True)
    assert as_user(officer).post(f"/bureau/declarations/{row.id}", data={"approve": "通过"}).status_code == 302
    assert db.session.scalar(select(CreditRecord.source_id)) == row.id
    detail = as_user(trainee).get(f"/me/declarations/{row.id}").get_data(as_text=True)
    assert "已通过" in detail and "人社部门复审通过" in detail and "撤回登记" not in detail


def test_review_pages_keep_to_their_scope(as_user, trainee, unit, other_admin, far_officer):
    row = declaration(trainee, unit, "bureau_review")
    assert as_user(other_admin).get(f"/unit/declarations/{row.id}").status_code == 404
    assert as_user(far_officer).get(f"/bureau/declarations/{row.id}").status_code == 403
    assert as_user(trainee).get("/unit/declarations/").status_code == 403
    assert as_user(trainee).get("/bureau/declarations/").status_code == 403


def test_the_trainee_withdraws_on_the_page(as_user, trainee, unit):
    row = declaration(trainee, unit, "returned", reason="请补充照片")
    page = as_user(trainee).get(f"/me/declarations/{row.id}").get_data(as_text=True)
    assert "请补充照片" in page and "修改并重新提交" in page
    assert as_user(trainee).post(f"/me/declarations/{row.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Declaration, row.id).status == "withdrawn"


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_form_needs_its_token(self, as_user, trainee, unit_admin, officer, unit):
        row = declaration(trainee, unit)
        for person, address in ((trainee, f"/me/declarations/{row.id}/withdraw"),
                                (unit_admin, f"/unit/declarations/{row.id}"),
                                (trainee, "/me/declarations/new")):
            response = as_user(person).post(address, data=with_files(fields()) if "new" in address
                                            else {"approve": "通过"}, content_type="multipart/form-data")
            assert response.status_code == 400, address
        response = as_user(trainee).post("/api/v1/me/declarations", data=with_files(fields()),
                                         content_type="multipart/form-data")
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
        db.session.expire_all()
        assert db.session.get(Declaration, row.id).status == "unit_review"
        assert db.session.scalar(select(db.func.count()).select_from(Declaration)) == 1
        html = as_user(unit_admin).get(f"/unit/declarations/{row.id}").get_data(as_text=True)
        assert 'name="csrf_token"' in html


def test_the_form_says_at_once_that_a_confirmed_unit_is_needed(as_user, make_user, unit, link_to_unit):
    person = make_user("trainee", region_code="440305")
    link_to_unit(person, unit, "pending")
    page = as_user(person).get("/me/declarations/new").get_data(as_text=True)
    assert "等待单位管理员确认后再登记学时" in page and 'href="/me/unit"' in page
