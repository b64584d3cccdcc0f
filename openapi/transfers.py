"""The v1 calls of moving province (外省学时转入, issue 21, transfers.transfers_api), schemas
inline: the trainee's requests and the bureau's review."""
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, for_role, json_response, operation, path_param
from openapi.schemas import INT, NUM, STR, SUBJECT_TYPE, array, enum, nullable, obj

V1 = "/api/v1"
TIME = {"type": "string", "format": "date-time"}
STATUS = {**enum("pending", "accepted", "rejected", "withdrawn"),
          "description": "pending 待人社部门审核, accepted 已转入 (the accepted lines credited), rejected 未通过 "
                         "(reason says why), withdrawn 已撤回."}
LINE = obj({"id": INT, "year": {**INT, "description": "The credit year the hours count toward."},
            "subject_type": SUBJECT_TYPE, "claimed_hours": NUM,
            "accepted_hours": nullable({**NUM, "description": "What the officer confirmed (0: not transferred); "
                                                              "null until decided."})})
FILE = obj({"id": INT, "name": STR, "content_type": enum("image/jpeg", "image/png", "application/pdf"),
            "size": INT, "sha256": STR, "url": {**STR, "description": "The file, for the trainee and the "
                                                                     "officers of their region only (a download)."}})
TRANSFER = obj({
    "id": INT, "status": STATUS, "old_province": {**STR, "description": "Two digits of GB/T 2260."},
    "reference": {**STR, "description": "Another platform's verify link or certificate number, as given."},
    "reason": {**STR, "description": "A rejection's reason."}, "created_at": TIME, "decided_at": nullable(TIME),
    "lines": array(LINE), "files": array(FILE)},
    {"trainee": obj({"id": INT, "real_name": STR, "id_number": {**STR, "description": "Masked."},
                     "region_code": STR})},
    description="A request to bring earlier years' 学时 from another province.")
COUNTED = obj({"status": enum("counted"), "certificate": STR, "year": INT, "hours": NUM},
              description="A certificate of this platform and of the caller: its hours are in the ledger already; "
                          "nothing written.")
LIST = obj({"transfers": array(TRANSFER)})
ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})
NEW = {"type": "object", "required": ["old_province"], "properties": {
    "old_province": {**STR, "description": "Two digits of GB/T 2260, not the caller's own province."},
    "year": {"type": "array", "items": STR, "description": "One per line, with subject_type and hours in the same "
                                                           "order: this credit year or one of the nine before."},
    "subject_type": {"type": "array", "items": SUBJECT_TYPE},
    "hours": {"type": "array", "items": STR, "description": "学时, one decimal, more than 0 and at most 200."},
    "reference": {**STR, "maxLength": 500, "description": "A verify link or certificate number. One of this "
                                                          "platform is checked at once, never reviewed."},
    "files": {"type": "array", "maxItems": 5,
              "items": {"type": "string", "contentMediaType": "application/octet-stream"},
              "description": "The old province's 学时证明: JPEG, PNG or PDF, each at most 10 MB, checked by content. "
                             "Files or a reference are needed."}}}
DECISION = {"type": "object", "required": ["accept"], "properties": {
    "accept": {"type": "boolean"},
    "hours": {"type": "object", "additionalProperties": {"type": ["number", "string"]},
              "description": "The hours accepted per line id (absent: 0), each at most the line's claim."},
    "reason": nullable({**STR, "description": "Required when accept is false."})}}
ID = [path_param("request_id", INT, "The request's id.")]


def _error(description: str) -> dict:
    return json_response(description, ERROR)


def paths() -> dict:
    mine = f"{V1}/me/transfers"
    return {
        mine: {
            "get": operation("listMyTransfers", "The trainee's transfer requests, newest first", "learning",
                             for_role({"200": json_response("The requests.", LIST)}), security=SIGNED_IN),
            "post": operation(
                "askTransfer", "Ask to bring earlier years' hours from another province", "learning",
                for_role({"200": json_response("A certificate of the caller's own on this platform.", COUNTED),
                          "201": json_response("Asked; waiting for the bureau of the caller's region.", TRANSFER),
                          "409": _error("already_claimed: a pending or accepted line holds a year and type."),
                          "413": _error("too_large: the request is larger than five files."),
                          "422": _error("invalid_province, same_province, no_lines, invalid_year, "
                                        "invalid_subject_type, invalid_hours, duplicate_line, invalid_lines, "
                                        "invalid_file(s), no_evidence; for a certificate of this platform "
                                        "certificate_not_found, certificate_invalid, certificate_superseded, "
                                        "not_your_certificate (audited). Nothing else saved.")}),
                security=SIGNED_IN_WRITE,
                body={"required": True, "content": {"multipart/form-data": {"schema": NEW}}},
                description="Trainees. Each accepted line becomes one credit record of basis transfer."),
        },
        f"{mine}/{{request_id}}": {"get": operation(
            "getMyTransfer", "One of the trainee's transfer requests", "learning",
            for_role({"200": json_response("The request.", TRANSFER),
                      "404": _error("Not the trainee's (code not_found).")}),
            security=SIGNED_IN, parameters=ID)},
        f"{mine}/{{request_id}}/withdraw": {"post": operation(
            "withdrawTransfer", "Withdraw a pending transfer request", "learning",
            for_role({"200": json_response("Withdrawn.", TRANSFER),
                      "404": _error("Not the trainee's (code not_found)."),
                      "409": _error("not_pending: decided or withdrawn already.")}),
            security=SIGNED_IN_WRITE, parameters=ID)},
        f"{V1}/bureau/transfers": {"get": operation(
            "listBureauTransfers", "Pending transfer requests of trainees now in the region", "bureau",
            for_role({"200": json_response("Oldest first.", LIST)}), security=SIGNED_IN,
            description="Bureau officers: their region's (an API token's narrower region, if it has one).")},
        f"{V1}/bureau/transfers/{{request_id}}/decision": {"post": operation(
            "decideTransfer", "Accept the hours confirmed per line, or reject with a reason", "bureau",
            for_role({"200": json_response("The request as it now is.", TRANSFER),
                      "400": _error("invalid_json: the body is no JSON object."),
                      "403": _error("out_of_region: the trainee is outside the officer's region."),
                      "404": _error("No such request (code not_found)."),
                      "409": _error("not_pending: decided or withdrawn already; already_credited: another "
                                    "accepted request credited a line's year and type."),
                      "422": _error("invalid_accept, invalid_hours (above the claim), nothing_accepted, "
                                    "invalid_reason (a rejection needs one).")}),
            security=SIGNED_IN_WRITE, parameters=ID,
            body={"required": True, "content": {"application/json": {"schema": DECISION}}},
            description="Audited; accepted lines become credit records of basis transfer in their years; the "
                        "trainee is notified either way.")},
    }
