"""The v1 calls of the province rule sets (issue 14, provinces.rules_api), with their schemas inline:
the effective rules of a region and year for anyone, the stored versions of a prefix for admins."""
from openapi.build import PUBLIC, SIGNED_IN, SIGNED_IN_WRITE, for_role, json_response, operation, path_param, query
from openapi.schemas import BOOL, INT, NUM, STR, array, enum, nullable, obj

V1 = "/api/v1"
DAY = {"type": "string", "pattern": r"^(\+1-)?\d{2}-\d{2}$",
       "description": "MM-DD of the credit year, or +1-MM-DD of the year after."}
DATE = {"type": "string", "format": "date"}
HOURS = {"type": "number", "minimum": 0, "maximum": 1000}
TYPES = ("gongxu", "zhuanye", "xuanxiu")
RULES = obj({
    "prefix": {"type": "string", "pattern": r"^(\d{2}|\d{4}|\d{6})?$",
               "description": "The GB/T 2260 prefix the set covers; empty for the national set."},
    "effective_from": {**DATE, "description": "The set governs credit years ending on or after this day."},
    "name": STR, "source": {**STR, "description": "Where the rules come from."},
    "minutes_per_hour": {"type": "number", "exclusiveMinimum": 0, "maximum": 120},
    "required_hours": obj({**{kind: HOURS for kind in TYPES}, "total": HOURS},
                          description="学时 a credit year requires per subject type and in total."),
    "total_covers_parts": {**BOOL, "description": "The total is at least the sum of the types."},
    "windows": {"type": "object", "additionalProperties": obj({"start": DAY, "end": DAY}),
                "propertyNames": enum(*TYPES),
                "description": "A type's credit year when it is not the calendar year."},
    "lock": nullable(DAY), "test_required": BOOL, "daily_cap_hours": nullable(NUM),
}, {
    "declared_hours_per_half_day": {**NUM, "description": "学时 per half-day of a declared training (4 when absent)."},
    "declared_max_hours_per_day": {**NUM, "description": "The most 学时 declared per day (8 when absent)."},
    "checks": {"type": "object", "propertyNames": enum("question", "face"), "additionalProperties": obj({}, {
        "enabled": BOOL,
        "per_hour": {"type": "number", "exclusiveMinimum": 0, "maximum": 60,
                     "description": "Checks per hour of video (4 when absent)."},
        "window_seconds": {"type": "integer", "minimum": 10, "maximum": 600,
                           "description": "Seconds to answer a check once it is due (60 when absent)."},
        "misses_allowed": {"type": "integer", "minimum": 0, "maximum": 100,
                           "description": "Failed or missed checks a course may have before it is flagged "
                                          "for review (2 when absent)."}}),
               "description": "Server-scheduled checks during video study (issue 19): question 随堂弹题, "
                              "face 人脸抓拍. A kind left out is off; absent when both are off."},
    "carry_over": obj({}, {"enabled": BOOL, "types": {**array(enum(*TYPES)), "uniqueItems": True},
                           "max_hours": HOURS},
                      description="一人一档 (issue 21): surplus 学时 of the named types carried into the next "
                                  "year only, at most max_hours a year; absent when off."),
    "review_years": {"type": "integer", "minimum": 1, "maximum": 10,
                     "description": "The 职称 look-back: the years that must each meet the requirement "
                                    "(4 when absent)."},
}, description="A rule set version in its JSON form (core.policy.ruledata).")
RULES_IN = {**RULES, "required": ["effective_from", "minutes_per_hour"],
            "description": "A version to store; the path's prefix wins over the body's. Missing requirements "
                           "are 0, a missing total the sum, missing windows the calendar year."}
EFFECTIVE = obj({
    "region": nullable(STR), "year": INT,
    "prefix": {**STR, "description": "The prefix of the set that governs (empty: the national set)."},
    "rules": RULES,
    "dates": obj({"windows": obj({kind: obj({"start": DATE, "end": DATE}) for kind in TYPES}),
                  "lock": nullable(DATE)}, description="The year's concrete dates (Asia/Shanghai)."),
})
VERSIONS = obj({"prefix": STR, "versions": array(RULES)})
RULE_ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})


def _error(description: str) -> dict:
    return json_response(description, RULE_ERROR)


def paths() -> dict:
    prefix = path_param("prefix", {"type": "string", "pattern": r"^(\d{2}|\d{4}|\d{6}|national)$"},
                        "Two, four or six digits of a GB/T 2260 area, or national.")
    one = f"{V1}/admin/rules/{{prefix}}"
    return {
        f"{V1}/rules": {"get": operation(
            "getEffectiveRules", "The rules in force for a region and credit year, and where they come from",
            "rules", {"200": json_response("The governing rule set with its concrete dates.", EFFECTIVE),
                      "400": _error("invalid_region or invalid_year (field names it).")},
            security=PUBLIC, parameters=[
                query("region", STR, "Six-digit GB/T 2260 region code; without it the national set."),
                query("year", INT, "Credit year (2000-2100); defaults to this year (Asia/Shanghai).")])},
        one: {
            "get": operation(
                "getRuleVersions", "Every stored version of a prefix's rules", "rules",
                for_role({"200": json_response("The versions, oldest first.", VERSIONS),
                          "400": _error("The prefix is not two, four or six digits (code invalid_rules)."),
                          "404": _error("Nothing stored under this prefix (code not_found).")}),
                security=SIGNED_IN, parameters=[prefix], description="Admins only."),
            "put": operation(
                "putRuleVersion", "Create or replace the version of a prefix taking effect on a date", "rules",
                for_role({"200": json_response("Replaced (or unchanged).", RULES),
                          "201": json_response("Created.", RULES),
                          "400": _error("invalid_rules (field names what is wrong, e.g. prefix when it is no "
                                        "GB/T 2260 area) or invalid_json: nothing saved."),
                          "409": _error("locked_year: the change would alter a credit year already locked for "
                                        "the regions of the prefix; nothing saved.")}),
                security=SIGNED_IN_WRITE, parameters=[prefix],
                body={"required": True, "content": {"application/json": {"schema": RULES_IN}}},
                description="Admins only. Audited with the version before and after. Credit already earned "
                            "is never rewritten."),
            "delete": operation(
                "deleteRuleVersions", "Delete one version of a prefix's rules, or all of them", "rules",
                for_role({"200": json_response("The deleted versions.", VERSIONS),
                          "400": _error("The prefix or effective_from is malformed (code invalid_rules)."),
                          "404": _error("No such version (code not_found)."),
                          "409": _error("last_national: the national set keeps a version; locked_year: the "
                                        "deletion would alter a locked year. Nothing deleted.")}),
                security=SIGNED_IN_WRITE, parameters=[prefix, query(
                    "effective_from", DATE, "The version to delete; without it every version of the prefix.")],
                description="Admins only. Audited."),
        },
    }
