"""The v1 calls of offline 学时登记 (issue 15, declarations.declarations_api), schemas inline:
the trainee's declarations, the unit's 初审 and the bureau's 复审."""
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, for_role, json_response, operation, path_param
from openapi.schemas import INT, NUM, STR, SUBJECT_TYPE, array, enum, nullable, obj

V1 = "/api/v1"
DATE = {"type": "string", "format": "date"}
STATUS = {**enum("unit_review", "bureau_review", "returned", "approved", "withdrawn"),
          "description": "unit_review 单位初审中, bureau_review 人社部门复审中, returned 已退回 (reason says why), "
                         "approved 已通过 (credited), withdrawn 已撤回."}
FILE = obj({"id": INT, "name": STR, "content_type": enum("image/jpeg", "image/png", "application/pdf"),
            "size": INT, "sha256": STR, "url": {**STR, "description": "The file, for the declarant and its "
                                                                     "reviewers only (a download)."}})
STEP = obj({"by": enum("trainee", "unit", "bureau"),
            "action": enum("submitted", "resubmitted", "unit_approved", "returned", "approved", "withdrawn"),
            "reason": STR, "at": {"type": "string", "format": "date-time"}})
DECLARATION = obj({
    "id": INT, "status": STATUS, "year": {**INT, "description": "The credit year it counts toward."},
    "title": STR, "organiser": STR, "place": STR, "start_date": DATE, "end_date": DATE, "subject_type": SUBJECT_TYPE,
    "hours": NUM, "default_hours": {**NUM, "description": "What the rule gives for the dates (4 per half-day)."},
    "hours_reason": STR, "reason": {**STR, "description": "The latest return's reason."},
    "unit": obj({"id": INT, "name": STR}), "region_code": STR,
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "files": array(FILE), "steps": array(STEP)},
    {"trainee": obj({"id": INT, "real_name": STR, "id_number": {**STR, "description": "Masked."}})},
    description="An offline training declared for 学时 (学时登记).")
LIST = obj({"declarations": array(DECLARATION)})
ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})
NEW = {"type": "object", "required": ["title", "organiser", "start_date", "end_date", "subject_type", "pledge",
                                      "files"],
       "properties": {
           "title": {"type": "string", "maxLength": 200}, "organiser": {"type": "string", "maxLength": 128},
           "place": {"type": "string", "maxLength": 128}, "start_date": DATE, "end_date": DATE,
           "subject_type": SUBJECT_TYPE,
           "hours": {"type": "string", "description": "学时, one decimal; empty takes the rule's default. At most "
                                                      "the default (8 a day); a changed value needs hours_reason."},
           "hours_reason": STR,
           "pledge": {"type": "string", "enum": ["y", "true", "1"], "description": "本人承诺以上信息属实."},
           "files": {"type": "array", "minItems": 1, "maxItems": 5,
                     "items": {"type": "string", "contentMediaType": "application/octet-stream"},
                     "description": "JPEG, PNG or PDF, each at most DECLARATION_MAX_FILE_BYTES (10 MB), checked by "
                                    "content."}}}
DECISION = {"type": "object", "required": ["approve"], "properties": {
    "approve": {"type": "boolean"}, "reason": nullable({**STR, "description": "Required when approve is false."})}}
ID = [path_param("declaration_id", INT, "The declaration's id.")]


def _error(description: str) -> dict:
    return json_response(description, ERROR)


def _decision(operation_id: str, who: str, tag: str, scope: dict) -> dict:
    return operation(
        operation_id, f"The {who}'s decision: approve, or return with a reason", tag,
        for_role({"200": json_response("The declaration as it now is.", DECLARATION),
                  "400": _error("invalid_json: the body is no JSON object."),
                  "409": _error("not_pending: not waiting for this review; year_locked: the credit year is locked."),
                  "422": _error("invalid_approve, invalid_reason (a return needs one)."), **scope}),
        security=SIGNED_IN_WRITE, parameters=ID, body={"required": True, "content": {
            "application/json": {"schema": DECISION}}},
        description=f"The {who} only; audited; a return notifies the trainee.")


def paths() -> dict:
    mine = f"{V1}/me/declarations"
    return {
        mine: {
            "get": operation("listMyDeclarations", "The trainee's declarations, newest first", "learning",
                             for_role({"200": json_response("The declarations.", LIST)}), security=SIGNED_IN),
            "post": operation(
                "declare", "Declare an offline training with evidence, for the unit's 初审", "learning",
                for_role({"201": json_response("Declared.", DECLARATION),
                          "409": _error("no_unit: no confirmed unit; year_locked or window_closed: the end "
                                        "date's credit year is closed."),
                          "413": _error("too_large: the request is larger than five files."),
                          "422": _error("invalid_<field>, invalid_hours, invalid_hours_reason, no_pledge, "
                                        "invalid_file, invalid_files; field names it. Nothing saved.")}),
                security=SIGNED_IN_WRITE,
                body={"required": True, "content": {"multipart/form-data": {"schema": NEW}}},
                description="Trainees with a confirmed unit. The credit year is the earliest open one of the end "
                            "date."),
        },
        f"{mine}/{{declaration_id}}": {"get": operation(
            "getMyDeclaration", "One of the trainee's declarations, with its files and steps", "learning",
            for_role({"200": json_response("The declaration.", DECLARATION),
                      "404": _error("Not the trainee's (code not_found).")}),
            security=SIGNED_IN, parameters=ID)},
        f"{mine}/{{declaration_id}}/withdraw": {"post": operation(
            "withdrawDeclaration", "Withdraw a declaration not yet approved", "learning",
            for_role({"200": json_response("Withdrawn.", DECLARATION),
                      "404": _error("Not the trainee's (code not_found)."),
                      "409": _error("not_open: approved or withdrawn already.")}),
            security=SIGNED_IN_WRITE, parameters=ID)},
        f"{V1}/unit/declarations": {"get": operation(
            "listUnitDeclarations", "The unit's declarations waiting for the 初审", "declarations",
            for_role({"200": json_response("Oldest first.", LIST)}), security=SIGNED_IN,
            description="Unit administrators: their unit's.")},
        f"{V1}/unit/declarations/{{declaration_id}}/decision": {"post": _decision(
            "decideUnitDeclaration", "unit administrator", "declarations",
            {"404": _error("Not a declaration of the administrator's unit (code not_found).")})},
        f"{V1}/bureau/declarations": {"get": operation(
            "listBureauDeclarations", "The region's declarations waiting for the 复审", "bureau",
            for_role({"200": json_response("Oldest first, with each unit's name.", LIST)}), security=SIGNED_IN,
            description="Bureau officers: their region's (an API token's narrower region, if it has one).")},
        f"{V1}/bureau/declarations/{{declaration_id}}/decision": {"post": _decision(
            "decideBureauDeclaration", "bureau officer", "bureau",
            {"403": _error("out_of_region: the declaration lies outside the officer's region."),
             "404": _error("No such declaration (code not_found).")})},
    }
