"""A small world of credit records for the records page and export tests, and readers of the files."""
import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl

from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from learning.models import Certificate, CreditRecord, ExamAttempt
from learning.rules import credit_year

AWARDED = datetime(2025, 3, 1, 16, 30, tzinfo=UTC)  # 2025-03-02 00:30:00 in China
HEADER = ["姓名", "身份证号", "手机号", "工作单位", "地区代码", "地区", "年度", "课程", "类别", "学时",
          "完成时间", "证书编号", "测验成绩", "测验次数", "测验通过时间", "科目类型", "依据", "更正原因", "来源记录",
          "工作单位（已确认）", "统一社会信用代码", "随堂检查次数", "检查通过", "检查未通过", "检查超时未答",
          "人脸人工核验通过", "人脸人工核验不通过"]
QUESTION = {"id": 1, "kind": "single", "stem": "题目", "options": ["甲", "乙"], "answer": [0], "points": 100,
            "explanation": ""}


def credit(user, course, tenths: int = 15, year: int = 2025, at: datetime = AWARDED,
           basis: str = "completion", reason: str = "", subject_type: str | None = None,
           rule_prefix: str = "") -> CreditRecord:
    """A ledger row, written directly (updated_at = awarded_at, in the past); its subject type is
    the course's unless given (the ledger keeps the type the course had when it credited)."""
    row = CreditRecord(user_id=user.id, course_id=course.id, year=year, hours_tenths=tenths, basis=basis,
                       reason=reason, awarded_at=at, updated_at=at,
                       subject_type=subject_type or course.subject_type or "gongxu", rule_prefix=rule_prefix)
    db.session.add(row)
    db.session.commit()
    return row


def attempt(user, course, started: datetime, score: int | None = None, seconds: float = 600,
            questions: int = 10, ip: str = "203.0.113.7", pass_score: int = 60, minutes: int = 30,
            closed_by: str = "trainee", year: int | None = None) -> ExamAttempt:
    """An exam attempt written directly: submitted ``seconds`` after it started with ``score``, or
    still open when ``score`` is None. Its paper has ``questions`` questions."""
    paper = [{**QUESTION, "id": n + 1} for n in range(questions)]
    submitted = score is not None
    row = ExamAttempt(user_id=user.id, course_id=course.id, year=year or credit_year(started), paper=paper, answers={},
                      pass_score=pass_score, started_at=started, deadline=started + timedelta(minutes=minutes),
                      submitted_at=started + timedelta(seconds=seconds) if submitted else None,
                      closed_by=closed_by if submitted else "", score=score,
                      passed=score >= pass_score if submitted else None, ip=ip)
    db.session.add(row)
    db.session.commit()
    return row


def certificate(user, course, number: str) -> Certificate:
    row = Certificate(number=number, user_id=user.id, kind="course", year=2025, course_id=course.id,
                      hours_tenths=15, status="valid")
    db.session.add(row)
    db.session.commit()
    return row


def token_for(user, region: str | None = None) -> str:
    _row, plain = issue_token(user, "对接系统", utcnow(), region_code=region)
    db.session.commit()
    return plain


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def read_csv(response) -> list[list[str]]:
    """The CSV body's rows, after checking it is UTF-8 with a BOM and the Chinese header."""
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), body[:20]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    return rows[1:]


def read_xlsx(response_or_bytes) -> list[list[list]]:
    """Every sheet's rows (header included) of an XLSX body."""
    data = response_or_bytes if isinstance(response_or_bytes, bytes) else response_or_bytes.get_data()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    finally:
        book.close()


def xlsx_rows(response) -> list[list]:
    """The data rows of every sheet, each sheet's header checked."""
    rows = []
    for sheet in read_xlsx(response):
        assert sheet[0] == HEADER
        rows.extend(sheet[1:])
    return rows
