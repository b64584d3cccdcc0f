"""Question banks as XLSX: the template, row-by-row errors in Chinese, the export read back."""
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from core.xlsx import XlsxError
from courses.models import Question
from courses.studio import bank_xlsx
from courses.studio.bank_xlsx import HEADERS, parse


def xlsx(*rows, headers=HEADERS) -> bytes:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(kind, stem, options, answer, explanation=""):
    return [kind, stem, *options, *[None] * (8 - len(options)), answer, explanation]


GOOD = [
    row("单选", "个人信息处理应遵循什么原则？", ["合法、正当、必要", "效率优先"], "A", "《个人信息保护法》第五条。"),
    row("多选", "下列哪些属于敏感个人信息？", ["生物识别", "宗教信仰", "公开的姓名"], "AB"),
    row("判断", "数据出境一律无需评估。", [], "B"),
    row("判断", "关键信息基础设施运营者应当履行安全保护义务。", ["正确", "错误"], "正确"),
]


def test_the_template_reads_as_an_empty_bank_with_notes_beside_it():
    data = bank_xlsx.template()
    assert parse(data).report() == {"rows": 0, "errors": []}
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["题库", "说明"]
    assert [cell.value for cell in book["题库"][1]] == list(HEADERS)


def test_a_clean_file_gives_questions_ready_to_store():
    parsed = parse(xlsx(*GOOD))
    assert parsed.report() == {"rows": 4, "errors": []}
    assert [(q["kind"], q["answer"]) for q in parsed.questions] == [
        ("single", [0]), ("multiple", [0, 1]), ("judge", [1]), ("judge", [0])]
    assert parsed.questions[2]["options"] == ["正确", "错误"]
    assert parsed.questions[0]["explanation"] == "《个人信息保护法》第五条。"


def test_every_bad_row_is_named_with_its_column_and_a_chinese_reason():
    data = xlsx(
        GOOD[0],
        row("单选", "", ["甲", "乙"], "A"),                           # row 3: no stem
        row("单选", "答案字母超出选项？", ["甲", "乙"], "D"),          # row 4
        row("单选", "单选却有两个答案？", ["甲", "乙", "丙"], "AB"),    # row 5
        row("单选", "个人信息处理应遵循什么原则？", ["甲", "乙"], "A"),  # row 6: same as row 2
        [None] * 12,                                                  # row 7: blank, skipped
        row("问答", "题型不对？", ["甲", "乙"], "A"),                   # row 8
        row("多选", "选项中间空了一列？", ["甲", "", "丙"], "AC"),       # row 9
    )
    parsed = parse(data)
    assert parsed.rows == 7
    found = {(e["row"], e["column"]): e["message"] for e in parsed.errors}
    assert set(found) == {(3, "题干"), (4, "答案"), (5, "答案"), (6, "题干"), (8, "题型"), (9, "选项")}
    assert found[(3, "题干")] == "请填写题干。"
    assert "“D”不在选项之中" in found[(4, "答案")]
    assert "只能有一个正确答案" in found[(5, "答案")]
    assert "本文件中前面" in found[(6, "题干")]


def test_a_question_already_in_the_bank_is_a_duplicate():
    parsed = parse(xlsx(GOOD[0]), ["个人信息处理应遵循 什么原则？"])
    assert parsed.errors == [{"row": 2, "column": "题干", "message": "题库中已有相同题干的题目。"}]


def test_a_foreign_header_stops_at_row_one():
    parsed = parse(xlsx(GOOD[0], headers=["题目", "答案"]))
    assert parsed.rows == 0 and parsed.errors[0]["row"] == 1 and "模板" in parsed.errors[0]["message"]


@pytest.mark.parametrize("data", [b"", b"not a spreadsheet at all", b"PK\x03\x04broken zip"])
def test_what_is_not_an_xlsx_is_refused_as_a_whole(data):
    with pytest.raises(XlsxError, match="不是有效的 XLSX"):
        parse(data)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "你好")
    with pytest.raises(XlsxError, match="不是有效的 XLSX"):
        parse(out.getvalue())


def test_a_zip_bomb_and_a_big_file_are_refused_before_reading():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (bank_xlsx.MAX_UNPACKED + 1))
    assert len(out.getvalue()) < bank_xlsx.MAX_BYTES
    with pytest.raises(XlsxError, match="解压后过大"):
        parse(out.getvalue())
    with pytest.raises(XlsxError, match="超过 2 MB"):
        parse(b"\0" * (bank_xlsx.MAX_BYTES + 1))


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(bank_xlsx, "MAX_ROWS", 3)
    rows = [row("单选", f"第{n}题？", ["甲", "乙"], "A") for n in range(5)]
    parsed = parse(xlsx(*rows))
    assert parsed.rows == 3 and parsed.errors[-1]["row"] == 5 and "最多 3 道题" in parsed.errors[-1]["message"]


def test_an_exported_bank_reads_back_the_same():
    questions = [Question(**q) for q in parse(xlsx(*GOOD)).questions]
    again = parse(bank_xlsx.export(questions))
    assert again.errors == []
    assert again.questions == [
        {name: getattr(q, name) for name in ("kind", "stem", "options", "answer", "explanation")} for q in questions]
