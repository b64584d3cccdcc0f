"""Bulk import of a unit's staff from XLSX (issue 15): the template, the check, the creation.

A file holds one person a row under a header row naming the columns 姓名, 身份证号, 手机号
(required) and 职称 (optional), in any order. :func:`parse` reads it (refusing, before it is
read, a file too big, not a ZIP, or unpacking past ``MAX_UNPACKED``; then at most
``MAX_ROWS`` people, read-only) and checks every row with the registration's field rules;
:func:`check_taken` adds the rows whose ID number or phone an account already holds. Every
problem is a row-numbered error; nothing is created unless there are none, and then
:func:`create_staff` makes every account in the caller's transaction.

An ID number already registered is an error, not a proposal to link: that person chooses
the unit in their own profile, where the unit confirms it. An import never takes over an
existing account.
"""
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.security import generate_password_hash

from accounts.audit import record
from accounts.models import User
from accounts.passwords import OTP_HASH, one_time_password
from accounts.validators import FieldError, china_today, clean_id_number, clean_phone, clean_real_name, clean_title
from core.extensions import db
from core.xlsx import cell_text, read_rows
from units.models import Unit, UnitLink

COLUMNS = {"real_name": "姓名", "id_number": "身份证号", "phone": "手机号", "title": "职称"}
REQUIRED = ("real_name", "id_number", "phone")
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 30


@dataclass
class Parsed:
    """What a file holds: ``rows`` people read, the cleaned ``people`` (each with its ``row``),
    and ``errors`` as {"row", "field", "code", "message"} in row order."""

    rows: int = 0
    people: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    # Every row's fields that were valid, bad rows' too: a duplicate is named either way.
    checked: list[dict] = field(default_factory=list)

    def add(self, row: int, field_: str, code: str, message: str) -> None:
        self.errors.append({"row": row, "field": field_, "code": code, "message": message})

    @property
    def clean(self) -> bool:
        return not self.errors and bool(self.people)


@dataclass
class Created:
    """An account the import made, with the one-time password shown once to the admin."""

    user: User
    password: str

    def as_json(self) -> dict:
        return {"id": self.user.id, "real_name": self.user.real_name, "id_number": self.user.masked_id_number,
                "phone": self.user.phone, "title": self.user.title, "password": self.password}


# ---- the template ----------------------------------------------------------------------------

def template() -> bytes:
    """The file to fill in: the header, one example row, the ID column as text, and notes."""
    import xlsxwriter  # imported when the template is asked for, not by every web process

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold, text = book.add_format({"bold": True}), book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("人员名单")
    for column, (label, width) in enumerate(zip(COLUMNS.values(), (14, 24, 16, 20), strict=True)):
        sheet.set_column(column, column, width, text if column in (1, 2) else None)
        sheet.write_string(0, column, label, bold)
    for column, value in enumerate(("张三", "110105198503010016", "13900000000", "主治医师")):
        sheet.write_string(1, column, value)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 100)
    for row, line in enumerate((
        "每行一人，从第 2 行开始填写，只读取第一个工作表；第 2 行是示例，导入前请删除或改为真实人员。",
        "表头须含“姓名”“身份证号”“手机号”三列（“职称”可选），列的顺序不限。",
        "姓名：真实姓名，汉字，少数民族姓名可用间隔号“·”。",
        "身份证号：18 位，末位可为 X；本列已设为文本格式，请勿改为数字格式（会丢失末尾数字）。",
        "手机号：11 位中国大陆手机号码，用于登录；不能与已有账号重复。",
        "职称：选填，不超过 64 个字。",
        f"一个文件最多 {MAX_ROWS} 人、{MAX_BYTES // (1024 * 1024)} MB；文件中有任何错误时不会创建任何账号。",
        "已在平台注册的人员不能导入：请其登录后在“个人资料”中选择本单位，由单位管理员确认。",
        "导入后每人获得一个一次性密码，仅显示一次；请私下分别交给本人，首次登录后须修改密码。",
    )):
        notes.write_string(row, 0, line)
    book.close()
    return out.getvalue()


# ---- reading ---------------------------------------------------------------------------------

def _header(row: tuple, parsed: Parsed) -> dict[str, int] | None:
    """Field → column index from the header row, or None (with the error noted)."""
    labels = [cell_text(value).replace(" ", "") for value in row]
    columns = {name: labels.index(label) for name, label in COLUMNS.items() if label in labels}
    missing = [COLUMNS[name] for name in REQUIRED if name not in columns]
    if missing:
        parsed.add(1, "", "missing_header", _("表头缺少：%(columns)s。请使用下载的模板。", columns="、".join(missing)))
        return None
    return columns


