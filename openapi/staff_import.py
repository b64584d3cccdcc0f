"""The v1 call of a unit's bulk staff import (issue 15, staff.staff_import), schemas inline:
a unit administrator sends an XLSX, dry run by default."""
from openapi.build import SIGNED_IN_WRITE, for_role, json_response, operation
from openapi.schemas import BOOL, ERROR, INT, STR, array, enum, obj

V1 = "/api/v1"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD = {"type": "string", "enum": ["", "real_name", "id_number", "phone", "title"],
         "description": "The column at fault (姓名, 身份证号, 手机号, 职称); empty for the file or its header."}
ROW_ERROR = obj({"row": {**INT, "description": "The spreadsheet's row number (the header is row 1)."},
                 "field": FIELD, "code": enum(
                     "missing_header", "no_rows", "too_many_rows", "invalid_name", "invalid_id_number",
                     "invalid_phone", "invalid_title", "duplicate_id_number", "duplicate_phone",
                     "id_number_taken", "phone_taken"),
                 "message": {**STR, "description": "In Chinese, fit to show the person who filled the file."}})
CREATED = obj({"id": INT, "real_name": STR,
               "id_number": {**STR, "description": "Masked: region prefix and last four characters."},
               "phone": STR, "title": STR,
               "password": {**STR, "description": "The one-time password, given only in this answer; "
                                                  "it must be changed at first login."}},
              description="A trainee account the import made, linked to the unit and confirmed.")
REPORT = {"ok": {**BOOL, "description": "The whole file is clean."}, "rows": INT, "errors": array(ROW_ERROR),
          "created": array(CREATED)}
BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "contentMediaType": XLSX_TYPE,
                 "description": "The filled template: 姓名, 身份证号, 手机号 and optionally 职称; at most 2 MB "
                                "and 2,000 people."},
        "dry_run": {"type": "string", "enum": ["true", "false"], "default": "true",
                    "description": "true (the default): only check. false: create every account, or none."}}}}}}


def paths() -> dict:
    return {f"{V1}/unit/staff/import": {"post": operation(
        "importUnitStaff", "Check or import the unit's staff from XLSX", "unit",
        for_role({
            "200": json_response("The dry run's report; nothing created.", obj(REPORT)),
            "201": json_response("The whole file was clean: every account is created, with its one-time "
                                 "password (answered once, not cached).", obj(REPORT)),
            "404": json_response("The administrator's unit no longer exists (code not_found).", ERROR),
            "409": json_response("conflict: someone registered one of the ID numbers or phones during the "
                                 "import; nothing created.", ERROR),
            "422": json_response("missing_file, or invalid_xlsx (not an XLSX, over 2 MB, a zip bomb); or "
                                 "invalid_rows with the report when dry_run is false: nothing created.",
                                 {"anyOf": [ERROR, obj({"error": ERROR["properties"]["error"], **REPORT})]}),
        }), security=SIGNED_IN_WRITE, body=BODY,
        description="Unit administrators only. Checks every row (name, ID number with its check digit, "
                    "mobile phone, title; duplicates within the file; ID numbers and phones already "
                    "registered) and creates trainee accounts only when there is no error at all, each "
                    "linked to the unit and confirmed, must_change_password set. Audited staff_imported.")}}
