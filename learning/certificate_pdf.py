"""The 学时证明 as a PDF, drawn from the signed payload alone.

fpdf2 embeds a subset of a CJK TrueType font (``CERTIFICATE_FONT``, ``path`` or
``path#index`` for a collection; by default Debian's WenQuanYi Zen Hei, else Noto Sans CJK
SC), so Chinese renders and extracts as text. The QR code (segno) is drawn as vector
squares and points to the public verification page. The signed document
``{"payload", "signature", "algorithm", "key_id"}`` is attached as ``certificate.json``:
``flask --app app certificates verify FILE`` and anyone holding the public key can check it
offline. The page itself speaks to a person: how to check it by machine is the help page's
(/help/verifying-certificates), not the certificate's.

A year below the requirement is headed 学时记录（未达标）, not 学时证明 (learning/certificate_titles.py).
The issuing body (learning/seals.py) signs the footer, its seal drawn over its name when it
has one: multiplied onto the paper, so a JPEG's white vanishes and the text stays legible.

The certificate is an official document in Chinese whatever the page language, so its
text is not translated.
"""
import io
import json
import logging
from datetime import datetime
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.tz import CHINA
from learning import certificate_titles

TITLE = "专业技术人员继续教育公需科目学时证明"
TITLE_SHORT = "专业技术人员继续教育公需科目学时记录（未达标）"
ATTACHMENT = "certificate.json"
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: Simplified Chinese
)
SUBTITLES = {"met": "（年度学时证明）", "not_met": "（年度学时记录）", None: "（课程学时证明）"}
SEAL_SIZE = 40  # mm: an official seal is 40–42 mm across
FOOTER_HEIGHT = 62  # mm kept free at the bottom of every page for the issuer block and QR code
RED = (176, 28, 36)
# The certificate is a Chinese document whatever the reader's language.
SUBJECT_NAMES = {"gongxu": "公需科目", "zhuanye": "专业科目", "xuanxiu": "选修科目"}

# Subsetting drops the font's embedded bitmaps (BDF), which a PDF never uses: not worth a warning per page.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class Sheet(FPDF):
    """A4 pages, each framed, carrying the certificate number and its page count."""

    number = ""

    def header(self) -> None:
        _frame(self)
        if self.page_no() > 1:
            self.set_font("cjk", size=8.5)
            self.set_xy(self.l_margin, 14)
            self.cell(0, 5, f"证书编号：{self.number}（续）", align="R")
            self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_font("cjk", size=8)
        self.set_y(-14.5)
        self.cell(0, 4, f"第 {self.page_no()} 页，共 {{nb}} 页", align="C")


class FontMissing(RuntimeError):
    """No CJK font to embed: install fonts-wqy-zenhei or set CERTIFICATE_FONT."""


def find_font(configured: str | None = None) -> tuple[str, int]:
    """The font file and collection index to embed."""
    if configured:
        path, _sep, index = configured.partition("#")
        if not Path(path).is_file():
            raise FontMissing(f"CERTIFICATE_FONT {path} does not exist")
        return path, int(index or 0)
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise FontMissing("no CJK font found: install fonts-wqy-zenhei, or set ZHIXIN_CERTIFICATE_FONT")


def title_of(payload: dict) -> str:
    return TITLE_SHORT if certificate_titles.payload_standing(payload) == "not_met" else TITLE


def render(document: dict, verify_url: str, font: tuple[str, int], seal=None) -> bytes:
    """The certificate of ``document`` (``payload``, ``signature``, …) as PDF bytes, with
    ``seal`` (a Pillow image, learning.seals.drawable) over the issuing body's name if given."""
    payload = document["payload"]
    pdf = Sheet(format="A4")
    pdf.number = payload["number"]
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=FOOTER_HEIGHT)
    _describe(pdf, payload)
    pdf.add_page()
    _heading(pdf, payload)
    _holder(pdf, payload)
    _statement(pdf, payload)
    _courses(pdf, payload)
    _types(pdf, payload)
    _requirement(pdf, payload)
    _footer(pdf, payload, verify_url)
    if seal is not None:
        _seal(pdf, seal)
    pdf.embed_file(bytes=json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
                   basename=ATTACHMENT, mime_type="application/json", desc="signed certificate payload (Ed25519)",
                   modification_date=issued_at(payload))
    return bytes(pdf.output())


