"""The roster's CSV and XLSX: the page's rows and filters, full ID numbers that Excel keeps
(text cells), 学时 per type as numbers, neutralised formulas, every export audited."""
import csv
import io

import openpyxl

from core.extensions import db
from tests.staff.conftest import audit_rows

HEADER = ["姓名", "身份证号", "手机号", "职称", "年度", "公需科目已获学时", "公需科目要求学时", "专业科目已获学时",
          "专业科目要求学时", "选修科目已获学时", "选修科目要求学时", "合计学时", "是否达标"]


def download(client, kind: str, **query):
    response = client.get(f"/unit/staff.{kind}", query_string=query, buffered=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_a_bom_the_header_and_full_id_numbers(client, sign_in, world):
    sign_in(world.admin)
    world.short.title = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    header, *rows = read_csv(download(client, "csv"))
    assert header == HEADER
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"陈达标", "李未满", "王北京"}
    short = by_name["李未满"]
    assert short[1] == world.short.id_number and short[3].startswith("'=")
    assert short[4:] == [str(world.year), "30.5", "30.0", "10.0", "42.0", "18.0", "18.0", "58.5", "否"]
    assert by_name["陈达标"][-1] == "是"
    [entry] = audit_rows("unit_roster_exported")
    assert (entry.details["kind"], entry.details["rows"], entry.actor_id) == ("csv", 3, world.admin.id)


def test_the_xlsx_reads_back_with_text_id_numbers_and_numeric_hours(client, sign_in, world):
    sign_in(world.admin)
    book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx", status="short").get_data()))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER and len(rows) == 2
    assert rows[1][1] == world.short.id_number and isinstance(rows[1][1], str)
    assert rows[1][4] == world.year and rows[1][7] == 10.0 and rows[1][-1] == "否"
    assert sheet.cell(row=2, column=2).number_format == "@"
    [entry] = audit_rows("unit_roster_exported")
    assert entry.details == {"kind": "xlsx", "year": world.year, "filters": {"status": "short"}, "rows": 1}


def test_the_exports_follow_the_search_and_refuse_a_bad_filter(client, sign_in, world):
    sign_in(world.admin)
    _header, *rows = read_csv(download(client, "csv", q="王北京"))
    assert [row[0] for row in rows] == ["王北京"]
    assert client.get("/unit/staff.csv?status=late").status_code == 400
    assert client.get("/unit/staff.xlsx?status=late").status_code == 400
