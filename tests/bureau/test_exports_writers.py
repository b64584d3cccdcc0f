"""The export writers on their own: plain functions over row tuples, no app, no database."""
import csv
import io

import openpyxl
import pytest

from accounts.regions import region_name
from bureau.export_writers import EXPORT_COLUMNS, HEADER, csv_chunks, export_batches, neutralise, write_xlsx


def query_row(n: int, **changes) -> tuple:
    """A row in EXPORT_COLUMNS order."""
    row = {"id": n, "id_number": "44030519900101001X", "name": f"学员{n}", "phone": "01088886666",
           "employer": "深圳市第一医院", "region_code": "440305", "year": 2025, "course_id": 1,
           "course_title": "数字经济概论", "category": "digital", "hours_tenths": 15,
           "completed_at": "2026-01-01 00:00:05", "certificate_number": None,
           "exam_score": None, "exam_attempts": 0, "exam_passed_at": None, "subject_type": "gongxu",
           "basis": "completion", "reason": "", "source_id": None, "unit_name": None, "unit_credit_code": None,
           "checks_asked": 0, "checks_passed": 0, "checks_failed": 0, "checks_missed": 0,
           "face_reviews_accepted": 0, "face_reviews_rejected": 0}
    row.update(changes)
    assert tuple(row) == EXPORT_COLUMNS
    return tuple(row.values())


@pytest.mark.parametrize("text,safe", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("深圳 = 一", "深圳 = 一"), ("", ""), (None, ""), ("1-2", "1-2"),
])
def test_neutralise_prefixes_formula_triggers_only(text, safe):
    assert neutralise(text) == safe


@pytest.mark.parametrize("column", ["name", "phone", "employer", "course_title"])
@pytest.mark.parametrize("text,safe", [("=1+1", "'=1+1"), ("@A1", "'@A1"), ("\r-1", "'\r-1"), ("", ""),
                                       ("一=二", "一=二")])
def test_every_free_text_column_is_neutralised_like_neutralise(column, text, safe):
    [[row]] = list(export_batches([[query_row(1, **{column: text})]]))
    position = {"name": 0, "phone": 2, "employer": 3, "course_title": 7}[column]
    assert row[position] == safe == neutralise(text)


def test_export_rows_keep_numbers_numeric_and_neutralise_text():
    [[row]] = list(export_batches([[query_row(1, employer="=cmd|' /C calc'!A0", hours_tenths=-15,
                                              course_title="+课程", certificate_number="ZX-1")]]))
    assert row == ("学员1", "44030519900101001X", "01088886666", "'=cmd|' /C calc'!A0", "440305", region_name("440305"),
                   2025, "'+课程", "数字技术", -1.5, "2026-01-01 00:00:05", "ZX-1", None, 0, "", "gongxu",
                   "完成课程", "", None, "", "", 0, 0, 0, 0, 0, 0)


def test_csv_is_utf8_with_bom_crlf_and_one_chunk_per_batch():
    batches = export_batches([[query_row(1), query_row(2, employer='单位"甲",乙')], [query_row(3)]])
    chunks = list(csv_chunks(batches))
    assert len(chunks) == 3 and chunks[0].startswith(b"\xef\xbb\xbf")
    text = b"".join(chunks).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(HEADER) and [r[0] for r in rows[1:]] == ["学员1", "学员2", "学员3"]
    assert rows[2][3] == '单位"甲",乙' and rows[1][1] == "44030519900101001X"
    assert text.count("\r\n") == 4


def test_xlsx_splits_sheets_with_a_header_each(tmp_path):
    path = str(tmp_path / "out.xlsx")
    assert write_xlsx(export_batches([[query_row(n) for n in range(4)], [query_row(4)]]), path, sheet_rows=2) == 5
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = [[list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    book.close()
    assert [len(s) for s in sheets] == [3, 3, 2] and all(s[0] == list(HEADER) for s in sheets)
    first = sheets[0][1]
    assert first[:3] == ["学员0", "44030519900101001X", "01088886666"] and first[6] == 2025 and first[9] == 1.5
    assert first[11] is None
    assert first[12:16] == [None, 0, None, "gongxu"]  # no test: no score, no attempts (a number), no pass


def test_test_scores_and_attempts_are_number_cells_a_zero_score_included(tmp_path):
    path = str(tmp_path / "out.xlsx")
    rows = [query_row(1, exam_score=0, exam_attempts=3, exam_passed_at=None),
            query_row(2, exam_score=85, exam_attempts=2, exam_passed_at="2026-01-01 09:10:11")]
    write_xlsx(export_batches([rows]), path)
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    assert sheet[0][12:15] == ["测验成绩", "测验次数", "测验通过时间"]
    assert sheet[1][12:15] == [0, 3, None] and sheet[2][12:15] == [85, 2, "2026-01-01 09:10:11"]


def test_an_exactly_full_sheet_starts_no_empty_one(tmp_path):
    path = str(tmp_path / "out.xlsx")
    write_xlsx(export_batches([[query_row(n) for n in range(4)]]), path, sheet_rows=2)
    book = openpyxl.load_workbook(path, read_only=True)
    assert len(book.worksheets) == 2
    book.close()
