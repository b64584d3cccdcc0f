"""Field rules for people's data, as plain functions shared by web forms and the CLI.

Each ``clean_*`` function takes what was typed and returns the canonical value, or raises
:class:`FieldError` whose message is fit to show next to the field. No app is needed.
"""
import re
import unicodedata
from datetime import date, datetime

from flask_babel import gettext as _

from accounts.idnumber import IdNumberError, mask_id_number, normalize_id_number
from accounts.regions import is_region_code, region_within
from core.tz import CHINA

PHONE = re.compile(r"^1[3-9][0-9]{9}$")
# Han characters (basic, extension A, supplementary planes) joined by single middle dots.
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
_NAME = re.compile(rf"^{_HAN}+(·{_HAN}+)*$")
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", "∙": "·", "⋅": "·", ".": "·"})
PASSWORD_MIN = 8
PASSWORD_MAX = 128


class FieldError(ValueError):
    """Why a value was refused, in words for the person who typed it."""


def china_today(now: datetime) -> date:
    """The calendar date in China at the instant ``now`` (timezone-aware)."""
    return now.astimezone(CHINA).date()


def clean_real_name(value: str | None) -> str:
    name = re.sub(r"\s+", "", value or "").translate(_DOTS)
    if not name:
        raise FieldError(_("请填写真实姓名。"))
    if not 2 <= len(name) <= 32:
        raise FieldError(_("姓名应为2至32个字。"))
    if not _NAME.match(name):
        raise FieldError(_("姓名只能包含汉字，少数民族姓名可用间隔号“·”分隔。"))
    return name


def _compact(value: str | None) -> str:
    """Full-width digits and letters (common with Chinese input methods) made ASCII, no spaces."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))


def clean_id_number(value: str | None, today: date) -> str:
    value = _compact(value)
    if not value:
        raise FieldError(_("请填写身份证号。"))
    try:
        return normalize_id_number(value, today)
    except IdNumberError as e:
        raise FieldError(str(e)) from None


def clean_phone(value: str | None) -> str:
    phone = _compact(value)
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        raise FieldError(_("请填写手机号。"))
    if not PHONE.match(phone):
        raise FieldError(_("手机号应为11位中国大陆手机号码，以1开头。"))
    return phone


def clean_employer(value: str | None, required: bool = True) -> str:
    employer = (value or "").strip()
    if not employer and required:
        raise FieldError(_("请填写工作单位。"))
    if len(employer) > 128:
        raise FieldError(_("工作单位名称不能超过128个字。"))
    return employer


def clean_region_code(value: str | None, required: bool = False) -> str:
    """A six-digit GB/T 2260 code; empty is allowed unless ``required``."""
    code = (value or "").strip()
    if not code and not required:
        return ""
    if not code:
        raise FieldError(_("请填写行政区划代码。"))
    if not is_region_code(code):
        raise FieldError(_("行政区划代码应为6位数字，且前两位为有效的省级代码。"))
    return code


def clean_token_region(value: str | None, owner_role: str, owner_region: str) -> str:
    """An API token's region: empty (the owner's whole scope) or a valid code; a bureau
    officer's token may only be narrowed to an area inside the officer's own."""
    code = clean_region_code(value)
    if code and owner_role == "bureau" and not region_within(code, owner_region):
        raise FieldError(_("限定地区 %(code)s 不在该人社部门账号的管辖范围（%(area)s）内。",
                           code=code, area=owner_region))
    return code


def clean_title(value: str | None) -> str:
    title = (value or "").strip()
    if len(title) > 64:
        raise FieldError(_("职称不能超过64个字。"))
    return title


# An address mail can go to: a plain addr-spec (no display name, no list), ASCII.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                    r"[A-Za-z]{2,63}$")


def clean_email(value: str | None) -> str:
    """The address, its domain in lower case; empty when none is wanted (the field is optional)."""
    address = (value or "").strip()
    if not address:
        return ""
    local, _at, domain = address.rpartition("@")
    if len(address) > 254 or len(local) > 64 or not _EMAIL.match(address):
        raise FieldError(_("请填写有效的电子邮箱地址，如 name@example.com。"))
    return f"{local}@{domain.lower()}"


def clean_organisation(value: str | None, required: bool = False) -> str:
    organisation = (value or "").strip()
    if not organisation and required:
        raise FieldError(_("课程制作方须填写所属机构。"))
    if len(organisation) > 128:
        raise FieldError(_("机构名称不能超过128个字。"))
    return organisation


def clean_password(value: str | None) -> str:
    """Passwords are taken as typed (no stripping): spaces may be part of them."""
    password = value or ""
    if len(password) < PASSWORD_MIN:
        raise FieldError(_("密码至少需要%(n)d个字符。", n=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise FieldError(_("密码不能超过%(n)d个字符。", n=PASSWORD_MAX))
    return password


def clean_account(raw: dict, today: date, role: str = "trainee") -> tuple[dict, dict]:
    """Check every field of a new account at once, as registration does.

    ``raw`` holds real_name, id_number, phone, employer, region_code, title, organisation,
    password. Returns ``(values, errors)``; ``errors`` maps a field name to its message.
    The region code defaults to the ID number's first six digits. Producers need an
    organisation, bureau officers a region code of their own; trainees an employer.
    """
    checks = {
        "real_name": clean_real_name,
        "id_number": lambda v: clean_id_number(v, today),
        "phone": clean_phone,
        "employer": lambda v: clean_employer(v, required=role == "trainee"),
        "region_code": lambda v: clean_region_code(v, required=role == "bureau"),
        "title": clean_title,
        "organisation": lambda v: clean_organisation(v, required=role == "producer"),
        "password": clean_password,
    }
    values, errors = {}, {}
    for name, check in checks.items():
        try:
            values[name] = check(raw.get(name))
        except FieldError as e:
            errors[name] = str(e)
    if not values.get("region_code") and "id_number" in values:
        values["region_code"] = values["id_number"][:6]
    return values, errors


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``欧阳修远`` → ``欧**远``: enough to recognise, too little to find."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """``139****1234``: the network prefix and the last four digits."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_identifier(value: str) -> str:
    """Mask whatever was typed into a login form before it is written anywhere."""
    value = (value or "").strip()[:32]
    if len(value) == 18:
        return mask_id_number(value.upper())
    if len(value) == 11 and value.isdigit():
        return mask_phone(value)
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
