"""The staff import's world: a unit administrator of a Beijing unit, and XLSX files made here."""
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from tests.conftest import make_id_number

HEADER = ("姓名", "身份证号", "手机号", "职称")


def xlsx(rows, header=HEADER) -> bytes:
    """A workbook whose first sheet holds ``header`` and ``rows`` (cells as given)."""
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person(n: int, name: str = "李明") -> tuple:
    """A valid row: a fresh ID number of 北京市朝阳区 and a phone of its own."""
    return (name, make_id_number("110105", date(1990, 5, 1)), f"1371000{n:04d}", "主治医师")


def upload(data: bytes, name: str = "staff.xlsx", **fields) -> dict:
    return {"file": (io.BytesIO(data), name), **fields}


def raw_upload(data: bytes, **fields) -> dict:
    """The test client's arguments for a multipart body built here: werkzeug's own encoder
    spools a big one to a temporary file it leaves open (a ResourceWarning)."""
    boundary = "zhixin-staff-import"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="staff.xlsx"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def audit_rows(action: str) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


@pytest.fixture
def admin(make_user, make_unit):
    unit = make_unit(name="北京市朝阳区人民医院", region_code="110105")
    return make_user("unit_admin", real_name="马晓燕", unit_id=unit.id, region_code="110105")
