"""The v1 calls of the caller's own account (accounts.account_api: 职称, phone, e-mail) and of
忘记密码 (recovery.forgot_api: a mailed link, an SMS code), with their bodies inline."""
from openapi.build import PUBLIC, SIGNED_IN_WRITE, json_response, operation, shared, signed_in
from openapi.schemas import STR, obj, ref

V1 = "/api/v1"
OK = obj({"ok": {"type": "boolean", "const": True}})
ASKED = "Asked; the same answer whether or not an account matches (nothing tells which)."
FIELD_ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})


def error(description: str) -> dict:
    """An error that may name the body's ``field`` it is about."""
    return json_response(description, FIELD_ERROR)


def _body(schema: dict, description: str = "") -> dict:
    body = {"required": True, "content": {"application/json": {"schema": schema}}}
    if description:
        body["description"] = description
    return body


def _me_change(operation_id: str, summary: str, fields: dict, description: str, extra: dict) -> dict:
    return operation(
        operation_id, summary, "profile",
        signed_in({"200": json_response("The caller's profile after the change.", ref("Me")),
                   "400": error("The body is not a JSON object (code invalid_json)."), **extra}),
        security=SIGNED_IN_WRITE, body=_body(obj(fields)), description=description)


def paths() -> dict:
    password = {"password": {**STR, "description": "The caller's current password."}}
    return {
        f"{V1}/me": {"patch": _me_change(
            "updateMe", "Change the caller's 职称",
            {"title": {**STR, "maxLength": 64, "description": "Empty clears it."}},
            "Audited title_changed.", {"422": error("invalid_title.")})},
        f"{V1}/me/phone": {"put": _me_change(
            "updatePhone", "Change the caller's sign-in phone number, with the password",
            {"phone": {**STR, "description": "11 digits, starting with 1."}, **password},
            "Audited phone_changed (both numbers masked). Rate limited as signing in.",
            {"403": error("The password is wrong (code wrong_password)."),
             "409": error("Another account holds the number (code phone_taken)."),
             "422": error("invalid_phone or password_required."), "429": shared("TooManyRequests")})},
        f"{V1}/me/email": {"put": _me_change(
            "updateEmail", "Set or clear the caller's e-mail address, with the password",
            {"email": {**STR, "description": "An address, or empty to clear it."}, **password},
            "Notices and password-reset links go to it. Audited email_changed (without the address).",
            {"403": error("The password is wrong (code wrong_password)."),
             "422": error("invalid_email or password_required."), "429": shared("TooManyRequests")})},
        **_recovery(),
    }


def _recovery() -> dict:
    new_password = {"password": {**STR, "minLength": 8, "maxLength": 128, "description": "The new password."}}
    limited = {"429": shared("TooManyRequests")}
    note = ("Anonymous and CSRF-free: the proof is in the body. A reset ends every session of the account "
            "(its watch sessions too).")
    return {
        f"{V1}/password/forgot": {"post": operation(
            "forgotPassword", "Mail a one-use password-reset link", "recovery",
            {"202": json_response(ASKED, OK), "422": error("invalid_identifier."), **limited}, security=PUBLIC,
            body=_body(obj({"identifier": {**STR, "description": "ID number or phone."}})),
            description="The link goes to the account's e-mail address, if it has one and mail is on; it "
                        "lives PASSWORD_RESET_MINUTES and works once. Rate limited per address and per account.")},
        f"{V1}/password/reset": {"post": operation(
            "resetPassword", "Set a new password with a mailed link's token", "recovery",
            {"200": json_response("The password is set.", OK),
             "404": error("No such link (code link_invalid)."),
             "410": error("The link was used, or has expired (code link_used or link_expired)."),
             "422": error("invalid_password."), **limited}, security=PUBLIC,
            body=_body(obj({"token": {**STR, "description": "The last segment of the mailed link."},
                            **new_password})), description=note)},
        f"{V1}/password/sms": {"post": operation(
            "smsPasswordCode", "Text a password-reset code to a phone", "recovery",
            {"202": json_response(ASKED, OK), "404": error("SMS is not configured (code sms_off)."),
             "422": error("invalid_phone."), **limited}, security=PUBLIC,
            body=_body(obj({"phone": STR})),
            description="Six digits, valid SMS_CODE_MINUTES; a new code replaces the last. Rate limited per "
                        "phone and per address.")},
        f"{V1}/password/sms/reset": {"post": operation(
            "smsResetPassword", "Set a new password with the phone's code", "recovery",
            {"200": json_response("The password is set.", OK), "404": error("SMS is not configured (code sms_off)."),
             "422": error("code_invalid (wrong, spent, expired or too many tries), invalid_phone or "
                          "invalid_password."), **limited}, security=PUBLIC,
            body=_body(obj({"phone": STR, "code": STR, **new_password})),
            description=note + " A wrong code counts against it (SMS_CODE_ATTEMPTS).")},
    }
