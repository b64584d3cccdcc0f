"""CSV and XLSX writers for 学时记录 exports: plain functions over row tuples, no app needed.

Rows arrive in batches (lists of tuples in ``EXPORT_COLUMNS`` order, e.g. one
``Result.partitions()`` chunk each; bureau.exports.export_statement selects them) and leave
as bytes (CSV) or an XLSX file written in constant memory. Per-row Python work is what
limits an export, so it is kept to building one tuple per row: the completion time comes
already formatted by the database, and names are looked up once per export.

Text that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return) gets a leading apostrophe in both formats. Numbers stay numbers: a
correction's negative 学时 is a number cell, never neutralised text.
"""
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from accounts.regions import region_name
from courses.categories import CATEGORIES

EXPORT_COLUMNS = ("id", "id_number", "name", "phone", "employer", "region_code", "year", "course_id",
                  "course_title", "category", "hours_tenths", "completed_at", "certificate_number",
                  "exam_score", "exam_attempts", "exam_passed_at", "subject_type", "basis", "reason", "source_id",
                  "unit_name", "unit_credit_code", "checks_asked", "checks_passed", "checks_failed", "checks_missed",
                  "face_reviews_accepted", "face_reviews_rejected")
"""bureau.records.COLUMNS without updated_at, sector_public, rule_prefix and title (course_title
already falls back to it); completed_at and exam_passed_at are Asia/Shanghai text
``YYYY-MM-DD HH:MM:SS``."""
HEADER = ("姓名", "身份证号", "手机号", "工作单位", "地区代码", "地区", "年度", "课程", "类别", "学时",
          "完成时间", "证书编号", "测验成绩", "测验次数", "测验通过时间", "科目类型", "依据", "更正原因", "来源记录",
          "工作单位（已确认）", "统一社会信用代码", "随堂检查次数", "检查通过", "检查未通过", "检查超时未答",
          "人脸人工核验通过", "人脸人工核验不通过")
"""New columns come last: a column added to the end leaves every earlier one where a spreadsheet or
an import script expects it. 工作单位 is what the trainee typed; 工作单位（已确认） and its
统一社会信用代码 are the unit that confirmed them (empty when none has). 来源记录 is the
declaration of a 线下登记 row, the corrected record of a 更正, the report of a 合作平台 row, the
request of an 外省转入 row. The six check columns (issue 19, bureau.records.check_summary) are
numbers on a 完成课程 row (0 when the course asked none) and empty on every other row."""
FIELDS = ("name", "id_number", "phone", "employer", "region_code", None, "year", "course_title", "category",
          "hours", "completed_at", "certificate_number", "exam_score", "exam_attempts", "exam_passed_at",
          "subject_type", "basis", "reason", "source_id", "unit.name", "unit.credit_code", "checks_asked",
          "checks_passed", "checks_failed", "checks_missed", "face_reviews_accepted", "face_reviews_rejected")
"""The docking API's field (bureau.records.item) that each HEADER column carries, None for 地区 (a
region's name): an export profile (bureau.export_profiles.header) names the columns by them."""
BASIS_NAMES = {"completion": "完成课程", "declared": "线下登记", "correction": "更正", "partner": "合作平台",
               "transfer": "外省转入"}
YEAR, HOURS = HEADER.index("年度"), HEADER.index("学时")
CHECK_HEADER = HEADER[-6:]
NUMBERS = frozenset({YEAR, HOURS, HEADER.index("测验成绩"), HEADER.index("测验次数"), HEADER.index("来源记录"),
                     *(HEADER.index(name) for name in CHECK_HEADER)})
"""Number cells in the XLSX; an empty one (no test) stays empty."""
TEXT_COLUMNS = tuple(HEADER.index(name) for name in ("身份证号", "手机号", "地区代码", "证书编号", "统一社会信用代码"))
"""Text cells in the XLSX, so that Excel keeps every digit."""
BOM = "\ufeff"
SHEET_NAME = "学时记录"
_TRIGGERS = frozenset("=+-@\t\r")
_CATEGORY_NAMES = {code: name for code, name, *_ in CATEGORIES}

