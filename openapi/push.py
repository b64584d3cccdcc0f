"""The v1 calls of push reconciliation (push.push_api, docs/sync.md 推送), with their schemas
inline: a day's digest of an endpoint's events, and the receiver's ids compared with ours."""
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, error, for_role, json_response, operation, path_param
from openapi.schemas import INT, STR, array, obj

V1 = "/api/v1"
DIGEST = {
    "endpoint_id": INT,
    "day": {"type": "string", "format": "date", "description": "The China calendar day (Asia/Shanghai)."},
    "count": {**INT, "description": "How many events were written for the endpoint that day."},
    "sha256": {**STR, "description": "SHA-256 (hex) of the day's event ids, sorted and joined by a newline."},
}
IDS = {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64}, "maxItems": 100000}
ERRORS = {
    "403": error("Not a bureau officer (code forbidden), or the endpoint's region outside the officer's (and "
                 "token's) scope (code forbidden_region)."),
    "404": error("No such endpoint (code not_found)."),
}
DESCRIPTION = ("Authenticated as the pull API: a bureau officer's Bearer token whose scope covers the "
               "endpoint's region. Events count for the China day on which they were written.")


def paths() -> dict:
    params = [path_param("endpoint_id", INT, "The push endpoint."),
              path_param("day", {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "YYYY-MM-DD, China time.")]
    base = f"{V1}/push/endpoints/{{endpoint_id}}/days/{{day}}"
    return {
        f"{base}/digest": {"get": operation(
            "getPushDigest", "A day's digest of a push endpoint's events", "push",
            for_role({"200": json_response("The digest.", obj(DIGEST)), **ERRORS,
                      "422": error("invalid_day.")}),
            security=SIGNED_IN, parameters=params, description=DESCRIPTION)},
        f"{base}/reconcile": {"post": operation(
            "reconcilePushDay", "Compare the receiver's event ids of a day with ours; resend what it lacks", "push",
            for_role({"200": json_response(
                "missing: our ids it lacks, queued to be sent again; unknown: its ids we never wrote that day.",
                obj({**DIGEST, "missing": array(STR), "unknown": array(STR)})), **ERRORS,
                "422": error("invalid_day or invalid_ids.")}),
            security=SIGNED_IN_WRITE, parameters=params, description=DESCRIPTION,
            body={"required": True, "content": {"application/json": {"schema": obj({"ids": IDS})}}})},
    }
