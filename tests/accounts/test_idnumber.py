"""Resident ID numbers (GB 11643) as plain functions: no app, no database."""
from datetime import date

import pytest

from accounts.idnumber import IdNumberError, check_digit, mask_id_number, normalize_id_number

TODAY = date(2026, 3, 1)


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@pytest.mark.parametrize("value", ["11010519491231002X", with_check("44030119900307123"),
                                   with_check("65010220000229456")])
def test_valid_numbers_are_accepted_as_typed(value):
    assert normalize_id_number(value, TODAY) == value


def test_x_check_digit_is_computed_from_the_first_17_digits():
    assert check_digit("11010519491231002") == "X"


def test_lower_case_x_and_surrounding_spaces_are_accepted_and_normalised():
    assert normalize_id_number("  11010519491231002x ", TODAY) == "11010519491231002X"


@pytest.mark.parametrize("value, message", [
    ("110105194912310021", "校验位"),  # right shape, wrong check digit (should be X)
    ("11010519491231002", "18位"),
    ("11010519491231002X1", "18位"),
    ("", "18位"),
    ("1101051949123100AX", "前17位应为数字"),
    ("X10105194912310021", "前17位应为数字"),
    ("11010519491231002Y", "前17位应为数字"),
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "前17位应为数字"),  # Arabic-Indic digits are digits, but not ours
    (with_check("99010519491231002"), "行政区划"),
    (with_check("11010519990230123"), "出生日期不存在"),  # 30 February
    (with_check("11010519991301123"), "出生日期不存在"),
    (with_check("11010520300101123"), "出生日期不合理"),  # born in the future
    (with_check("11010518800101123"), "出生日期不合理"),
])
def test_invalid_numbers_are_refused_with_the_reason(value, message):
    with pytest.raises(IdNumberError, match=message):
        normalize_id_number(value, TODAY)


def test_a_birthday_today_is_possible_but_tomorrow_is_not():
    born_today = with_check("11010520260301123")
    assert normalize_id_number(born_today, TODAY) == born_today
    with pytest.raises(IdNumberError):
        normalize_id_number(born_today, date(2026, 2, 28))


def test_masking_keeps_the_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""
