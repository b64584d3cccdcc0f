"""The unit's roster as CSV and XLSX, for its administrator: the rows the 本单位 page lists
for the same ``year``, ``status`` and ``q`` (every page of them).

Written by bureau.export_writers as the bureau's exports are: a CSV with a BOM (Excel reads
the Chinese), cells a spreadsheet would run as a formula neutralised, an XLSX whose ID
number and phone columns are text cells (Excel keeps every digit, and the X). The file
holds full ID numbers, as the bureau's exports do; the page masks them. Each export is
audited (``unit_roster_exported``: kind, year, filters, rows) before its first byte leaves.
"""
import os
import tempfile
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wsgi import wrap_file

from accounts import audit
from accounts.access import role_required
from bureau.export_writers import Layout, csv_chunks, neutralise, write_xlsx
from core import policy
from core.extensions import db
from core.http import Refused
from core.tz import CHINA
from learning.progress import chosen_year
from staff.roster_data import SUBJECT_TYPES, StaffRow, clean_query, clean_status, only, staff_rows

bp = Blueprint("staff_exports", __name__, url_prefix="/unit")

BATCH = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def layout() -> tuple[Layout, tuple[str, str]]:
    """The roster file's columns and its 是 / 否, in Chinese whatever the page's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        per_type = [name for kind in SUBJECT_TYPES for name in
                    (_("%(type)s已获学时", type=policy.subject_name(kind)),
                     _("%(type)s要求学时", type=policy.subject_name(kind)))]
        header = (_("姓名"), _("身份证号"), _("手机号"), _("职称"), _("年度"), *per_type, _("合计学时"), _("是否达标"))
        sheet, yes_no = _("人员学时"), (_("是"), _("否"))
    # 年度, each type's two columns and 合计 are numbers; 身份证号 and 手机号 text cells.
    return Layout(header, sheet, (1, 2), frozenset(range(4, 6 + len(per_type)))), yes_no


def file_row(row: StaffRow, year: int, yes_no: tuple[str, str]) -> tuple:
    """One person's line: text neutralised, 学时 as numbers."""
    user, standing = row.user, row.standing
    per_type = [value for kind in SUBJECT_TYPES for value in
                (standing.credited.get(kind, 0) / 10, standing.required.get(kind, 0) / 10)]
    return (neutralise(user.real_name), user.id_number, neutralise(user.phone), neutralise(user.title), year,
            *per_type, standing.total / 10, yes_no[0] if row.met else yes_no[1])


def _asked():
    """The unit's rows for this request's year and filters; a bad filter is 400."""
    year = chosen_year()
    try:
        status = clean_status(request.args.get("status"))
    except Refused as e:
        abort(400, e.message)
    text = clean_query(request.args.get("q"))
    return only(staff_rows(current_user.unit_id, year), status, text), year, {"status": status, "q": text}


def _batches(rows: list[StaffRow], year: int, yes_no) -> list[list[tuple]]:
    lines = [file_row(row, year, yes_no) for row in rows]
    return [lines[start:start + BATCH] for start in range(0, len(lines), BATCH)]


def _audited(kind: str, year: int, filters: dict, rows: int) -> None:
    audit.record("unit_roster_exported", target=f"unit:{current_user.unit_id}", kind=kind, year=year,
                 filters={name: value for name, value in filters.items() if value}, rows=rows)
    db.session.commit()


def attachment(extension: str) -> str:
    """Content-Disposition: 人员学时_<date>.<ext> (RFC 5987 for the Chinese), today in China."""
    day = datetime.now(CHINA).strftime("%Y%m%d")
    return (f"attachment; filename=\"staff_{day}.{extension}\"; "
            f"filename*=UTF-8''{quote(f'人员学时_{day}.{extension}')}")


@bp.get("/staff.csv")
@role_required("unit_admin")
def staff_csv():
    rows, year, filters = _asked()
    columns, yes_no = layout()
    batches = _batches(rows, year, yes_no)
    _audited("csv", year, filters, len(rows))
    response = Response(csv_chunks(batches, columns.header), mimetype="text/csv")
    response.headers["Content-Disposition"] = attachment("csv")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff.xlsx")
@role_required("unit_admin")
def staff_xlsx():
    rows, year, filters = _asked()
    columns, yes_no = layout()
    handle, path = tempfile.mkstemp(prefix="zhixin-staff-", suffix=".xlsx")
    try:
        os.close(handle)
        write_xlsx(_batches(rows, year, yes_no), path, layout=columns)
        _audited("xlsx", year, filters, len(rows))
        size = os.path.getsize(path)
        file = open(path, "rb")  # closed by the response
    finally:
        os.unlink(path)  # the open handle keeps the bytes until the response closes it
    response = Response(wrap_file(request.environ, file), mimetype=XLSX_TYPE, direct_passthrough=True)
    response.headers["Content-Disposition"] = attachment("xlsx")
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "no-store"
    return response
