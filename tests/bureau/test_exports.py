"""CSV and XLSX exports over HTTP: contents, filters, formula injection, sheet split, audit."""
import contextvars
import re
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient

from accounts.idnumber import check_digit
from accounts.models import AuditLog
from accounts.regions import region_name
from core.extensions import db
from learning.models import CreditRecord
from tests.bureau.records_helpers import AWARDED, HEADER, certificate, credit, read_csv, read_xlsx, xlsx_rows
from tests.conftest import make_id_number


def id_number_ending_in_x(region: str) -> str:
    for seq in range(100, 1000):
        first17 = f"{region}19900101{seq:03d}"
        if check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check digit found")


@pytest.fixture
def world(make_user, make_course, make_category):
    """Four trainees in Shenzhen (one outside), with awkward names, employers and ID numbers."""
    digital = make_course("数字经济概论", category=make_category("digital"))
    safety = make_course("-2+3 应急演练", category=make_category("emergency"))
    people = {
        "x": make_user(real_name="陈晓", region_code="440305", id_number=id_number_ending_in_x("440305"),
                       employer="=HYPERLINK(\"http://evil.example\",\"点我\")", phone="01088886666"),
        "plus": make_user(real_name="@林", region_code="440306", employer="+1", phone="13900000001"),
        "plain": make_user(real_name="黄一", region_code="440305", employer="深圳市第一医院",
                           id_number=make_id_number("440305")),
        "outside": make_user(real_name="外地人", region_code="440100", employer="广州某院"),
    }
    records = {
        "x": credit(people["x"], digital, 15),
        "plus": credit(people["plus"], safety, 20, year=2024, at=datetime(2024, 6, 30, 17, 0, tzinfo=UTC)),
        "plain": credit(people["plain"], digital, 30, at=datetime(2025, 5, 1, 2, 0, tzinfo=UTC)),
        "correction": credit(people["plain"], digital, -15, basis="correction", reason="重复计入",
                             at=datetime(2025, 5, 2, 2, 0, tzinfo=UTC)),
        "outside": credit(people["outside"], digital, 15),
    }
    certificate(people["x"], digital, "ZX-2025-000123")
    return people, records


def export(client, kind: str, **query):
    response = client.get(f"/bureau/exports/records.{kind}", query_string=query, buffered=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def test_csv_has_bom_chinese_header_full_id_numbers_and_neutralised_cells(client, officer, world):
    people, _records = world
    rows = read_csv(export(client, "csv"))
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"陈晓", "'@林", "黄一"}
    x = by_name["陈晓"]
    assert x == ["陈晓", people["x"].id_number, "01088886666", "'=HYPERLINK(\"http://evil.example\",\"点我\")",
                 "440305", region_name("440305"), "2025", "数字经济概论", "数字技术", "1.5",
                 "2025-03-02 00:30:00", "ZX-2025-000123", "", "0", "", "公需科目", "完成课程", "", "", "", "",
                 "0", "0", "0", "0", "0", "0"]  # a completion without checks asked: six zeros
    assert x[1].endswith("X") and len(x[1]) == 18
    assert by_name["'@林"][3] == "'+1" and by_name["'@林"][7] == "'-2+3 应急演练"
    assert by_name["'@林"][8] == "应急管理" and by_name["'@林"][10] == "2024-07-01 01:00:00"
    hours = sorted(row[9] for row in rows if row[0] == "黄一")
    assert hours == ["-1.5", "3.0"]  # a correction's negative hours stay a number