Batch = list[tuple]


@dataclass(frozen=True)
class Layout:
    """A file's columns: the header, the sheet's name, the XLSX text columns (every digit
    kept) and number columns. Other rooms' exports (a unit's roster) bring their own."""

    header: tuple[str, ...]
    sheet_name: str
    text_columns: tuple[int, ...]
    numbers: frozenset[int]


RECORDS = Layout(HEADER, SHEET_NAME, TEXT_COLUMNS, NUMBERS)


def neutralise(text: str | None) -> str:
    """``text`` made safe to open in a spreadsheet: formula triggers get a leading ``'``."""
    if not text:
        return ""
    return "'" + text if text[0] in _TRIGGERS else text


class _RegionNames(dict):
    """region_name() memoised for one export: a handful of codes, a million rows."""

    def __missing__(self, code):
        name = self[code] = region_name(code) if code else ""
        return name


def export_batches(batches: Iterable[Batch], subject_names: dict[str, str] | None = None) -> Iterator[Batch]:
    """Query rows (EXPORT_COLUMNS order) → export rows (HEADER order), batch by batch.

    ``subject_names`` gives the 科目类型 label of each subject type code (core.policy.subject_name,
    looked up once by the caller; without it the code itself is written). The four free-text
    columns (name, phone, employer, course title; NOT NULL in the schema) are neutralised
    inline, as neutralise() does: a call per cell would cost more than the rest; the rarer
    ones (a correction's reason, the confirmed unit's name) through neutralise().
    """
    names, categories, t = _RegionNames(), _CATEGORY_NAMES, _TRIGGERS
    kinds, bases = subject_names or {}, BASIS_NAMES
    for rows in batches:
        yield [
            (name if name[:1] not in t else "'" + name, id_number,
             phone if phone[:1] not in t else "'" + phone,
             employer if employer[:1] not in t else "'" + employer,
             region, names[region], year,
             title if title[:1] not in t else "'" + title,
             categories.get(category, category or ""), tenths / 10, completed or "", certificate or "",
             score, attempts, passed_at or "", kinds.get(kind, kind), bases.get(basis, basis),
             neutralise(reason), source_id, neutralise(unit_name), unit_code or "", *figures)
            for (_id, id_number, name, phone, employer, region, year, _course_id, title, category, tenths,
                 completed, certificate, score, attempts, passed_at, kind, basis, reason, source_id, unit_name,
                 unit_code, *figures) in rows
        ]


def csv_chunks(batches: Iterable[Batch], header: tuple[str, ...] = HEADER) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (Excel then reads the Chinese right): header, then one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield (BOM + buffer.getvalue()).encode("utf-8")
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue().encode("utf-8")


class _Lines(list):
    """A csv.writer target that keeps each written row as one string."""

    write = list.append


class _Hours(dict):
    """学时 as the csv module writes it (``str(tenths / 10)``), memoised: a few values, a million rows."""

    def __missing__(self, tenths):
        text = self[tenths] = str(tenths / 10)
        return text


def csv_record_chunks(batches: Iterable[Batch], subject_names: dict[str, str] | None = None,
                      header: tuple[str, ...] = HEADER) -> Iterator[bytes]:
    """Query rows (EXPORT_COLUMNS order) → the bytes csv_chunks(export_batches(...), header) writes, chunk by
    chunk (``header``: HEADER, or HEADER named by an export profile).

    Byte for byte the same file, about twice as fast: each row is formatted by one f-string
    (see _lines) instead of a tuple and then the csv module. A line whose cells need CSV
    quoting (a ``,``, ``"``, CR or LF in a cell: it has more than the columns' separators or
    any of the others) is written again by the csv module from export_batches' row, so
    quoting stays the csv module's own.
    """
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\r\n")  # the terminator decides what is quoted: keep csv_chunks'
    writer.writerow(header)
    yield (BOM + lines.pop()).encode("utf-8")
    names, hours, kinds = _RegionNames(), _Hours(), subject_names or {}
    separators = len(HEADER) - 1
    for rows in batches:
        lines[:] = _lines(rows, names, hours, kinds)
        quoted = [n for n, line in enumerate(lines)
                  if line.count(",") != separators or '"' in line or "\n" in line or "\r" in line]
        if quoted:
            fixed = len(lines)
            writer.writerows(next(export_batches([[rows[n] for n in quoted]], subject_names)))
            for n, line in zip(quoted, lines[fixed:], strict=True):
                lines[n] = line[:-2]
            del lines[fixed:]
        lines.append("")
        yield "\r\n".join(lines).encode("utf-8")


