"""The import page: dry run, confirmation, the one-time passwords shown once, first login."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from tests.staff_import.conftest import audit_rows, person, raw_upload, upload, xlsx
from units.models import UnitLink

PAGE = "/unit/staff/import"


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def trainees() -> list[User]:
    return db.session.scalars(select(User).where(User.role == "trainee")).all()


def test_the_template_downloads_with_the_id_column_as_text(client, sign_in, admin):
    sign_in(admin)
    response = client.get(f"{PAGE}/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["人员名单", "填写说明"]
    sheet = book["人员名单"]
    assert [cell.value for cell in sheet[1]] == ["姓名", "身份证号", "手机号", "职称"]
    assert sheet["B2"].number_format == "@" and isinstance(sheet["B2"].value, str)
    assert "一次性密码" in " ".join(str(row[0].value) for row in book["填写说明"].iter_rows())


def test_a_file_with_a_bad_row_shows_the_row_and_creates_nothing(client, sign_in, admin):
    sign_in(admin)
    bad = person(2, name="")
    page = client.post(PAGE, data=upload(xlsx([person(1), bad]))).get_data(as_text=True)
    assert "发现 1 处错误，未创建任何账号" in page
    assert re.search(r"<td>3</td><td>姓名</td><td>请填写真实姓名。</td>", page)
    assert 'name="token"' not in page and trainees() == []


def test_a_clean_file_is_confirmed_and_its_passwords_shown_once(client, sign_in, admin):
    sign_in(admin)
    rows = [person(1, "李明"), person(2, "王芳")]
    checked = client.post(PAGE, data=upload(xlsx(rows)))
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "全部通过，共 2 行。" in page
    assert rows[0][1] not in page and rows[0][1][:6] + "********" + rows[0][1][-4:] in page
    assert trainees() == []  # the dry run created nothing
    token = token_of(page)
    done = client.post(f"{PAGE}/confirm", data={"token": token})
    shown = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert "导入完成：已创建 2 个账号" in shown and "只在此页显示一次" in shown
    passwords = re.findall(r'<code class="one-time-password">([^<]+)</code>', shown)
    assert len(passwords) == 2 and rows[0][1] not in shown
    people = trainees()
    assert {user.real_name for user in people} == {"李明", "王芳"} and all(u.must_change_password for u in people)
    assert {link.status for link in db.session.scalars(select(UnitLink))} == {"confirmed"}
    [row] = audit_rows("staff_imported")
    assert row.actor_id == admin.id and row.details["rows"] == 2
    assert not any(p in str(row.details) for p in passwords) and rows[0][1] not in str(row.details)
    again = client.post(f"{PAGE}/confirm", data={"token": token})
    assert again.status_code == 409 and "确认已失效" in again.get_data(as_text=True)
    assert len(trainees()) == 2 and not any(p in again.get_data(as_text=True) for p in passwords)


def test_a_forged_or_foreign_token_imports_nothing(client, sign_in, admin):
    sign_in(admin)
    page = client.post(PAGE, data=upload(xlsx([person(1)]))).get_data(as_text=True)
    assert client.post(f"{PAGE}/confirm", data={"token": token_of(page) + "x"}).status_code == 409
    assert client.post(f"{PAGE}/confirm", data={}).status_code == 409
    assert trainees() == []


def test_what_changed_before_the_confirmation_is_reported(client, sign_in, admin, make_user):
    sign_in(admin)
    row = person(1)
    token = token_of(client.post(PAGE, data=upload(xlsx([row]))).get_data(as_text=True))
    make_user(id_number=row[1])  # registered meanwhile
    response = client.post(f"{PAGE}/confirm", data={"token": token})
    assert response.status_code == 409 and "该身份证号已注册" in response.get_data(as_text=True)
    assert len(trainees()) == 1


def test_no_file_a_non_xlsx_and_an_oversize_file_are_told(client, sign_in, admin):
    sign_in(admin)
    assert "请选择要导入的 XLSX 文件" in client.post(PAGE, data={}).get_data(as_text=True)
    pdf = client.post(PAGE, data=upload(b"%PDF-1.4 hello", name="staff.pdf"))
    assert pdf.status_code == 422 and "不是有效的 XLSX" in pdf.get_data(as_text=True)
    big = client.post(PAGE, **raw_upload(b"PK" + b"0" * (2 * 1024 * 1024)))
    assert big.status_code == 422 and "超过 2 MB" in big.get_data(as_text=True)
    assert trainees() == []


def test_the_one_time_password_works_once_and_must_then_be_changed(client, sign_in, admin):
    sign_in(admin)
    rows = [person(1, "李明")]
    token = token_of(client.post(PAGE, data=upload(xlsx(rows))).get_data(as_text=True))
    shown = client.post(f"{PAGE}/confirm", data={"token": token}).get_data(as_text=True)
    [password] = re.findall(r'<code class="one-time-password">([^<]+)</code>', shown)
    client.post("/logout")
    signed = client.post("/login", data={"identifier": rows[0][2], "password": password})
    assert signed.status_code == 302
    assert client.get("/me/learning").headers["Location"].startswith("/me")  # nothing else until it is changed
    changed = client.post("/me", data={"current": password, "password": "my-own-pass-1", "confirm": "my-own-pass-1"})
    assert changed.status_code == 302 and client.get("/me/learning").status_code == 200
    client.post("/logout")
    refused = client.post("/login", data={"identifier": rows[0][2], "password": password})
    assert refused.status_code == 200 and "密码不正确" in refused.get_data(as_text=True)


@pytest.mark.parametrize("role", ["trainee", "bureau", "admin", "producer"])
def test_only_unit_administrators_may_import(client, sign_in, make_user, role):
    sign_in(make_user(role))
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/template.xlsx").status_code == 403
    assert client.post(PAGE, data=upload(xlsx([person(1)]))).status_code == 403
    assert client.post(f"{PAGE}/confirm", data={"token": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(PAGE).headers["Location"].startswith("/login")


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_upload_and_the_confirmation_need_the_token(self, client, sign_in, admin):
        sign_in(admin)
        assert client.post(PAGE, data=upload(xlsx([person(1)]))).status_code == 400
        form = client.get(PAGE).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        page = client.post(PAGE, data=upload(xlsx([person(1)]), csrf_token=csrf)).get_data(as_text=True)
        token = token_of(page)
        assert client.post(f"{PAGE}/confirm", data={"token": token}).status_code == 400
        assert trainees() == []
        assert client.post(f"{PAGE}/confirm", data={"token": token, "csrf_token": csrf}).status_code == 200
        assert len(trainees()) == 1