def issued_at(payload: dict) -> datetime:
    return datetime.fromisoformat(payload["issued_at"].replace("Z", "+00:00"))


def china_date(payload: dict) -> str:
    day = issued_at(payload).astimezone(CHINA)
    return f"{day.year}年{day.month}月{day.day}日"


def _describe(pdf: FPDF, payload: dict) -> None:
    pdf.set_title(title_of(payload))
    pdf.set_subject(payload["number"])
    pdf.set_author(issued_by(payload))
    pdf.set_creator(payload["issuer"])
    pdf.set_keywords(f"{certificate_titles.payload_title(payload)} {payload['number']}")
    pdf.set_creation_date(issued_at(payload))


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.2)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_draw_color(0, 0, 0)


def _heading(pdf: FPDF, payload: dict) -> None:
    pdf.set_y(24)
    pdf.set_font("cjk", size=19)
    pdf.cell(0, 11, title_of(payload), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, SUBTITLES[certificate_titles.payload_standing(payload)], align="C", new_x="LMARGIN",
             new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 8, f"证书编号：{payload['number']}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _holder(pdf: FPDF, payload: dict) -> None:
    holder = payload["holder"]
    rows = (("姓　　名", holder["name"], "身份证号", holder["id_number"]),
            ("工作单位", holder["employer"] or "—", "年　　度", f"{payload['year']}年"))
    pdf.set_font("cjk", size=11)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for left_label, left, right_label, right in rows:
        pdf.cell(half, 8, f"{left_label}：{left}")
        pdf.cell(half, 8, f"{right_label}：{right}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _statement(pdf: FPDF, payload: dict) -> None:
    name, year, total = payload["holder"]["name"], payload["year"], f"{payload['hours']:.1f}"
    if payload["kind"] == "course":
        title, score = payload["courses"][0]["title"], payload["courses"][0].get("exam_score")
        passed = "" if score is None else f"并通过课后测验（成绩 {score} 分），"
        text = (f"兹证明{name}于{year}年度完成专业技术人员继续教育公需科目课程《{title}》的全部学习内容，"
                f"{passed}经平台按实际观看时长认定，获得 {total} 学时。")
    else:
        subject = "" if payload.get("by_type") else "公需科目"
        text = (f"{name}于{year}年度参加专业技术人员继续教育{subject}学习，"
                f"经平台按实际观看时长认定，共计获得 {total} 学时，明细如下。")
        if payload["requirement_met"]:
            text = "兹证明" + text
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _courses(pdf: FPDF, payload: dict) -> None:
    pdf.set_font("cjk", size=10.5)
    with pdf.table(col_widths=(12, 96, 34, 24), text_align=("CENTER", "LEFT", "CENTER", "RIGHT"),
                   line_height=7.5, headings_style=FontFace(emphasis="", fill_color=(242, 242, 242))) as table:
        _row(table, ("序号", "课程名称", "类别", "学时"))
        for position, course in enumerate(payload["courses"], start=1):
            _row(table, (str(position), course["title"], course["category_name"], f"{course['hours']:.1f}"))
        _row(table, ("", "合计", "", f"{payload['hours']:.1f}"))
    pdf.ln(4)


def _row(table, cells) -> None:
    row = table.row()
    for text in cells:
        row.cell(text)


def _types(pdf: FPDF, payload: dict) -> None:
    """A year certificate's subject types, credited against required (those issued before
    subject types were stated have none)."""
    by_type = payload.get("by_type")
    if payload["kind"] != "year" or not by_type:
        return
    pdf.set_font("cjk", size=10.5)
    with pdf.table(col_widths=(52, 38, 38, 38), text_align=("LEFT", "RIGHT", "RIGHT", "CENTER"),
                   line_height=7.5, headings_style=FontFace(emphasis="", fill_color=(242, 242, 242))) as table:
        _row(table, ("科目类型", "已获学时", "要求学时", "情况"))
        for kind, entry in by_type.items():
            _row(table, (SUBJECT_NAMES.get(kind, kind), f"{entry['credited_hours']:.1f}",
                         f"{entry['required_hours']:.1f}", "已达标" if entry["met"] else "未达标"))
    pdf.ln(4)


def _requirement(pdf: FPDF, payload: dict) -> None:
    if payload["kind"] != "year" or payload.get("required_hours") is None:
        return
    required = f"{payload['required_hours']:.1f}"
    by_type = payload.get("by_type")  # certificates before subject types have none
    pdf.set_font("cjk", size=12)
    if payload["requirement_met"]:
        _met_stamp(pdf, f"已达到本年度各类科目及总计 {required} 学时的要求。" if by_type
                   else f"已达到本年度公需科目 {required} 学时的要求。")
    elif by_type:
        short = "、".join(SUBJECT_NAMES.get(kind, kind) for kind, entry in by_type.items() if not entry["met"])
        text = f"本年度要求总计 {required} 学时，" + (f"{short}尚未达到要求，" if short else "") + "尚未达标。"
        pdf.multi_cell(0, 8, text, align="L", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.cell(0, 10, f"本年度公需科目要求 {required} 学时，尚未达标。", new_x="LMARGIN", new_y="NEXT")


def _met_stamp(pdf: FPDF, text: str) -> None:
    """The red 达标 box, then ``text`` beside it."""
    pdf.set_text_color(*RED)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    pdf.cell(20, 10, "达标", border=1, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.cell(0, 10, f"  {text}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(0, 0, 0)


def _footer(pdf: FPDF, payload: dict, verify_url: str) -> None:
    top, size = pdf.h - FOOTER_HEIGHT + 4, 36
    pdf.set_auto_page_break(False)  # the footer area is reserved: drawing into it must not turn the page
    _qr(pdf, verify_url, pdf.w - pdf.r_margin - size, top, size)
    pdf.set_font("cjk", size=9)
    pdf.set_xy(pdf.w - pdf.r_margin - size, top + size + 1)
    pdf.cell(size, 5, "扫码核验", align="C")
    width = pdf.w - pdf.l_margin - pdf.r_margin - size - 6
    pdf.set_xy(pdf.l_margin, top + 2)
    pdf.set_font("cjk", size=11)
    lines = [f"发证单位：{issued_by(payload)}", f"发证日期：{china_date(payload)}"]
    if isinstance(payload.get("issuing_body"), dict):
        lines.insert(1, f"学习平台：{payload['issuer']}")
    for line in lines:
        pdf.cell(width, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8.5)
    pdf.multi_cell(width, 5, f"核验方式：扫描右侧二维码，或访问 {verify_url}", align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 5, "本文件经平台电子签名，内容如有改动即无法通过核验；请以核验页面显示的内容为准。",
                   align="L", new_x="LMARGIN", new_y="NEXT")


def issued_by(payload: dict) -> str:
    """The issuing body's name (certificates before version 2 name only the platform)."""
    body = payload.get("issuing_body")
    return body["name"] if isinstance(body, dict) and body.get("name") else payload["issuer"]


def _seal(pdf: FPDF, image) -> None:
    """The seal over the issuing body's name (the footer, on the last page), multiplied onto the paper."""
    height = SEAL_SIZE * image.height / image.width
    top = pdf.h - FOOTER_HEIGHT - 7 - (height - SEAL_SIZE) / 2  # over the body's name and the date
    with pdf.local_context(blend_mode="MULTIPLY"):
        pdf.image(image, x=pdf.l_margin + 48, y=top, w=SEAL_SIZE, h=height)


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled squares (crisp at any zoom), runs of dark modules merged."""
    qr = segno.make(url, error="m")
    rows = [list(row) for row in qr.matrix_iter(border=0)]
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")


def extract(data: bytes) -> dict | None:
    """The attached ``certificate.json`` of a certificate PDF, or None when there is none."""
    try:
        reader = PdfReader(io.BytesIO(data))
        attached = reader.attachments.get(ATTACHMENT)
        if not attached:
            return None
        document = json.loads(attached[0].decode("utf-8"))
    except (PyPdfError, ValueError, KeyError):
        return None
    return document if isinstance(document, dict) else None
