"""The v1 calls of the GB/T 2260 divisions (issue 20, accounts.regions_api), with their schemas inline:
the provinces, and the children of any division, for the cascading region picker and any client."""
from openapi.build import PUBLIC, error, json_response, operation, path_param
from openapi.schemas import BOOL, STR, array, enum, nullable, obj

V1 = "/api/v1"
CODE = {"type": "string", "pattern": r"^\d{6}$", "description": "Six-digit GB/T 2260 code."}
AREA = obj({
    "code": CODE,
    "name": {**STR, "description": "The name in Chinese (广东省, 深圳市, 南山区)."},
    "name_en": {**nullable(STR), "description": "The English name, provinces only (Guangdong); null below."},
    "kind": {**enum("province", "city", "county"),
             "description": "What the division is: a 省级 division, a 地级 city (地区, 州, 盟; 东莞市), or a "
                            "县级 one (a district, county, or a province's directly administered 省直辖县级 "
                            "unit such as 济源市 419001)."},
    "leaf": {**BOOL, "description": "Nothing below it: the choice ends here."},
}, description="One division.")
CACHE = {"Cache-Control": {"description": "public, max-age=86400: the data changes only with the software.",
                           "schema": STR},
         "ETag": {"description": "Send it back in If-None-Match to get 304 while it holds.", "schema": STR}}


def _level(description: str, parent: dict, slot: dict) -> dict:
    return json_response(description, obj({"parent": parent, "slot": slot, "children": array(AREA)}), CACHE)


def paths() -> dict:
    code = path_param("code", CODE, "The division whose children are wanted.")
    return {
        f"{V1}/regions": {"get": operation(
            "listProvinces", "The provinces (省级 divisions), in code order", "regions",
            {"200": _level("The 34 provinces; parent is null.", {"type": "null"}, enum("province")),
             "304": {"description": "Not modified (If-None-Match matched the ETag)."}},
            security=PUBLIC, description="Public reference data, the same for every caller and language.")},
        f"{V1}/regions/{{code}}/children": {"get": operation(
            "listRegionChildren", "The divisions right under one, in code order", "regions",
            {"200": _level("The division and its children. slot says which select of a 省 → 市 → 区县 picker "
                           "they fill: city under a province, county under a city or a municipality (北京、"
                           "天津、上海、重庆 have no city level); null, with no children, for a leaf.",
                           AREA, {"type": ["string", "null"], "enum": ["city", "county", None]}),
             "304": {"description": "Not modified (If-None-Match matched the ETag)."},
             "404": error("Not a division the data knows: malformed, retired or made up (code not_found).")},
            security=PUBLIC, parameters=[code],
            description="Public reference data. A province's 省直辖县级 units and its cities without counties "
                        "(东莞市 441900) come among its cities, as leaves.")},
    }