def _lines(rows: Batch, names: dict, hours: dict, kinds: dict) -> list[str]:
    """One batch as CSV lines without quoting, each cell as export_batches makes it (keep the two alike)."""
    categories, bases, t, q = _CATEGORY_NAMES, BASIS_NAMES, _TRIGGERS, "'"
    return [
        f"{name if name[:1] not in t else q + name},{id_number},{phone if phone[:1] not in t else q + phone},"
        f"{employer if employer[:1] not in t else q + employer},{region or ''},{names[region]},{year},"
        f"{title if title[:1] not in t else q + title},{categories.get(category, category or '')},{hours[tenths]},"
        f"{completed or ''},{certificate or ''},{'' if score is None else score},{attempts},{passed_at or ''},"
        f"{kinds.get(kind, kind)},{bases.get(basis, basis)},{reason if reason[:1] not in t else q + reason},"
        f"{'' if source_id is None else source_id},{neutralise(unit_name)},{unit_code or ''},"
        f"{',,,,,' if asked is None else f'{asked},{passed},{failed},{missed},{accepted},{rejected}'}"
        for (_id, id_number, name, phone, employer, region, year, _course_id, title, category, tenths,
             completed, certificate, score, attempts, passed_at, kind, basis, reason, source_id, unit_name,
             unit_code, asked, passed, failed, missed, accepted, rejected) in rows
    ]


def write_xlsx(batches: Iterable[Batch], path: str, sheet_rows: int = 1_000_000, layout: Layout = RECORDS) -> int:
    """Write the rows to an XLSX file at ``path``; returns the number of data rows.

    A new sheet starts every ``sheet_rows`` data rows (Excel stops at 1,048,576 rows), each
    with the header. xlsxwriter's constant_memory mode flushes each row to disk as it is
    written, so memory does not grow with the number of rows. ID numbers, region codes and
    certificate numbers are text cells; 年度, 学时, 测验成绩 and 测验次数 are numbers (a score
    of 0 included; no score, for a course without a test, is an empty cell). Another
    ``layout`` names other columns.
    """
    import xlsxwriter  # imported by the first XLSX, not by every web process

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    text, sheet, row_no, total = workbook.add_format({"num_format": "@"}), None, 0, 0
    try:
        for rows in batches:
            for row in rows:
                if sheet is None or row_no > sheet_rows:
                    sheet, row_no = _new_sheet(workbook, text, layout), 1
                _write_row(sheet, row_no, row, layout.numbers)
                row_no += 1
            total += len(rows)
        if sheet is None:
            _new_sheet(workbook, text, layout)
    finally:
        workbook.close()
    return total


def _new_sheet(workbook, text_format, layout: Layout):
    number, name = len(workbook.worksheets()) + 1, layout.sheet_name
    sheet = workbook.add_worksheet(name if number == 1 else f"{name}{number}")
    for column in layout.text_columns:
        sheet.set_column(column, column, 20, text_format)
    sheet.write_row(0, 0, layout.header)
    return sheet


def _write_row(sheet, row_no: int, row: tuple, numbers: frozenset[int]) -> None:
    string, number = sheet.write_string, sheet.write_number
    for column, value in enumerate(row):
        if column in numbers:
            if value is not None:
                number(row_no, column, value)
        elif value:
            string(row_no, column, value)
