"""The v1 calls behind the scenes: studio (producers), review, videos and tus uploads."""
from core.xlsx import XLSX_TYPE
from courses.models import COURSE_STATUSES
from courses.studio.bank_xlsx import MAX_BYTES, MAX_ROWS
from openapi.build import (
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_WRITE,
    error,
    for_role,
    header,
    json_body,
    json_response,
    operation,
    path_param,
    query,
    shared,
    signed_in,
)
from openapi.schemas import ERROR, INT, STR, STUDIO_COURSE, array, enum, nullable, obj, ref

V1 = "/api/v1"
COURSE = path_param("course_id")
LESSON = path_param("lesson_id")
CONFLICT = error("Not allowed in the course's state, e.g. editing a course under review (code names it).")


def _course_op(operation_id: str, summary: str, ok: str = "200", **extra) -> dict:
    responses = for_role({ok: json_response("The course.", "StudioCourse"), "404": shared("NotFound"),
                          "409": CONFLICT})
    return operation(operation_id, summary, "studio", responses, security=SIGNED_IN_WRITE,
                     parameters=[COURSE], **extra)


def _lesson_op(operation_id: str, summary: str, schema: str = "StudioLesson", **extra) -> dict:
    responses = for_role({"200": json_response("The lesson.", schema), "404": shared("NotFound"),
                          "409": CONFLICT, "422": shared("Unprocessable")})
    return operation(operation_id, summary, "studio", responses, security=SIGNED_IN_WRITE,
                     parameters=[COURSE, LESSON], **extra)


def studio() -> dict:
    base = f"{V1}/studio/courses"
    invalid = shared("Unprocessable")
    captions_body = {"required": True, "content": {
        "text/vtt": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "contentMediaType": "text/vtt"}}}},
    }}
    return {
        base: {
            "get": operation("listStudioCourses", "The organisation's courses", "studio",
                             for_role({"200": json_response("The courses.", "StudioCourseList")}),
                             security=SIGNED_IN, parameters=[query("status", enum(*COURSE_STATUSES))]),
            "post": operation("createCourse", "Create a draft course", "studio", for_role({
                "201": json_response("The draft.", "StudioCourse"),
                "400": error("The body is not a JSON object (code invalid_json)."),
                "422": invalid}), security=SIGNED_IN_WRITE, body=json_body("CourseCreate"),
                description="403 no_organisation: the producer's account has no organisation."),
        },
        f"{base}/{{course_id}}": {
            "get": operation("getStudioCourse", "One of the organisation's courses", "studio",
                             for_role({"200": json_response("The course.", "StudioCourse"),
                                       "404": shared("NotFound")}), security=SIGNED_IN, parameters=[COURSE]),
            "patch": _course_op("updateCourse", "Change a draft's fields", body=json_body("CourseUpdate")),
            "delete": operation("deleteCourse", "Delete a draft", "studio", for_role({
                "204": {"description": "Deleted."}, "404": shared("NotFound"), "409": CONFLICT}),
                security=SIGNED_IN_WRITE, parameters=[COURSE]),
        },
        f"{base}/{{course_id}}/lessons": {"post": operation(
            "addLesson", "Append a lesson made of a ready video", "studio", for_role({
                "201": json_response("The lesson, and the course.", "StudioLessonCreated"),
                "404": shared("NotFound"), "409": CONFLICT, "422": invalid}),
            security=SIGNED_IN_WRITE, parameters=[COURSE], body=json_body("LessonCreate"))},
        f"{base}/{{course_id}}/lessons/order": {"put": _course_op(
            "reorderLessons", "Put the lessons in a new order", body=json_body("LessonOrder"))},
        f"{base}/{{course_id}}/lessons/{{lesson_id}}": {
            "patch": _lesson_op("renameLesson", "Rename a lesson", body=json_body("LessonRename")),
            "delete": _lesson_op("removeLesson", "Remove a lesson", "StudioCourse"),
        },
        f"{base}/{{course_id}}/lessons/{{lesson_id}}/captions": {
            "put": _lesson_op("putCaptions", "Upload the lesson's WebVTT captions", body=captions_body),
            "delete": _lesson_op("deleteCaptions", "Remove the lesson's captions"),
        },
        f"{base}/{{course_id}}/submit": {"post": _course_op("submitCourse", "Submit for review")},
        f"{base}/{{course_id}}/withdraw": {"post": _course_op("withdrawStudioCourse", "Withdraw the course")},
        f"{base}/{{course_id}}/revision": {"post": _course_op(
            "startRevision", "Start a draft revision of a published course", "201")},
        **bank(),
    }


# ---- a course's test in the studio: settings and question bank (docs/rules.md rule 13) ------

