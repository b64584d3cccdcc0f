"""The v1 calls of the units (工作单位, issue 15, units.units_api), with their schemas inline:
search for anyone signed in, create and edit for bureau officers in their region and admins;
and the trainee's own unit, /api/v1/me/unit (units.my_unit_api: see, choose, leave)."""
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, for_role, json_response, operation, path_param, query, signed_in
from openapi.schemas import BOOL, DATETIME, INT, STR, array, nullable, obj

V1 = "/api/v1"
CODE = {"type": "string", "pattern": r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        "description": "统一社会信用代码 (GB 32100-2015), upper case, check character verified."}
REGION = {"type": "string", "pattern": r"^\d{6}$", "description": "Six-digit GB/T 2260 region code."}
UNIT = obj({"id": INT, "name": STR, "credit_code": CODE, "region_code": REGION, "address": STR,
            "active": {**BOOL, "description": "Inactive units are found only by those who may edit them."}},
           description="An employer (工作单位).")
UNIT_FIELDS = {
    "name": {"type": "string", "maxLength": 128},
    "credit_code": {"type": "string", "description": "18 characters; lower case and spaces are forgiven."},
    "region_code": {"type": "string", "description": "Six digits, within the bureau officer's region."},
    "address": {"type": "string", "maxLength": 255},
    "active": BOOL,
}
UNIT_NEW = {"type": "object", "properties": UNIT_FIELDS, "required": ["name", "credit_code", "region_code"]}
UNIT_CHANGE = {"type": "object", "properties": UNIT_FIELDS,
               "description": "The fields to change; those left out stay as they are."}
LINK = obj({"unit": obj({"id": INT, "name": STR, "credit_code": CODE}),
            "status": {"type": "string", "enum": ["pending", "confirmed", "rejected"],
                       "description": "pending until the unit's administrator confirms or rejects it."},
            "reason": {**STR, "description": "Why the unit rejected it; empty otherwise."},
            "requested_at": DATETIME, "decided_at": nullable(DATETIME)},
           description="The trainee's link to a unit: the current one, or the latest when it was rejected.")
MY_UNIT = obj({"link": nullable(LINK)})
CHOICE = {"type": "object", "properties": {"unit_id": {**INT, "description": "An active unit's id."}},
          "required": ["unit_id"]}
UNIT_ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})


def _error(description: str) -> dict:
    return json_response(description, UNIT_ERROR)


def _writes() -> dict:
    return {"400": _error("invalid_json: the body is no JSON object."),
            "409": _error("duplicate_credit_code: another unit holds the code (the message names it)."),
            "422": _error("invalid_credit_code (length, alphabet or check character), invalid_name, "
                          "invalid_region, invalid_address or invalid_active; field names it. Nothing saved.")}


def paths() -> dict:
    body = {"required": True, "content": {"application/json": {"schema": UNIT_NEW}}}
    change = {"required": True, "content": {"application/json": {"schema": UNIT_CHANGE}}}
    return {
        f"{V1}/units": {
            "get": operation(
                "searchUnits", "Search units by name or credit code", "units",
                signed_in({"200": json_response("Up to 50 units by name.", obj({"units": array(UNIT)})),
                           "422": _error("invalid_region: region is not a six-digit code.")}),
                security=SIGNED_IN, parameters=[
                    query("q", STR, "Part of the name, or the first characters of the credit code."),
                    query("region", STR, "A six-digit GB/T 2260 code: units of its area.")],
                description="Anyone signed in finds active units; bureau officers also their region's "
                            "inactive ones, admins all."),
            "post": operation(
                "createUnit", "Create a unit", "units",
                for_role({"201": json_response("Created.", UNIT), **_writes(),
                          "403": _error("out_of_region: region_code lies outside the officer's region.")}),
                security=SIGNED_IN_WRITE, body=body,
                description="Bureau officers (their region) and admins. Audited."),
        },
        f"{V1}/units/{{unit_id}}": {"patch": operation(
            "editUnit", "Change a unit's name, code, region, address or active flag", "units",
            for_role({"200": json_response("The unit as it now is.", UNIT), **_writes(),
                      "403": _error("out_of_region: the unit, or the region it would move to, lies outside the "
                                    "officer's region."),
                      "404": _error("No such unit (code not_found).")}),
            security=SIGNED_IN_WRITE, parameters=[path_param("unit_id", INT, "The unit's id.")], body=change,
            description="Bureau officers (their region) and admins. Audited with the fields before and after.")},
        **my_unit(),
    }


def my_unit() -> dict:
    """The trainee's own unit (units.my_unit_api)."""
    not_trainee = _error("not_trainee: only trainees have a unit.")
    return {f"{V1}/me/unit": {
        "get": operation(
            "getMyUnit", "The trainee's unit and the link's status", "accounts",
            signed_in({"200": json_response("The link, or null when none is current or rejected.", MY_UNIT)}),
            security=SIGNED_IN),
        "put": operation(
            "chooseMyUnit", "Choose a unit: a pending link until the unit confirms it", "accounts",
            signed_in({"200": json_response("The link now current (unchanged when the unit was already chosen).",
                                            MY_UNIT),
                       "400": _error("invalid_json: the body is no JSON object."), "403": not_trainee,
                       "404": _error("not_found: no such unit."),
                       "409": _error("conflict: another request changed the link at the same moment; retry."),
                       "422": _error("invalid_unit_id (not an integer) or inactive_unit. Nothing changed.")}),
            security=SIGNED_IN_WRITE, body={"required": True, "content": {"application/json": {"schema": CHOICE}}},
            description="Trainees only. The current link, if another unit's, is ended. Audited."),
        "delete": operation(
            "leaveMyUnit", "Leave the current unit", "accounts",
            signed_in({"200": json_response("The link shown now (null after leaving).", MY_UNIT),
                       "403": not_trainee}),
            security=SIGNED_IN_WRITE, description="Trainees only; nothing to leave changes nothing. Audited."),
    }}
