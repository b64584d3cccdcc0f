"""Reading an uploaded XLSX safely, for every import (question banks, a unit's staff).

A file is refused before it is read when it is too big, is not a ZIP, or would unpack to more
than the caller's limit (a zip bomb); openpyxl then reads its first sheet in read-only mode,
values only, up to the caller's rows and columns. Messages are Chinese, for the uploader.
"""
import io
import warnings
import zipfile

from flask_babel import gettext as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxError(ValueError):
    """The file as a whole cannot be read: too big, not an XLSX, a zip bomb."""


def _not_xlsx() -> XlsxError:
    return XlsxError(_("文件不是有效的 XLSX 表格，请使用下载的模板（Excel 或 WPS 另存为 .xlsx）。"))


def check_container(data: bytes, max_bytes: int, max_unpacked: int) -> None:
    """Refuse a file over ``max_bytes``, not a ZIP, or unpacking past ``max_unpacked`` bytes."""
    if len(data) > max_bytes:
        raise XlsxError(_("文件超过 %(mb)s MB，请拆分后分批导入。", mb=max_bytes // (1024 * 1024)))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _not_xlsx() from None
    if unpacked > max_unpacked:
        raise XlsxError(_("文件解压后过大，不能导入。"))


def read_rows(data: bytes, *, max_bytes: int, max_unpacked: int, max_rows: int, max_columns: int) -> list[tuple]:
    """The first sheet's rows as values, header included: at most ``max_rows`` + 2 (so that a
    caller can tell a file over its limit) of ``max_columns`` cells each."""
    check_container(data, max_bytes, max_unpacked)
    from openpyxl import load_workbook  # 8 MB the web process keeps only once someone imports a file

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return list(book.worksheets[0].iter_rows(max_row=max_rows + 2, max_col=max_columns,
                                                         values_only=True))
            finally:
                book.close()
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _not_xlsx() from None


def cell_text(value) -> str:
    """A cell's value as stripped text; a whole float (Excel's numbers) without its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