def _clean_row(cells: dict, number: int, today, parsed: Parsed) -> tuple[dict, bool]:
    """A row's valid fields (with its ``row``), and whether any was bad (its error noted)."""
    checks = {"real_name": (clean_real_name, "invalid_name"),
              "id_number": (lambda v: clean_id_number(v, today), "invalid_id_number"),
              "phone": (clean_phone, "invalid_phone"), "title": (clean_title, "invalid_title")}
    values, bad = {"row": number}, False
    for name, (check, code) in checks.items():
        raw = cells.get(name)
        if name == "id_number" and isinstance(raw, (int, float)):
            # A number column has already lost the ID's last digits (and any X): say why.
            parsed.add(number, name, code,
                       _("身份证号须以文本格式填写：数字格式会丢失末尾数字，请将该列设为“文本”后重新填写。"))
            bad = True
            continue
        try:
            values[name] = check(cell_text(raw))
        except FieldError as e:
            parsed.add(number, name, code, str(e))
            bad = True
    return values, bad


def parse(data: bytes, now: datetime) -> Parsed:
    """Read and check a staff file (no database). Raises :class:`XlsxError` for a file that
    is not a readable XLSX; every row's problems are in ``errors``."""
    rows, parsed = read_rows(data, max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED, max_rows=MAX_ROWS,
                           max_columns=MAX_COLUMNS), Parsed()
    columns = _header(rows[0], parsed) if rows else None
    if columns is None:
        if not rows:
            parsed.add(1, "", "missing_header", _("文件是空的：第一行应为表头（姓名、身份证号、手机号、职称）。"))
        return parsed
    today = china_today(now)
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: row[index] if index < len(row) else None for name, index in columns.items()}
        if not any(cell_text(value) for value in cells.values()):
            continue
        if number > MAX_ROWS + 1:
            parsed.add(number, "", "too_many_rows", _("一个文件最多 %(max)s 人，请拆分后分批导入。", max=MAX_ROWS))
            break
        parsed.rows += 1
        person, bad = _clean_row(cells, number, today, parsed)
        parsed.checked.append(person)
        if not bad:
            parsed.people.append(person)
    _mark_duplicates(parsed)
    if not parsed.rows and not parsed.errors:
        parsed.add(2, "", "no_rows", _("文件中没有人员：请从第 2 行起每行填写一人。"))
    return parsed


def _mark_duplicates(parsed: Parsed) -> None:
    """Both rows of an ID number or phone given twice in the file, each naming the other."""
    for name, code, label in (("id_number", "duplicate_id_number", _("身份证号")),
                              ("phone", "duplicate_phone", _("手机号"))):
        first: dict[str, int] = {}
        for person in parsed.checked:
            if name not in person:
                continue
            earlier = first.setdefault(person[name], person["row"])
            if earlier != person["row"]:
                message = _("%(field)s与第 %(other)s 行重复。", field=label, other=earlier)
                parsed.add(person["row"], name, code, message)
                parsed.add(earlier, name, code, _("%(field)s与第 %(other)s 行重复。", field=label, other=person["row"]))
    parsed.errors.sort(key=lambda error: error["row"])


def check_taken(parsed: Parsed) -> None:
    """Note the rows whose ID number or phone an account already holds (one query)."""
    ids = {person["id_number"] for person in parsed.checked if "id_number" in person}
    phones = {person["phone"] for person in parsed.checked if "phone" in person}
    if not ids and not phones:
        return
    taken_ids, taken_phones = set(), set()
    for id_number, phone in db.session.execute(
            select(User.id_number, User.phone).where(or_(User.id_number.in_(ids), User.phone.in_(phones)))):
        taken_ids.add(id_number)
        taken_phones.add(phone)
    for person in parsed.checked:
        if person.get("id_number") in taken_ids:
            parsed.add(person["row"], "id_number", "id_number_taken",
                       _("该身份证号已注册，请该学员在个人资料中选择本单位。"))
        if person.get("phone") in taken_phones:
            parsed.add(person["row"], "phone", "phone_taken", _("该手机号已被其他账号使用。"))
    parsed.errors.sort(key=lambda error: error["row"])


# ---- creating --------------------------------------------------------------------------------

def create_staff(unit: Unit, admin: User, parsed: Parsed, now: datetime) -> list[Created]:
    """Create a trainee of ``unit`` for every person of a clean file, each linked and
    confirmed by ``admin``, with a one-time password to be changed at first login; one
    ``staff_imported`` audit row. Flushes only: the caller commits (or rolls back all)."""
    if not parsed.clean:
        raise ValueError("only a clean file is imported")
    created = []
    for person in parsed.people:
        password = one_time_password()
        user = User(role="trainee", real_name=person["real_name"], id_number=person["id_number"],
                    phone=person["phone"], title=person["title"], employer=unit.name,
                    region_code=unit.region_code, must_change_password=True,
                    password_hash=generate_password_hash(password, method=OTP_HASH))
        db.session.add(user)
        created.append(Created(user, password))
    db.session.flush()
    db.session.add_all(UnitLink(user_id=item.user.id, unit_id=unit.id, status="confirmed", requested_at=now,
                                decided_at=now, decided_by_id=admin.id) for item in created)
    db.session.flush()
    record("staff_imported", target=f"unit:{unit.id}", actor=admin, rows=len(created),
           user_ids=[item.user.id for item in created])
    return created