KINDS = ("single", "multiple", "judge")
PER_KIND = obj({kind: {"type": "integer", "minimum": 0} for kind in KINDS})
QUESTION_IN = {
    "kind": {**enum(*KINDS), "description": "单选, 多选, 判断."},
    "stem": {"type": "string", "description": "Unique in the course's bank (spacing ignored)."},
    "options": array(STR, minItems=2, maxItems=8, description="判断: [\"正确\", \"错误\"] (may be left out)."),
    "answer": array({"type": "integer", "minimum": 0}, description="Indices of the right options: one for 单选 "
                    "and 判断, two or more for 多选."),
    "explanation": STR,
}
QUESTION = obj({"id": INT, "position": INT, **QUESTION_IN})
SETTINGS_IN = {
    "required": {"type": "boolean", "description": "Whether the course's 学时 need a pass."},
    "pass_score": {"type": "integer", "minimum": 1, "maximum": 100},
    "time_limit_minutes": {"type": "integer", "minimum": 1, "maximum": 300},
    "max_attempts": {"type": "integer", "minimum": 1, "maximum": 10,
                     "description": "Attempts per catalogue year."},
    "draw": {**PER_KIND, "description": "Questions of each kind a paper draws."},
    "points": {**PER_KIND, "description": "Points per question of each kind; Σ draw × points = 100."},
}
EXAM = obj({**SETTINGS_IN, "required": {"type": "boolean", "description": "Whether a pass is required now "
                                        "(never for an empty bank)."},
            "bank": {**PER_KIND, "description": "Questions the bank holds of each kind."},
            "paper_size": INT, "paper_points": INT,
            "problem": {**nullable(STR), "description": "Why the bank cannot fill a paper (blocks submitting)."}})
ROW_ERROR = obj({"row": {"type": "integer", "description": "The spreadsheet's row number (1 is the header)."},
                 "column": {"type": "string", "description": "题型, 题干, 选项, 答案, 解析, or empty."},
                 "message": STR})
IMPORT_REPORT = obj({"rows": {"type": "integer", "description": "Questions read (blank rows skipped)."},
                     "errors": array(ROW_ERROR), "imported": INT})
# The file's bytes: OpenAPI 3.1 describes binary content by its media type alone.
XLSX = {"content": {XLSX_TYPE: {"schema": {"contentMediaType": XLSX_TYPE}}}}
REVIEW_COURSE = obj({**STUDIO_COURSE["properties"], "exam": EXAM, "questions": array(QUESTION)})


def _body(schema: dict, description: str = "") -> dict:
    return {"required": True, "description": description, "content": {"application/json": {"schema": schema}}}


def _bank_op(operation_id: str, summary: str, ok: dict, write: bool = True, extra: tuple = (), **more) -> dict:
    errors = {"404": shared("NotFound")}
    if write:
        errors |= {"400": error("The body is not a JSON object (code invalid_json)."), "409": CONFLICT,
                   "422": error("What was sent cannot be saved (code invalid_question, duplicate_question, "
                                "invalid_exam, invalid_order).")}
    return operation(operation_id, summary, "bank", for_role({**ok, **errors}),
                     security=SIGNED_IN_WRITE if write else SIGNED_IN, parameters=[COURSE, *extra], **more)


