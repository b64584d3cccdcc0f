"""The 继续教育登记 (a trainee's multi-year record, learning.dossier) as a PDF, drawn from its signed
payload alone, on the certificate's sheet: the same CJK font, frame, page numbers, issuer block,
seal and QR code to the verification page (learning.certificate_pdf), the signed document
attached as ``certificate.json`` so that ``flask certificates verify FILE`` checks it offline.

An official document in Chinese whatever the page language: its text is not translated.
"""
import json

from fpdf.fonts import FontFace

from learning import certificate_pdf as sheet

TITLE = "专业技术人员继续教育登记"
ORIGIN_NAMES = {"completion": "在线学习", "declared": "线下培训", "correction": "学时更正",
                "partner": "合作平台", "transfer": "外省转入"}
TOTAL_NAME = "总学时"


def render(document: dict, verify_url: str, font: tuple[str, int], seal=None) -> bytes:
    """The record of ``document`` (``payload``, ``signature``, …) as PDF bytes."""
    payload = document["payload"]
    pdf = sheet.Sheet(format="A4")
    pdf.number = payload["number"]
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=sheet.FOOTER_HEIGHT)
    pdf.set_title(TITLE)
    pdf.set_subject(payload["number"])
    pdf.set_author(sheet.issued_by(payload))
    pdf.set_creator(payload["issuer"])
    pdf.set_creation_date(sheet.issued_at(payload))
    pdf.add_page()
    _heading(pdf, payload)
    _years(pdf, payload)
    _eligibility(pdf, payload)
    sheet._footer(pdf, payload, verify_url)
    if seal is not None:
        sheet._seal(pdf, seal)
    pdf.embed_file(bytes=json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"),
                   basename=sheet.ATTACHMENT, mime_type="application/json",
                   desc="signed continuing-education record (Ed25519)", modification_date=sheet.issued_at(payload))
    return bytes(pdf.output())


def _heading(pdf, payload: dict) -> None:
    pdf.set_y(24)
    pdf.set_font("cjk", size=19)
    pdf.cell(0, 11, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 8, f"登记编号：{payload['number']}", align="R", new_x="LMARGIN", new_y="NEXT")
    holder = payload["holder"]
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font("cjk", size=11)
    pdf.cell(half, 8, f"姓　　名：{holder['name']}")
    pdf.cell(half, 8, f"身份证号：{holder['id_number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"工作单位：{holder['employer'] or '—'}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, f"以下为{holder['name']}截至{sheet.china_date(payload)}在本平台登记的历年继续教育学时"
                   "（含结转），按其所在地区各年度的学时规则认定。", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _years(pdf, payload: dict) -> None:
    pdf.set_font("cjk", size=9.5)
    with pdf.table(col_widths=(16, 26, 22, 22, 22, 22, 36), text_align=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT",
                                                                    "RIGHT", "LEFT"),
                   line_height=6.5, headings_style=FontFace(emphasis="", fill_color=(242, 242, 242))) as table:
        sheet._row(table, ("年度", "科目类型", "本年获得", "结转转入", "结转转出", "要求", "情况"))
        for year in payload["years"]:
            for kind, entry in year["by_type"].items():
                sheet._row(table, (str(year["year"]), sheet.SUBJECT_NAMES.get(kind, kind),
                                   f"{entry['credited_hours']:.1f}", f"{entry['carried_in_hours']:.1f}",
                                   f"{entry['carried_out_hours']:.1f}", f"{entry['required_hours']:.1f}",
                                   _origins(year) if kind == next(iter(year["by_type"])) else ""))
            sheet._row(table, (str(year["year"]), TOTAL_NAME, "", "", "", f"{year['total_required_hours']:.1f}",
                               f"{year['total_hours']:.1f}，{'已达标' if year['met'] else '未达标'}"))
    pdf.ln(4)


def _origins(year: dict) -> str:
    return "；".join(f"{ORIGIN_NAMES.get(basis, basis)} {hours:.1f}" for basis, hours in year["by_origin"].items())


def eligibility_text(eligibility: dict) -> str:
    """The 职称 look-back in words, with the reason when it is not met."""
    years = eligibility["years"]
    span = f"{years[0]}—{years[-1]}年" if years else ""
    if eligibility["eligible"]:
        return f"近{eligibility['review_years']}年（{span}）每年均达到学时要求，符合职称评审的继续教育条件。"
    reasons = "；".join(f"{s['year']}年{sheet.SUBJECT_NAMES.get(s['kind'], TOTAL_NAME)}差 {s['hours']:.1f} 学时"
                        for s in eligibility["shortfalls"])
    return (f"近{eligibility['review_years']}年（{span}）未能每年均达到学时要求，"
            f"暂不符合职称评审的继续教育条件：{reasons}。")


def _eligibility(pdf, payload: dict) -> None:
    pdf.set_font("cjk", size=11.5)
    pdf.multi_cell(0, 7.5, "职称评审：" + eligibility_text(payload["eligibility"]), new_x="LMARGIN", new_y="NEXT")
