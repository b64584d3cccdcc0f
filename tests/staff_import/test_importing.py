"""The import's rules on a file: every kind of bad row named by its row, and a clean file's accounts."""
from sqlalchemy import select
from werkzeug.security import check_password_hash

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.xlsx import XlsxError
from staff import importing
from tests.conftest import make_id_number
from tests.staff_import.conftest import person, xlsx
from units.models import Unit, UnitLink


def check(data: bytes) -> importing.Parsed:
    parsed = importing.parse(data, utcnow())
    importing.check_taken(parsed)
    return parsed


def found(parsed) -> set[tuple]:
    return {(error["row"], error["field"], error["code"]) for error in parsed.errors}


def test_every_kind_of_bad_row_is_reported_with_its_row(app, make_user):
    taken = make_user(phone="13710009999")
    good, twin = person(1), person(2)
    bad_check = good[1][:17] + ("0" if good[1][17] != "0" else "1")
    rows = [
        good,                                                       # 2: named as the first of a duplicate ID
        ("", make_id_number("110105"), "13710000003", ""),         # 3: empty name
        ("王五", "11010519900501", "13710000004", ""),             # 4: ID too short
        ("赵六", bad_check, "13710000005", ""),                    # 5: wrong check digit
        ("孙七", make_id_number("110105"), "23710000006", ""),     # 6: no mobile number
        ("周八", good[1], "13710000007", ""),                      # 7: the ID of row 2 again
        ("吴九", twin[1], twin[2], ""),                            # 8: phone of row 9 too
        ("郑十", make_id_number("110105"), twin[2], ""),           # 9
        ("钱一", taken.id_number, "13710000010", ""),              # 10: registered already
        ("冯二", make_id_number("110105"), taken.phone, ""),       # 11: phone taken
        ("陈三", 110105199005011234, "13710000012", ""),           # 12: an ID typed as a number
        (None, None, None, None),                                   # 13: blank, skipped
    ]
    parsed = check(xlsx(rows))
    assert parsed.rows == 11 and not parsed.clean
    assert found(parsed) == {
        (2, "id_number", "duplicate_id_number"), (7, "id_number", "duplicate_id_number"),
        (3, "real_name", "invalid_name"), (4, "id_number", "invalid_id_number"),
        (5, "id_number", "invalid_id_number"), (6, "phone", "invalid_phone"),
        (8, "phone", "duplicate_phone"), (9, "phone", "duplicate_phone"),
        (10, "id_number", "id_number_taken"), (11, "phone", "phone_taken"),
        (12, "id_number", "invalid_id_number"),
    }
    messages = {(error["row"], error["field"]): error["message"] for error in parsed.errors}
    assert messages[(3, "real_name")] == "请填写真实姓名。"
    assert messages[(4, "id_number")] == "身份证号应为18位。"
    assert "校验位不正确" in messages[(5, "id_number")]
    assert "11位中国大陆手机号码" in messages[(6, "phone")]
    assert messages[(7, "id_number")] == "身份证号与第 2 行重复。"
    assert messages[(2, "id_number")] == "身份证号与第 7 行重复。"
    assert messages[(10, "id_number")] == "该身份证号已注册，请该学员在个人资料中选择本单位。"
    assert messages[(11, "phone")] == "该手机号已被其他账号使用。"
    assert "文本格式" in messages[(12, "id_number")]
    assert [error["row"] for error in parsed.errors] == sorted(error["row"] for error in parsed.errors)


def test_columns_are_found_by_name_in_any_order_and_the_title_may_be_missing(app):
    name, id_number, phone, _title = person(1)
    parsed = check(xlsx([(phone, " 张 伟 ", id_number.lower()[:17] + id_number[17].lower())],
                        header=("手机号", "姓名", "身份证号")))
    assert parsed.clean and parsed.people == [
        {"row": 2, "real_name": "张伟", "id_number": id_number.upper(), "phone": phone, "title": ""}]


def test_a_missing_header_or_an_empty_file_is_one_error_on_row_one(app):
    missing = check(xlsx([person(1)], header=("姓名", "证件号", "电话", "职称")))
    assert [(e["row"], e["code"]) for e in missing.errors] == [(1, "missing_header")]
    assert "身份证号、手机号" in missing.errors[0]["message"]
    assert [e["code"] for e in check(xlsx([], header=())).errors] == ["missing_header"]
    assert [e["code"] for e in check(xlsx([])).errors] == ["no_rows"]


def test_a_file_that_is_no_xlsx_or_too_big_is_refused_whole(app):
    for data in (b"%PDF-1.4 not a sheet", b"PK\x03\x04broken", b""):
        try:
            importing.parse(data, utcnow())
        except XlsxError as e:
            assert "不是有效的 XLSX" in str(e)
        else:
            raise AssertionError(data)
    try:
        importing.parse(b"PK" + b"0" * importing.MAX_BYTES, utcnow())
    except XlsxError as e:
        assert "超过 2 MB" in str(e)
    else:
        raise AssertionError("a file over the limit was read")


def test_rows_past_the_limit_are_one_error(app, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    parsed = check(xlsx([person(1), person(2), person(3)]))
    assert (4, "", "too_many_rows") in found(parsed) and not parsed.clean


def test_the_template_reads_back_as_its_own_header_and_example(app):
    parsed = importing.parse(importing.template(), utcnow())
    assert parsed.clean and parsed.people[0]["real_name"] == "张三" and parsed.people[0]["title"] == "主治医师"


def test_a_clean_file_makes_linked_trainees_with_one_time_passwords(app, admin):
    parsed = check(xlsx([person(1, "李明"), person(2, "阿依古丽·买买提")]))
    unit = db.session.get(Unit, admin.unit_id)
    created = importing.create_staff(unit, admin, parsed, utcnow())
    db.session.commit()
    assert [item.user.real_name for item in created] == ["李明", "阿依古丽·买买提"]
    for item in created:
        user = db.session.get(User, item.user.id)
        assert (user.role, user.region_code, user.employer, user.title) == ("trainee", "110105", unit.name, "主治医师")
        assert user.must_change_password and check_password_hash(user.password_hash, item.password)
        assert len(item.password) == 14 and item.password not in user.password_hash
    links = db.session.scalars(select(UnitLink)).all()
    assert {(link.unit_id, link.status, link.decided_by_id) for link in links} == {(unit.id, "confirmed", admin.id)}
    assert len({item.password for item in created}) == 2


def test_one_time_passwords_differ_and_avoid_look_alikes():
    passwords = {importing.one_time_password() for _ in range(200)}
    assert len(passwords) == 200
    assert not set("".join(passwords)) & set("01ilo")

