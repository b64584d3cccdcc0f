"""The v1 calls behind the scenes: studio (producers), review, videos and tus uploads."""
from courses.models import COURSE_STATUSES
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
from openapi.schemas import INT, STR, enum

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
            "getReviewCourse", "A course past its draft", "review",
            for_role({"200": json_response("The course.", "StudioCourse"), "404": shared("NotFound")}),
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