def bank() -> dict:
    base = f"{V1}/studio/courses/{{course_id}}"
    question = path_param("question_id")
    upload = {"required": True, "content": {
        XLSX_TYPE: {"schema": {"type": "string", "contentMediaType": XLSX_TYPE}},
        "application/octet-stream": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "contentMediaType": XLSX_TYPE}}}}}}
    imported = {"200": json_response("The dry run's report; nothing imported.", IMPORT_REPORT),
                "201": json_response("The whole file was clean and is imported.", IMPORT_REPORT),
                "404": shared("NotFound"), "409": CONFLICT,
                "422": json_response("Not an XLSX, too big or a zip bomb (code invalid_xlsx); or rows with errors "
                                     "(code invalid_bank, with the report): nothing imported.",
                                     {"anyOf": [ref("Error"), obj({"error": ERROR["properties"]["error"],
                                                                   "rows": INT, "errors": array(ROW_ERROR)})]})}
    return {
        f"{base}/exam": {
            "get": _bank_op("getExamSettings", "The course's test settings", {
                "200": json_response("The settings as they apply.", EXAM)}, write=False),
            "put": _bank_op("putExamSettings", "Change the test settings", {
                "200": json_response("The settings.", EXAM)},
                body=_body(obj({}, SETTINGS_IN), "Any of the fields; those left out stay as they were.")),
        },
        f"{base}/questions": {
            "get": _bank_op("listQuestions", "The course's question bank, in order", {"200": json_response(
                "The bank and the settings.", obj({"items": array(QUESTION), "exam": EXAM}))}, write=False),
            "post": _bank_op("addQuestion", "Append a question", {"201": json_response("The question.", QUESTION)},
                             body=_body(obj({name: QUESTION_IN[name] for name in ("kind", "stem", "answer")},
                                            QUESTION_IN))),
        },
        f"{base}/questions/order": {"put": _bank_op(
            "reorderQuestions", "Put the bank in a new order",
            {"200": json_response("The bank.", obj({"items": array(QUESTION)}))},
            body=_body(obj({"question_ids": array(INT)})))},
        f"{base}/questions/{{question_id}}": {
            "patch": _bank_op("editQuestion", "Change a question",
                              {"200": json_response("The question.", QUESTION)}, extra=(question,),
                              body=_body(obj({}, QUESTION_IN), "Any of the fields.")),
            "delete": _bank_op("deleteQuestion", "Delete a question", {"204": {"description": "Deleted."}},
                               extra=(question,)),
        },
        f"{base}/questions/import": {"post": operation(
            "importQuestions", "Import an XLSX bank (the template's format)", "bank", for_role(imported),
            security=SIGNED_IN_WRITE, body=upload, parameters=[COURSE, query(
                "dry_run", enum("0", "1"), "1: only check the file and report every row's errors.")],
            description="Questions are appended to the bank; nothing is imported unless the whole file is clean. "
                        f"At most {MAX_ROWS} questions and {MAX_BYTES // (1024 * 1024)} MB.")},
        f"{base}/questions/export.xlsx": {"get": _bank_op(
            "exportQuestions", "The bank as XLSX, in the template's format",
            {"200": {"description": "The XLSX file.", **XLSX}}, write=False)},
        f"{V1}/studio/questions/template.xlsx": {"get": operation(
            "questionTemplate", "The empty XLSX template of a question bank", "bank",
            for_role({"200": {"description": "The XLSX file.", **XLSX}}), security=SIGNED_IN)},
    }


def review() -> dict:
    base = f"{V1}/review/courses"

    def decided(operation_id: str, summary: str, **extra) -> dict:
        return operation(operation_id, summary, "review", for_role({
            "200": json_response("The course after the decision.", "StudioCourse"), "404": shared("NotFound"),
            "409": CONFLICT, "422": shared("Unprocessable")}), security=SIGNED_IN_WRITE,
            parameters=[COURSE], **extra)

    return {
        base: {"get": operation("listReviewCourses", "Courses by status (the submitted queue first)", "review",
                                for_role({"200": json_response("The courses.", "StudioCourseList"),
                                          "422": shared("Unprocessable")}), security=SIGNED_IN,
                                parameters=[query("status", enum("submitted", "published", "rejected",
                                                                 "withdrawn"))])},
        f"{base}/{{course_id}}": {"get": operation(
            "getReviewCourse", "A course past its draft, with its test's settings and question bank", "review",
            for_role({"200": json_response("The course.", REVIEW_COURSE), "404": shared("NotFound")}),
            security=SIGNED_IN, parameters=[COURSE])},
        f"{base}/{{course_id}}/decision": {"post": decided(
            "decideCourse", "Approve into the catalogue, or reject with a reason", body=json_body("ReviewDecision"))},
        f"{base}/{{course_id}}/withdraw": {"post": decided("withdrawReviewCourse", "Withdraw a published course")},
    }


def videos() -> dict:
    video = path_param("video_id")
    return {
        f"{V1}/videos/{{video_id}}": {"get": operation(
            "getVideo", "A video's processing state", "videos",
            signed_in({"200": json_response("The video.", "Video"), "404": shared("NotFound")}),
            security=SIGNED_IN, parameters=[video])},
        f"{V1}/videos/{{video_id}}/retry": {"post": operation(
            "retryVideo", "Process a failed video again", "videos", signed_in({
                "202": json_response("Queued again.", "Video"), "403": shared("Forbidden"),
                "404": shared("NotFound"), "409": error("The video has not failed (code not_failed).")}),
            security=SIGNED_IN_WRITE, parameters=[video])},
    }


def _h(description: str, schema: dict = STR) -> dict:
    return {"description": description, "schema": schema}


TUS = header("Tus-Resumable", "Always 1.0.0.", True, enum("1.0.0"))
UPLOAD_STATE = {
    "Tus-Resumable": _h("1.0.0"),
    "Upload-Offset": _h("Bytes received so far.", INT),
    "Upload-Length": _h("The upload's declared length.", INT),
    "Upload-Expires": _h("While unfinished: when it expires (RFC 7231 date)."),
    "Zhixin-Video-Id": _h("Once finished: the video's id.", INT),
}


