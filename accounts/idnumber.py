"""Resident ID numbers (GB 11643-1999): validation and masking, without the app."""
import re
from datetime import date

from flask_babel import gettext as _

from accounts.regions import PROVINCES

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d also matches other scripts' digits


class IdNumberError(ValueError):
    """The reason an ID number is refused, in words fit for the person who typed it."""


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str, today: date) -> str:
    """Return the canonical form (upper-case ``X``) of a valid ID number.

    Raises :class:`IdNumberError` with a Chinese message naming the first problem found:
    length, characters, region prefix, birth date (real, not in the future), check digit.
    """
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise IdNumberError(_("身份证号应为18位。"))
    if not _SHAPE.match(value):
        raise IdNumberError(_("身份证号前17位应为数字，最后一位为数字或X。"))
    if value[:2] not in PROVINCES:
        raise IdNumberError(_("身份证号前六位不是有效的行政区划代码。"))
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(_("身份证号中的出生日期不存在。")) from None
    if born > today or born.year < 1900:
        raise IdNumberError(_("身份证号中的出生日期不合理。"))
    if check_digit(value[:17]) != value[17]:
        raise IdNumberError(_("身份证号校验位不正确，请核对后重新输入。"))
    return value


def mask_id_number(value: str) -> str:
    """Show the region prefix and the last four characters only: ``110105********002X``."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
