"""The v1 calls of a unit administrator for their unit's people (issue 15, staff.staff_api),
schemas inline: the roster with each person's credit year, the pending links and the
decisions on them, 催学."""
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, for_role, json_response, operation, path_param, query
from openapi.schemas import BOOL, DATETIME, ERROR, INT, NUM, STR, URL, array, enum, nullable, obj
from openapi.units import UNIT_ERROR

V1 = "/api/v1/unit/staff"
MASKED = {**STR, "description": "Masked: region prefix and last four characters."}
HOURS = obj({"credited_hours": NUM, "required_hours": NUM, "met": BOOL})
PERSON = obj({
    "user_id": INT, "name": STR, "id_number": MASKED, "phone": STR, "title": STR, "region_code": STR,
    "types": obj({"gongxu": HOURS, "zhuanye": HOURS, "xuanxiu": HOURS},
                 description="学时 per subject type, credited and required by the rules of the person's region."),
    "total": obj({"credited_hours": NUM, "required_hours": NUM}),
    "met": {**BOOL, "description": "达标: every type and the total met."},
    "short_types": array(enum("gongxu", "zhuanye", "xuanxiu")),
}, description="A confirmed person of the unit and their credit year.")
ROSTER = obj({"year": INT, "staff": array(PERSON), "total": INT, "page": INT, "pages": INT,
              "next": nullable(URL), "prev": nullable(URL)})
LINK = obj({"id": INT, "status": enum("pending", "confirmed", "rejected"), "reason": STR, "requested_at": DATETIME,
            "decided_at": nullable(DATETIME),
            "user": obj({"id": INT, "name": STR, "id_number": MASKED, "phone": STR, "title": STR})},
           description="A trainee's request to be the unit's staff.")
REMINDED = obj({"year": INT, "sent": INT, "skipped": {**INT, "description": "Already 达标: not reminded."}})
RESET = obj({"user_id": INT, "name": STR, "one_time_password": STR, "must_change_password": BOOL})
LINK_ID = [path_param("link_id", INT, "The link's id (GET /api/v1/unit/staff/pending).")]


def _error(description: str) -> dict:
    return json_response(description, UNIT_ERROR)


NOT_FOUND = json_response("No such link, or another unit's (code not_found): the same answer.", ERROR)
DECIDED = json_response("already_decided: the link is no longer pending.", ERROR)


def _roster() -> dict:
    return {"get": operation(
        "listUnitStaff", "The unit's confirmed staff and their credit year", "unit",
        for_role({"200": json_response("One page (50 people) by name.", ROSTER),
                  "422": _error("invalid_year (2000 to 2100) or invalid_status.")}),
        security=SIGNED_IN, parameters=[
            query("year", STR, "The credit year; this year (China time) by default."),
            query("status", enum("all", "short", "finished"), "short: 未达标; finished: 已达标."),
            query("q", STR, "Part of the name or the phone number. A search is audited."),
            query("page", INT, "From 1.")],
        description="Unit administrators only, for their own unit. Each person is judged by the rules "
                    "of their own region.")}


def paths() -> dict:
    reject_body = {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 200}}}}}}
    remind_body = {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["user_ids"],
        "properties": {"user_ids": array(INT, minItems=1, maxItems=1000), "year": INT}}}}}
    return {
        V1: _roster(),
        f"{V1}/pending": {"get": operation(
            "listUnitPendingLinks", "Requests to join the unit, waiting for a decision", "unit",
            for_role({"200": json_response("Oldest first.", obj({"links": array(LINK)}))}), security=SIGNED_IN)},
        f"{V1}/links/{{link_id}}/confirm": {"post": operation(
            "confirmUnitLink", "Confirm a request: the trainee is the unit's staff", "unit",
            for_role({"200": json_response("The link as it now is.", LINK), "404": NOT_FOUND, "409": DECIDED}),
            security=SIGNED_IN_WRITE, parameters=LINK_ID,
            description="The trainee gets a notice; audited unit_link_confirmed.")},
        f"{V1}/links/{{link_id}}/reject": {"post": operation(
            "rejectUnitLink", "Reject a request, with a reason", "unit",
            for_role({"200": json_response("The link as it now is.", LINK), "404": NOT_FOUND, "409": DECIDED,
                      "400": _error("invalid_json: the body is no JSON object."),
                      "422": _error("reason_required or reason_too_long (200 characters); nothing changed.")}),
            security=SIGNED_IN_WRITE, parameters=LINK_ID, body=reject_body,
            description="The trainee gets a notice with the reason; audited unit_link_rejected.")},
        f"{V1}/remind": {"post": operation(
            "remindUnitStaff", "催学: remind the selected staff who are short of the year", "unit",
            for_role({"200": json_response("Notices sent, and people skipped.", REMINDED),
                      "400": _error("invalid_json: the body is no JSON object."),
                      "404": json_response("Someone named is not confirmed staff of the unit (code not_found); "
                                           "nobody is reminded.", ERROR),
                      "422": _error("no_staff_selected, invalid_user_ids or invalid_year.")}),
            security=SIGNED_IN_WRITE, body=remind_body,
            description="A study_reminder notice to each person short of the year (this year by default); "
                        "audited study_reminder_sent with the count.")},
        f"{V1}/{{user_id}}/password-reset": {"post": operation(
            "resetUnitStaffPassword", "Reset a staff member's password to a one-time password", "unit",
            for_role({"200": json_response("The one-time password, shown this once (Cache-Control: no-store).",
                                           RESET),
                      "404": json_response("Not confirmed staff of the unit (code not_found).", ERROR)}),
            security=SIGNED_IN_WRITE,
            parameters=[path_param("user_id", INT, "The person's id (the roster's user_id).")],
            description="The person must change it at the next sign-in; every session of theirs ends. Audited "
                        "password_reset_by_admin (without the password).")},
    }