def _tus_errors(*statuses: str) -> dict:
    texts = {
        "400": "A malformed tus header (code bad_length, bad_offset, bad_metadata, bad_checksum, "
               "unsupported_checksum).",
        "404": "No such upload of the caller's (code not_found).",
        "409": "Upload-Offset differs from the server's (offset_mismatch), or the upload is finished "
               "(upload_finished).",
        "410": "The upload expired (upload_expired) or its data was lost (upload_lost).",
        "412": "Tus-Resumable missing or not 1.0.0 (code unsupported_version; Tus-Version tells).",
        "413": "Over MAX_UPLOAD_BYTES (too_large) or past Upload-Length (exceeds_length).",
        "415": "Content-Type is not application/offset+octet-stream.",
        "423": "Another request is writing this upload (code locked).",
        "460": "Upload-Checksum does not match (code checksum_mismatch); nothing was appended.",
    }
    return {status: error(texts[status]) for status in statuses}


def _options(operation_id: str, parameters: list | None = None) -> dict:
    supported = {"description": "What the server supports (no account needed).", "headers": {
        "Tus-Version": _h("1.0.0"), "Tus-Extension": _h("creation,termination,checksum,expiration"),
        "Tus-Max-Size": _h("MAX_UPLOAD_BYTES.", INT), "Tus-Checksum-Algorithm": _h("sha1,md5,sha256")}}
    return operation(operation_id, "tus discovery", "uploads", {"204": supported}, security=PUBLIC,
                     parameters=parameters)


def uploads() -> dict:
    video = path_param("video_id", INT, "The last segment of the Location of the upload's creation.")
    offset = header("Upload-Offset", "The offset the body starts at: the current Upload-Offset.", True, INT)
    checksum = header("Upload-Checksum", "Algorithm and base64 digest of this body, e.g. 'sha1 …'.")
    chunk = {"required": True, "content": {"application/offset+octet-stream": {
        "schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}}
    patch_responses = for_role({"204": {"description": "Appended.", "headers": UPLOAD_STATE},
                                **_tus_errors("400", "404", "409", "410", "412", "413", "415", "423", "460")})
    delete_responses = for_role({"204": {"description": "Terminated."}, **_tus_errors("404", "409", "412", "423")})
    return {
        f"{V1}/uploads": {
            "options": _options("tusOptions"),
            "post": operation(
                "createUpload", "Create an upload: the video it becomes exists at once", "uploads", for_role({
                    "201": {"description": "Created; Location is /api/v1/uploads/<video_id>.",
                            "headers": {"Location": _h("The upload URL."), **UPLOAD_STATE}},
                    **_tus_errors("400", "412", "413")}),
                security=SIGNED_IN_WRITE, parameters=[
                    TUS, header("Upload-Length", "The file's size in bytes.", True, INT),
                    header("Upload-Metadata", "tus metadata: 'filename <base64>,filetype <base64>'.")],
                description="tus 1.0.0 (core, creation, termination, checksum, expiration), producers only. "
                            "Errors carry the JSON error body."),
        },
        f"{V1}/uploads/{{video_id}}": {
            "options": _options("tusOptionsUpload", [video]),
            "head": operation("uploadOffset", "Where to resume: the upload's offset", "uploads", for_role({
                "200": {"description": "The state (no body).", "headers": {
                    **UPLOAD_STATE, "Upload-Metadata": _h("As sent at creation.")}},
                "404": {"description": "No such upload (no body)."},
                "410": {"description": "Expired (no body)."},
                "412": {"description": "Tus-Resumable missing (no body)."}}),
                security=SIGNED_IN, parameters=[video, TUS]),
            "patch": operation("appendUpload", "Append bytes at Upload-Offset", "uploads", patch_responses,
                               security=SIGNED_IN_WRITE, parameters=[video, TUS, offset, checksum], body=chunk),
            "delete": operation("terminateUpload", "Terminate an unfinished upload", "uploads", delete_responses,
                                security=SIGNED_IN_WRITE, parameters=[video, TUS]),
            "post": operation(
                "overrideUpload", "PATCH or DELETE for clients that cannot send them", "uploads",
                {**patch_responses, **delete_responses,
                 "405": error("X-HTTP-Method-Override missing or not PATCH/DELETE (code method_not_allowed).")},
                security=SIGNED_IN_WRITE, parameters=[
                    video, TUS, header("X-HTTP-Method-Override", "PATCH or DELETE.", True, enum("PATCH", "DELETE")),
                    {**offset, "required": False}, checksum], body={**chunk, "required": False}),
        },
    }
