"""Question banks as XLSX, the way producers keep their 题库: the template, the import and
the export, all in one format — one row per question: 题型, 题干, 选项A…选项H, 答案 (letters,
e.g. "AC"), 解析.

``parse`` checks a whole file against the bank it would join and returns every row's
errors in Chinese; nothing is imported unless there are none (the caller decides). A file
is refused before it is read when it is too big, is not a ZIP, or would unpack to more than
``MAX_UNPACKED`` bytes (a zip bomb); openpyxl reads it in read-only mode and at most
``MAX_ROWS`` questions.
"""
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from core.xlsx import cell_text, read_rows
from courses.studio.bank_rules import JUDGE_OPTIONS, MAX_OPTIONS, BankError, clean_question, stem_key

if TYPE_CHECKING:
    from openpyxl import Workbook

LETTERS = "ABCDEFGH"[:MAX_OPTIONS]
HEADERS = ("题型", "题干", *(f"选项{letter}" for letter in LETTERS), "答案", "解析")
KIND_LABELS = {"单选": "single", "多选": "multiple", "判断": "judge"}
LABELS = {kind: label for label, kind in KIND_LABELS.items()}
# Also understood in a file: 单选题 …, and the v1 names.
KIND_ALIASES = {**KIND_LABELS, **{f"{label}题": kind for label, kind in KIND_LABELS.items()},
                **{kind: kind for kind in KIND_LABELS.values()}}
JUDGE_ANSWERS = {"正确": "A", "对": "A", "√": "A", "错误": "B", "错": "B", "×": "B"}
COLUMNS = {"kind": "题型", "stem": "题干", "options": "选项", "answer": "答案", "explanation": "解析"}
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 10 * 1024 * 1024  # a 1000-question bank unpacks to about 1 MB
MAX_ROWS = 1000


@dataclass
class Parsed:
    """What a file holds: ``rows`` questions read, the cleaned ``questions`` (only worth
    importing when ``errors`` is empty), and ``errors`` as {"row", "column", "message"}."""

    rows: int = 0
    questions: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        return {"rows": self.rows, "errors": self.errors}


# ---- written ---------------------------------------------------------------------------------

def _workbook() -> tuple["Workbook", object]:
    from openpyxl import Workbook  # openpyxl costs the web process 8 MB: imported when a bank is written
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 48
    for letter in "CDEFGHIJ":
        sheet.column_dimensions[letter].width = 18
    sheet.column_dimensions["L"].width = 36
    sheet.freeze_panes = "A2"
    return book, sheet


def _saved(book: "Workbook") -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template() -> bytes:
    """An empty bank to fill in: the header row, a 题型 drop-down, and a sheet of notes."""
    from openpyxl.worksheet.datavalidation import DataValidation

    book, sheet = _workbook()
    kinds = DataValidation(type="list", formula1='"单选,多选,判断"', allow_blank=True)
    kinds.add(f"A2:A{MAX_ROWS + 1}")
    sheet.add_data_validation(kinds)
    notes = book.create_sheet("说明")
    for line in (
        ("每行一道题，从第 2 行开始填写；只读取第一个工作表“题库”，请勿修改表头。",),
        ("题型：单选、多选或判断。", ),
        ("选项：2 到 8 个，从选项A起依次填写，中间不要空列；判断题可不填选项（即“正确”“错误”）。",),
        ("答案：正确选项的字母，如 B；多选题至少两个，如 AC；判断题填 A（正确）或 B（错误）。",),
        ("解析：选填，学员通过测验或用完考试次数后可见。",),
        (f"一个文件最多 {MAX_ROWS} 道题；同一题干不能重复，也不能与题库中已有的题目重复。",),
        (),
        ("示例：",),
        HEADERS,
        ("单选", "《中华人民共和国数据安全法》自何时起施行？", "2021年6月10日", "2021年9月1日", "2022年1月1日",
         "", "", "", "", "", "B", "该法于2021年6月10日通过，自2021年9月1日起施行。"),
        ("判断", "数据处理者应当建立健全全流程数据安全管理制度。", "", "", "", "", "", "", "", "", "A", ""),
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 100
    return _saved(book)


def export(questions) -> bytes:
    """The bank in the template's format, in its order."""
    book, sheet = _workbook()
    for question in questions:
        options = [*question.options, *[""] * (len(LETTERS) - len(question.options))]
        sheet.append([LABELS[question.kind], question.stem, *options,
                      "".join(LETTERS[index] for index in question.answer), question.explanation])
    return _saved(book)


# ---- read ------------------------------------------------------------------------------------

def _row_values(cells: list[str]) -> dict:
    """A row's cells as question values; raises BankError (field → column) for its letters."""
    kind = KIND_ALIASES.get(cells[0], cells[0] or None)
    given = cells[2:2 + len(LETTERS)]
    last = max((n for n, text in enumerate(given) if text), default=-1)
    options = given[:last + 1]
    if "" in options:
        raise BankError("options", _("选项应从选项A起依次填写，中间不能空列。"))
    letters = cells[2 + len(LETTERS)]
    letters = JUDGE_ANSWERS.get(letters, letters)
    letters = "".join(ch for ch in letters.upper() if ch not in " ,，、;；")
    if not letters:
        raise BankError("answer", _("请填写答案（正确选项的字母）。"))
    if kind == "judge" and not options:
        options = list(JUDGE_OPTIONS)
    for letter in letters:
        if letter not in LETTERS[:len(options)]:
            raise BankError("answer", _("答案“%(letter)s”不在选项之中。", letter=letter))
    return {"kind": kind, "stem": cells[1], "options": options,
            "answer": [LETTERS.index(letter) for letter in letters], "explanation": cells[-1]}


def parse(data: bytes, bank_stems=()) -> Parsed:
    """Read an XLSX bank to be added to a bank holding ``bank_stems``. Raises ``XlsxError``
    for a file that is not a readable XLSX; every row's problem is in ``errors``."""
    rows = read_rows(data, max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED, max_rows=MAX_ROWS,
                     max_columns=len(HEADERS))
    parsed = Parsed()
    header = [cell_text(value) for value in (rows[0] if rows else ())]
    if tuple(header[:len(HEADERS)]) != HEADERS:
        parsed.errors.append({"row": 1, "column": "", "message": _(
            "表头应为：%(headers)s。请使用下载的模板。", headers="、".join(HEADERS))})
        return parsed
    stems, in_bank = list(bank_stems), {stem_key(stem) for stem in bank_stems}
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell_text(value) for value in (*row, *[None] * (len(HEADERS) - len(row)))]
        if not any(cells):
            continue
        if number > MAX_ROWS + 1:
            parsed.errors.append({"row": number, "column": "", "message": _(
                "一个文件最多 %(max)s 道题，请拆分后分批导入。", max=MAX_ROWS)})
            break
        parsed.rows += 1
        try:
            question = clean_question(_row_values(cells), stems)
        except BankError as e:
            message = str(e)
            if e.code == "duplicate_question" and stem_key(cells[1]) not in in_bank:
                message = _("与本文件中前面的题目题干重复。")
            parsed.errors.append({"row": number, "column": COLUMNS[e.field], "message": message})
            continue
        stems.append(question["stem"])
        parsed.questions.append(question)
    return parsed
