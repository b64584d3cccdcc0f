"""The v1 calls of a trainee's face-check consent and reference photo (issue 19,
faces.my_face_api), with their schemas inline."""
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, error, json_response, operation, shared, signed_in
from openapi.schemas import DATETIME, STR, enum, nullable, obj

V1 = "/api/v1"


def enum_or_null(*values: str) -> dict:
    return {"type": ["string", "null"], "enum": [*values, None]}


FACE = obj({
    "status": {**enum("enrolled", "consented", "human_route", "not_asked"),
               "description": "enrolled: face checks run; consented: no reference photo yet; human_route: "
                              "consent declined or withdrawn, the unit administrator checks the trainee in "
                              "person; not_asked: no choice made."},
    "consent": enum_or_null("given", "declined", "withdrawn"),
    "consent_at": nullable(DATETIME),
    "enrolled_at": nullable(DATETIME),
    "source": {**enum_or_null("camera", "upload", "unit"),
               "description": "Where the reference photo came from; unit: the unit administrator's upload."},
}, description="The caller's face-check status. The embedding and the photo never leave the server.")
FIELD_ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})},
                  description="An error; field names the part of the request at fault (agree, photo).")
REFUSALS = ("not_an_image (not a JPEG or PNG Pillow can read), no_face (a drawing or cartoon too), several_faces, "
            "face_too_small, face_blurred")


def paths() -> dict:
    trainee = {"403": shared("Forbidden")}
    return {
        f"{V1}/me/face": {
            "get": operation("getFace", "The caller's face-check status", "faces",
                             signed_in({"200": json_response("The status.", FACE), **trainee}), security=SIGNED_IN),
            "delete": operation(
                "withdrawFace", "Withdraw consent: the reference photo, its embedding and the captures are deleted",
                "faces", signed_in({"200": json_response("The status (human_route).", FACE), **trainee,
                                    "409": error("Consent was not given (code no_consent).")}),
                security=SIGNED_IN_WRITE),
        },
        f"{V1}/me/face/consent": {"put": operation(
            "consentFace", "Agree to face checks, or decline them for the in-person route", "faces",
            signed_in({"200": json_response("The status.", FACE), **trainee,
                       "422": json_response("agree is not a boolean (code invalid_agree).", FIELD_ERROR)}),
            security=SIGNED_IN_WRITE,
            body={"required": True, "content": {"application/json": {"schema": obj({"agree": {"type": "boolean"}})}}},
            description="Declining tells the caller's unit administrators, who confirm the caller in person.")},
        f"{V1}/me/face/reference": {"put": operation(
            "enrolFace", "Send the reference photo: exactly one clear face", "faces",
            signed_in({"200": json_response("The status (enrolled).", FACE), **trainee,
                       "409": error("Consent was not given (code no_consent)."),
                       "413": error("Larger than FACE_MAX_IMAGE_BYTES (code image_too_large)."),
                       "429": error("More tries in the hour than FACE_ENROL_RATE_LIMIT allows, refused ones "
                                    "too (code too_many_attempts; Retry-After says when to try again)."),
                       "422": json_response(f"The photo cannot be a reference; the code says why: {REFUSALS}.",
                                            FIELD_ERROR)}),
            security=SIGNED_IN_WRITE,
            body={"required": True, "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}}}})},
    }