def test_xlsx_reads_back_equal_to_the_csv_with_text_id_numbers_and_numeric_hours(client, officer, world):
    csv_rows = read_csv(export(client, "csv"))
    response = export(client, "xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = xlsx_rows(response)
    expected = [[int(v) if i in (6, 13) or (i >= 21 and v) else float(v) if i == 9 else v or None
                 for i, v in enumerate(row)] for row in csv_rows]
    assert rows == expected
    for row in rows:
        assert isinstance(row[1], str) and isinstance(row[4], str)  # ID numbers and codes are text
        assert isinstance(row[6], int) and isinstance(row[9], float | int)
    assert any(row[9] == -1.5 for row in rows)
    assert {row[3] for row in rows} >= {"'=HYPERLINK(\"http://evil.example\",\"点我\")", "'+1"}


@pytest.mark.parametrize("query,names", [
    ({"year": "2024"}, {"'@林"}),
    ({"employer": "第一医院"}, {"黄一"}),
    ({"category": "emergency"}, {"'@林"}),
    ({"completed_from": "2025-03-02", "completed_to": "2025-05-01"}, {"陈晓", "黄一"}),
    ({"completed_from": "2025-03-03"}, {"黄一"}),
    ({"completed_to": "2025-03-01"}, {"'@林"}),
    ({"region": "440306"}, {"'@林"}),
    ({"person": "黄一"}, {"黄一"}),
])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_hold_exactly_the_filtered_rows(client, officer, world, kind, query, names):
    response = export(client, kind, **query)
    rows = read_csv(response) if kind == "csv" else xlsx_rows(response)
    assert {row[0] for row in rows} == names


def test_the_person_filter_takes_an_exact_id_number_in_either_case(client, officer, world):
    people, _records = world
    rows = read_csv(export(client, "csv", person=people["x"].id_number.lower()))
    assert [row[0] for row in rows] == ["陈晓"]
    assert read_csv(export(client, "csv", person=people["x"].id_number[:17])) == []  # never a part of one


def test_the_xlsx_starts_a_new_sheet_with_the_header_every_n_rows(app, client, officer, make_user, make_course):
    app.config["XLSX_SHEET_ROWS"] = 3
    course = make_course()
    for n in range(7):
        credit(make_user(real_name=f"学员{n}", region_code="440305"), course,
               at=datetime(2025, 1, 1 + n, tzinfo=UTC))
    sheets = read_xlsx(export(client, "xlsx"))
    assert [len(sheet) for sheet in sheets] == [4, 4, 2]
    assert all(sheet[0][0] == "姓名" and sheet[0][-1] == "人脸人工核验不通过" for sheet in sheets)
    assert [row[0] for sheet in sheets for row in sheet[1:]] == [f"学员{n}" for n in range(7)]


def test_an_export_with_no_rows_is_just_the_header(client, officer, world):
    assert read_csv(export(client, "csv", year="2001")) == []
    assert read_xlsx(export(client, "xlsx", year="2001")) == [[HEADER]]


@pytest.mark.parametrize("kind,extension", [("csv", "csv"), ("xlsx", "xlsx")])
def test_the_download_is_an_attachment_named_with_the_date(client, officer, world, kind, extension):
    disposition = export(client, kind).headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="records_' in disposition
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert re.fullmatch(rf"学时记录_\d{{8}}\.{extension}", name), name


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_export_is_audited_with_filters_and_row_count(client, officer, world, kind):
    people, _records = world
    export(client, kind, year="2025", person=people["x"].id_number)
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "records_exported")).one()
    assert entry.actor_id == officer.id and entry.target == kind and entry.details["rows"] == 1
    assert entry.details["complete"] is True and entry.details["via"] == "session"
    assert entry.details["filters"]["year"] == "2025"
    assert entry.details["filters"]["person"] != people["x"].id_number  # the log keeps it masked
    assert entry.details["filters"]["person"].endswith(people["x"].id_number[-4:])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_malformed_filter_is_400(client, officer, world, kind):
    response = client.get(f"/bureau/exports/records.{kind}", query_string={"region": "44x"}, buffered=True)
    assert response.status_code == 400
    response = client.get(f"/bureau/exports/records.{kind}", query_string={"completed_from": "昨天"}, buffered=True)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "records_exported")) == 0


def test_a_csv_download_abandoned_midway_is_audited_as_incomplete(client, officer, make_user, make_course):
    course, trainee = make_course(), make_user(real_name="多课学员", region_code="440305")
    db.session.execute(db.insert(CreditRecord), [
        dict(user_id=trainee.id, course_id=course.id, year=2025, hours_tenths=10, basis="correction",
             awarded_at=AWARDED, updated_at=AWARDED) for _ in range(2500)  # three batches of the cursor
    ])
    db.session.commit()

    def download_one_batch_then_leave():
        # The plain FlaskClient in one context of our own: the stream is read and closed in it.
        response = FlaskClient.open(client, "/bureau/exports/records.csv")
        body = iter(response.response)
        assert next(body).startswith(b"\xef\xbb\xbf")
        assert next(body).count(b"\r\n") == 1000
        response.close()

    contextvars.Context().run(download_one_batch_then_leave)
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "records_exported")).one()
    assert entry.details["complete"] is False and entry.details["rows"] == 1000
