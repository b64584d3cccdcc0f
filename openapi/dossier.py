"""The v1 call of the trainee's 一人一档 (issue 21, learning.dossier_api), with its schema inline."""
from openapi.build import SIGNED_IN, for_role, json_response, operation
from openapi.schemas import BOOL, INT, NUM, array, enum, nullable, obj, ref

V1 = "/api/v1"
TYPES = ("gongxu", "zhuanye", "xuanxiu")
TYPE_YEAR = obj({"credited_hours": NUM, "carried_in_hours": NUM, "carried_out_hours": NUM, "counted_hours": NUM,
                 "required_hours": NUM},
                description="One subject type of a year: the year's own credit, surplus carried in from the year "
                            "before and out to the next, what the year counts (own + in − out), the requirement.")
YEAR = obj({
    "year": INT, "met": BOOL, "total_hours": NUM, "total_required_hours": NUM,
    "by_type": {"type": "object", "propertyNames": enum(*TYPES), "additionalProperties": TYPE_YEAR,
                "description": "Each type with a requirement or credit."},
    "by_origin": {"type": "object", "additionalProperties": NUM,
                  "propertyNames": enum("completion", "declared", "correction", "partner", "transfer"),
                  "description": "The year's own credit per origin (ledger basis)."},
}, description="One credit year under the rule set of the trainee's region for that year.")
ELIGIBILITY = obj({
    "eligible": BOOL, "review_years": INT,
    "years": {**array(INT), "description": "The years judged: the N before the current one, or the current one "
                                           "and the N − 1 before it once the current one is met."},
    "shortfalls": array(obj({"year": INT, "kind": {**enum(*TYPES, "total"), "description": "A subject type, or "
                                                   "total when the types do not account for it."},
                             "hours": NUM})),
}, description="The 职称 look-back (docs/rules.md rule 16): eligible when each of the years met the requirement; "
               "else the shortfalls of the N years before the current one.")
RECORD = obj({
    "current_year": INT, "years": {**array(YEAR), "description": "Newest first."}, "eligibility": ELIGIBILITY,
    "document": {**nullable(ref("Certificate")), "description": "The valid 继续教育登记 (kind record), if issued."},
})


def paths() -> dict:
    return {
        f"{V1}/me/record": {"get": operation(
            "getMyRecord", "The trainee's multi-year record (一人一档)", "learning",
            for_role({"200": json_response("Every credit year, the look-back and the issued record.", RECORD)}),
            security=SIGNED_IN, description="Trainees only (403 for other roles).")},
    }


