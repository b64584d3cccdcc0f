"""The 统一社会信用代码 check (GB 32100-2015), without the app."""
import pytest

from units.creditcode import CreditCodeError, check_character, clean_credit_code

PUBLISHED = ("91350100M000100Y43", "91440300708461136T", "91110000100006485K")


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_accepted(code):
    assert clean_credit_code(code) == code
    assert check_character(code[:17]) == code[17]


def test_lowercase_and_spaces_are_forgiven():
    assert clean_credit_code(" 9135 0100 m000 100y43 ") == "91350100M000100Y43"


def test_a_wrong_check_character_is_refused():
    with pytest.raises(CreditCodeError, match="校验位"):
        clean_credit_code("91350100M000100Y44")


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_a_wrong_length_is_refused(code):
    with pytest.raises(CreditCodeError, match="18位"):
        clean_credit_code(code)


@pytest.mark.parametrize("letter", "IOZSV")
def test_letters_outside_the_alphabet_are_refused(letter):
    with pytest.raises(CreditCodeError, match=letter):
        clean_credit_code(f"91350100M000100{letter}43")


def test_a_check_of_31_is_written_0():
    # a body whose weighted sum is a multiple of 31 takes 0, not a 32nd character
    body = next(f"9111000010000{n:04d}" for n in range(10000) if check_character(f"9111000010000{n:04d}") == "0")
    assert clean_credit_code(body + "0") == body + "0"
