"""The v1 calls of accredited partner platforms (issue 21, partners.partner_api), schemas inline:
report a completion idempotently, read the partner's own reports, correct or withdraw one.
They take a partner token only (``Authorization: Bearer``), never a person's session."""
from openapi.build import json_response, operation, path_param, query, shared
from openapi.schemas import INT, NUM, STR, SUBJECT_TYPE, array, nullable, obj

V1 = "/api/v1/partner"
DATE = {"type": "string", "format": "date"}
AT = {"type": "string", "format": "date-time"}
PARTNER = [{"bearer": []}]
CORRECTION = obj({"id": INT, "hours": {**NUM, "description": "The change: negative cuts, positive adds."},
                  "reason": STR, "at": AT})
REPORT = obj({
    "id": INT, "status": {"type": "string", "enum": ["accepted"]}, "idempotency_key": STR,
    "trainee": obj({"name": STR, "id_number": {**STR, "description": "Masked."}}),
    "course_title": STR, "subject_type": SUBJECT_TYPE, "start_date": DATE, "end_date": DATE,
    "hours": {**NUM, "description": "学时 as reported."}, "certificate_number": STR,
    "year": {**INT, "description": "The credit year it counts toward, by the trainee's rule set."},
    "record_id": {**INT, "description": "The ledger row (basis partner)."}, "created_at": AT,
    "current_hours": {**NUM, "description": "The hours it gives now, corrections included."},
    "corrections": array(CORRECTION)},
    description="A completion the partner reported, as accepted.")
LIST = obj({"items": array(REPORT), "next_before": nullable({**INT, "description": "Pass as before= for the next "
                                                                                  "page; null on the last."})})
ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})
NEW = {"type": "object", "required": ["id_number", "name", "course_title", "subject_type", "start_date", "end_date",
                                      "hours", "certificate_number"],
       "properties": {
           "id_number": {"type": "string", "description": "The trainee's 18-character ID number (check digit "
                                                          "verified); a trainee of the partner's region."},
           "name": {"type": "string", "maxLength": 64, "description": "Must match the registered name."},
           "course_title": {"type": "string", "maxLength": 200}, "subject_type": SUBJECT_TYPE,
           "start_date": DATE, "end_date": DATE,
           "hours": {"type": "number", "exclusiveMinimum": 0, "description": "学时, at most one decimal."},
           "certificate_number": {"type": "string", "maxLength": 64,
                                  "description": "The partner's certificate: one report per number."}}}
FIX = {"type": "object", "required": ["reason"], "properties": {
    "hours": {"type": "number", "minimum": 0, "description": "The corrected total (not the change)."},
    "withdraw": {"type": "boolean", "description": "true takes the report's hours back to 0."},
    "reason": {"type": "string", "maxLength": 500}}}
ID = [path_param("report_id", INT, "The report's id.")]
KEY = {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 128},
       "description": "The partner's key for this completion: the same key and body answer again."}
REPLAYED = {"Idempotent-Replayed": {"schema": {"type": "string", "enum": ["true", "false"]},
                                    "description": "true when this answer repeats an earlier one."}}


def _error(description: str) -> dict:
    return json_response(description, ERROR)


def _auth(responses: dict) -> dict:
    return {**responses, "401": shared("Unauthorized")}


def paths() -> dict:
    one = {"200": json_response("The report.", REPORT),
           "404": _error("not_found: no such report of this partner (another partner's too).")}
    return {
        f"{V1}/completions": {
            "post": operation(
                "reportPartnerCompletion", "Report a completed course of a trainee", "partners",
                _auth({"201": json_response("Accepted (or the same key and body again).", REPORT, REPLAYED),
                       "400": _error("invalid_json: the body is no JSON object."),
                       "404": _error("trainee_not_found: no trainee with the ID number in the partner's region."),
                       "409": _error("idempotency_key_reused (another body), duplicate_completion (the certificate "
                                     "number was reported under another key: the message names the report), "
                                     "year_locked or window_closed."),
                       "422": _error("invalid_<field>, invalid_id_number (e.g. the check digit), name_mismatch, "
                                     "subject_type_not_accredited, outside_accreditation, hours_limit, "
                                     "invalid_idempotency_key. Nothing written.")}),
                security=PARTNER, parameters=[KEY], body={"required": True, "content": {
                    "application/json": {"schema": NEW}}},
                description="Each accepted report is one ledger row of basis partner; never a second one."),
            "get": operation(
                "listPartnerCompletions", "The partner's own reports, newest first", "partners",
                _auth({"200": json_response("50 at most.", LIST),
                       "422": _error("invalid_before.")}),
                security=PARTNER, parameters=[query("before", INT, "Only reports with an id below this.")]),
        },
        f"{V1}/completions/{{report_id}}": {"get": operation(
            "getPartnerCompletion", "One of the partner's reports, with its corrections", "partners",
            _auth(one), security=PARTNER, parameters=ID)},
        f"{V1}/completions/{{report_id}}/corrections": {"post": operation(
            "correctPartnerCompletion", "Correct or withdraw one of the partner's reports", "partners",
            _auth({"201": json_response("The report with the new correction.", REPORT),
                   "400": _error("invalid_json."), "404": one["404"],
                   "409": _error("unchanged, withdrawn (already), year_locked."),
                   "422": _error("invalid_correction (hours or withdraw, one of them), invalid_hours, invalid_reason, "
                                 "hours_limit.")}),
            security=PARTNER, parameters=ID, body={"required": True, "content": {"application/json": {"schema": FIX}}},
            description="Writes a correction row (basis correction) against the report's ledger row.")},
    }
