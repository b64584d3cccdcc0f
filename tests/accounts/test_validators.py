"""Field rules shared by the registration form and the CLI, as plain functions."""
from datetime import UTC, date, datetime

import pytest

from accounts import validators as v

TODAY = date(2026, 3, 1)
GOOD = {
    "real_name": "王小明", "id_number": "11010519491231002X", "phone": "13912345678",
    "employer": "北京市第一医院", "region_code": "", "title": "", "organisation": "", "password": "long-enough",
}


@pytest.mark.parametrize("typed, kept", [
    ("张三", "张三"),
    (" 欧阳 修远 ", "欧阳修远"),
    ("阿依古丽·买买提", "阿依古丽·买买提"),
    ("阿依古丽•买买提", "阿依古丽·买买提"),  # a bullet typed for the middle dot
    ("阿依古丽.买买提", "阿依古丽·买买提"),
    ("𠮷野家", "𠮷野家"),  # a character beyond the basic plane
])
def test_real_names(typed, kept):
    assert v.clean_real_name(typed) == kept


@pytest.mark.parametrize("typed, message", [
    ("", "请填写"), ("张", "2至32"), ("张" * 33, "2至32"), ("John Smith", "汉字"),
    ("张三3", "汉字"), ("·张三", "汉字"), ("张三·", "汉字"), ("张··三", "汉字"),
])
def test_bad_real_names(typed, message):
    with pytest.raises(v.FieldError, match=message):
        v.clean_real_name(typed)


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "139-1234-5678", "+8613912345678",
                                   "１３９１２３４５６７８"])
def test_phone_numbers_are_compacted(typed):
    assert v.clean_phone(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["", "12912345678", "1391234567", "139123456789", "0391234567a"])
def test_bad_phone_numbers(typed):
    with pytest.raises(v.FieldError):
        v.clean_phone(typed)


def test_id_numbers_typed_full_width_or_spaced_are_accepted():
    assert v.clean_id_number("１１０１０５ 19491231 002ｘ", TODAY) == "11010519491231002X"
    with pytest.raises(v.FieldError, match="请填写身份证号"):
        v.clean_id_number("  ", TODAY)


@pytest.mark.parametrize("typed, ok", [("", True), ("110105", True), ("440300", True), ("990000", False),
                                        ("11010", False), ("11010a", False), ("11٠١٠٥", False)])
def test_region_codes(typed, ok):
    if ok:
        assert v.clean_region_code(typed) == typed
    else:
        with pytest.raises(v.FieldError, match="行政区划代码"):
            v.clean_region_code(typed)


def test_passwords_need_eight_characters_and_are_not_stripped():
    assert v.clean_password(" 1234567") == " 1234567"
    with pytest.raises(v.FieldError, match="至少需要8"):
        v.clean_password("1234567")


def test_a_whole_account_is_checked_at_once_and_the_region_defaults_to_the_id_number():
    values, errors = v.clean_account(GOOD, TODAY)
    assert errors == {}
    assert values["region_code"] == "110105"

    values, errors = v.clean_account({**GOOD, "phone": "123", "employer": "", "real_name": "A"}, TODAY)
    assert set(errors) == {"phone", "employer", "real_name"}


def test_roles_ask_for_their_own_fields():
    _, errors = v.clean_account({**GOOD, "employer": ""}, TODAY, role="producer")
    assert set(errors) == {"organisation"}  # employer is the trainee's duty
    _, errors = v.clean_account(GOOD, TODAY, role="bureau")
    assert set(errors) == {"region_code"}  # a jurisdiction is not guessed from a birthplace
    values, errors = v.clean_account({**GOOD, "region_code": "440300"}, TODAY, role="bureau")
    assert errors == {} and values["region_code"] == "440300"


def test_china_today_turns_over_at_midnight_beijing_time():
    assert v.china_today(datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == date(2025, 12, 31)
    assert v.china_today(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == date(2026, 1, 1)


def test_masks():
    assert v.mask_phone("13912341234") == "139****1234"
    assert v.mask_identifier("11010519491231002x") == "110105********002X"
    assert v.mask_identifier("13912341234") == "139****1234"
    assert v.mask_identifier("wang") == "****"
    assert "secret" not in v.mask_identifier("topsecretvalue")
