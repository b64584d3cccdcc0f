"""The CSV export's fast path writes exactly the file the csv module writes, from the database's own rows."""
import csv
import io
import random
from datetime import UTC, datetime, timedelta

import pytest

from bureau.export_writers import EXPORT_COLUMNS, csv_chunks, csv_record_chunks, export_batches
from bureau.exports import export_statement, stream_batches
from bureau.records import CHECK_FIGURES, Filters, records_query
from bureau.scope import Scope
from core.extensions import db
from learning.models import CreditRecord
from tests.bureau.records_helpers import attempt, certificate, credit
from tests.bureau.test_exports_writers import query_row

AWKWARD = ["", "平常", "=1+1", "+86 办公室", "-3", "@SUM(A1)", "\t=1", "\r=1", "甲,乙", '单位"甲"', "第一行\n第二行",
           "回车\r在中间", "a\r\nb", "  留空格  ", ",", '"', "'已有引号", "None", "中文，全角逗号"]
NULLABLE = ["certificate_number", "exam_score", "exam_passed_at", "source_id", "unit_name", "unit_credit_code",
            "category", "completed_at"]


def rows(seed: int, count: int) -> list[tuple]:
    """``count`` query rows with awkward text in every free-text column and None in every nullable one
    (the check figures all None, as on a row that is no course completion, or all numbers)."""
    pick = random.Random(seed).choice
    return [query_row(n, **dict(zip(CHECK_FIGURES, pick([(None,) * 6, (0,) * 6, (5, 2, 1, 1, 1, 0)]), strict=True)),
                      name=pick(AWKWARD) or "某", phone=pick(["13900000001", "=2", "01,2"]),
                      employer=pick(AWKWARD), course_title=pick(AWKWARD), reason=pick(AWKWARD),
                      unit_name=pick([None, *AWKWARD]), region_code=pick(["440305", "440000", "999999", "1"]),
                      category=pick([None, "digital", "unknown"]), hours_tenths=pick([0, 7, 10, 15, -15, -5, 123, 400]),
                      completed_at=pick([None, "2026-01-01 00:00:05"]),
                      certificate_number=pick([None, "ZX-2025-000001", "A,B"]), exam_score=pick([None, 0, 100]),
                      exam_attempts=pick([0, 3]), exam_passed_at=pick([None, "2026-01-01 08:00:00"]),
                      subject_type=pick(["gongxu", "zhuanye", "other"]),
                      basis=pick(["completion", "declared", "correction", "new"]), source_id=pick([None, 12]),
                      unit_credit_code=pick([None, "91440300MA5XXXXXXX"]))
            for n in range(count)]


def written(chunks) -> bytes:
    return b"".join(chunks)


@pytest.mark.parametrize("seed", range(5))
def test_the_fast_csv_is_byte_for_byte_the_csv_modules_file(seed):
    batches = [rows(seed, 300), [], rows(seed + 100, 7)]
    names = {"gongxu": "公需科目", "zhuanye": "专业科目"}
    assert written(csv_record_chunks(batches, names)) == written(csv_chunks(export_batches(batches, names)))


def test_every_awkward_text_in_every_free_text_column_and_every_null_reads_back_as_the_export_row():
    batch = [query_row(n, **{column: text}) for n, (column, text) in enumerate(
        [(column, text) for column in ("name", "phone", "employer", "course_title", "reason", "unit_name")
         for text in AWKWARD if text or column != "name"] + [(column, None) for column in NULLABLE])]
    [expected] = list(export_batches([batch]))
    text = written(csv_record_chunks([batch])).decode("utf-8")
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    read = list(csv.reader(io.StringIO(text[1:], newline="")))[1:]
    assert read == [["" if cell is None else str(cell) for cell in row] for row in expected]


def test_one_chunk_for_the_header_then_one_per_batch_whatever_its_size():
    chunks = list(csv_record_chunks([rows(1, 3), [], rows(2, 1)]))
    assert len(chunks) == 4 and chunks[0].startswith(b"\xef\xbb\xbf") and chunks[2] == b""


@pytest.fixture
def world(make_user, make_course, make_unit, link_to_unit):
    """Every kind of record: with a certificate and a passed test, a correction, a declared training
    without a course, a trainee with a confirmed unit."""
    course = make_course("网络安全法解读")
    tested = make_user(real_name="赵甲", region_code="440305", employer="=1+1")
    started = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)
    passing = attempt(tested, course, started, score=80, seconds=1200)
    record = credit(tested, course, at=passing.submitted_at)
    credit(tested, course, -15, basis="correction", reason="重复计入", at=started + timedelta(days=1))
    certificate(tested, course, "ZX-2025-000123")
    declared = make_user(real_name="钱乙", region_code="440306")
    link_to_unit(declared, make_unit(name="深圳市南山区人民医院"))
    db.session.add(CreditRecord(user_id=declared.id, course_id=None, year=2025, hours_tenths=40, basis="declared",
                                title="线下培训：应急演练", source_id=record.id, awarded_at=started,
                                updated_at=started, subject_type="gongxu"))
    db.session.commit()


def test_the_streamed_rows_are_the_values_sqlalchemy_gives_for_the_export_statement(app, world):
    """stream_batches skips SQLAlchemy's Row (and with it any result processor): the values must
    be the same as SQLAlchemy's own, on either database."""
    stmt = export_statement(records_query(Scope("440000"), Filters()))
    expected = [tuple(row) for row in db.session.execute(stmt)]
    streamed = [row for batch in stream_batches(stmt) for row in batch]
    assert len(expected) == 3 and [tuple(row) for row in streamed] == expected
    assert all(type(a) is type(b) for got, want in zip(streamed, expected, strict=True)
               for a, b in zip(got, want, strict=True))
    assert len(EXPORT_COLUMNS) == len(expected[0])
