"""The v1 calls for everyone: catalogue, watching, the trainee's own data, certificates, the bureau sync."""
from bureau.export_profiles import PROFILES
from core.policy.rulebook import SUBJECT_TYPES
from courses.search.engine import SORTS
from openapi.build import (
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_WRITE,
    WATCH_TOKEN,
    error,
    for_role,
    json_body,
    json_response,
    operation,
    path_param,
    query,
    shared,
    signed_in,
)
from openapi.schemas import CATEGORY, STR, array, enum, obj, ref

V1 = "/api/v1"
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}}
YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100}


def catalogue() -> dict:
    return {
        f"{V1}/courses": {"get": operation(
            "listCourses", "The public catalogue: published courses", "catalogue",
            {"200": json_response("One page of courses.", "CourseList"),
             "422": error("invalid_category, invalid_year, invalid_type, invalid_page, invalid_per_page or "
                          "invalid_sort.")},
            security=PUBLIC, parameters=[
                query("category", CATEGORY), query("year", YEAR, "Catalogue year."),
                query("type", enum(*SUBJECT_TYPES), "Only courses of this subject type (gongxu 公需科目, "
                      "zhuanye 专业科目, xuanxiu 选修科目)."),
                query("q", STR, "Words to search for (the course search, as on /search)."),
                query("sort", enum(*SORTS), "With q: the order (relevance by default)."),
                query("page", {"type": "integer", "minimum": 1}),
                query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
            ])},
        f"{V1}/courses/{{course_id}}": {"get": operation(
            "getCourse", "A published course with its lessons and their renditions", "catalogue",
            {"200": json_response("The course.", "CourseDetail"), "404": shared("NotFound")},
            security=PUBLIC, parameters=[path_param("course_id")])},
    }


def watching() -> dict:
    session_id = path_param("session_id", STR, "The watch session's id from opening it.")
    return {
        f"{V1}/lessons/{{lesson_id}}/sessions": {"post": operation(
            "openSession", "Open a watch session (closes the trainee's other sessions)", "watching",
            signed_in({"201": json_response("The session.", "WatchSession"), "404": shared("NotFound"),
                       "429": error("The trainee opens sessions too often (code too_many_sessions); "
                                    "Retry-After says when the next may open.", RETRY_AFTER)}),
            security=SIGNED_IN_WRITE, parameters=[path_param("lesson_id")],
            description="Openings are paced per trainee: a burst of WATCH_SESSION_OPENS_PER_MINUTE, then one "
                        "every 60 / WATCH_SESSION_OPENS_PER_MINUTE seconds.")},
        f"{V1}/lessons/{{lesson_id}}/media": {"get": operation(
            "getLessonMedia", "Fresh links to the lesson's renditions, poster and captions", "media",
            signed_in({"200": json_response("The links.", "MediaLinks"), "404": shared("NotFound")}),
            security=SIGNED_IN, parameters=[path_param("lesson_id")],
            description="For whoever may play the lesson's video. With MEDIA_LINK_SECRET the links are signed for "
                        "the caller and expire after MEDIA_LINK_SECONDS (rounded up to the minute): nginx answers "
                        "403 to a bad signature and 410 once expired, and the player asks here again.")},
        f"{V1}/sessions/{{session_id}}/heartbeats": {"post": operation(
            "sendHeartbeat", "Report the segments played since the last heartbeat", "watching",
            {
                "200": json_response("What was credited, and the lesson's and course's state.", "HeartbeatState"),
                "401": error("No watch token, or one this server did not sign (code unauthorized)."),
                "404": error("No such session, or the watch token is another session's (code not_found)."),
                "409": error("The session was closed: the trainee plays elsewhere or signed out "
                             "(code playing_elsewhere)."),
                "410": error("The course was withdrawn (code lesson_unavailable), or published again since the "
                             "session opened, or the watch token expired (code session_expired): open a new "
                             "session."),
                "413": error("The body is too large (code too_large)."),
                "422": error("Invalid body, seq, segments or rate (code names it: invalid_body, invalid_seq, "
                             "invalid_segments, segment_out_of_range, segments_unordered, too_many_segments, "
                             "invalid_rate)."),
                "503": error("The request waited too long for the server (code overloaded); send it again "
                             "after Retry-After.", RETRY_AFTER),
            }, security=WATCH_TOKEN, parameters=[session_id], body=json_body("Heartbeat"),
            description="Played seconds beyond the server's wall clock × MAX_PLAYBACK_RATE are not credited; the "
                        "budget is the trainee's, shared by all their sessions and lessons. "
                        "A repeated seq is answered with the current state (duplicate: true).")},
        f"{V1}/sessions/{{session_id}}/checks": {"post": operation(
            "answerCheck", "Answer a check a heartbeat made due (随堂弹题, the idle challenge, a face capture)",
            "watching",
            signed_in({"200": json_response("The verdict: a pass credits the stretch the check held; a fail "
                                            "leaves it uncredited (rewind_to). A face frame is judged off the hot "
                                            "path: pending, then the nonce posted again gives passed, failed "
                                            "(a frame refused) or review (a person decides; the gate moves on).",
                                            "CheckVerdict"),
                       "404": shared("NotFound"),
                       "409": error("The nonce is another session's (code other_session) or its check was "
                                    "answered already (code check_answered); recorded as an integrity event. A "
                                    "face check of a trainee without a reference (face_not_enrolled) or on the "
                                    "in-person route not yet confirmed by the unit (in_person_needed)."),
                       "413": error("A face frame over FACE_MAX_IMAGE_BYTES (code image_too_large)."),
                       "410": error("The answer came after the check's window (code check_expired): the stretch "
                                    "is not credited; recorded."),
                       "422": error("No nonce (invalid_nonce), an unknown one (unknown_nonce, recorded), a question "
                                    "that was not asked (question_not_asked, recorded), no valid choice "
                                    "(invalid_answer), or a face check without a frame (missing_image) or whose "
                                    "frame is no image (not_an_image).")}),
            security=SIGNED_IN_WRITE, parameters=[session_id], body=json_body("CheckAnswer"),
            description="The right answer is never revealed. Checks are scheduled by the server (docs/architecture.md, "
                        "Checks during video study).")},
    }


def me() -> dict:
    return {
        f"{V1}/me": {"get": operation(
            "getMe", "The caller's own profile (ID number and phone masked)", "accounts",
            signed_in({"200": json_response("The caller.", "Me")}), security=SIGNED_IN)},
        f"{V1}/me/progress": {"get": operation(
            "getProgress", "The trainee's credited hours for a year, per course", "learning",
            signed_in({"200": json_response("The year's progress.", "Progress")}), security=SIGNED_IN,
            parameters=[query("year", YEAR, "Defaults to this year (Asia/Shanghai).")])},
    }


def certificates() -> dict:
    return {
        f"{V1}/me/certificates": {
            "get": operation(
                "listMyCertificates", "The trainee's valid certificates, newest first", "certificates",
                signed_in({"200": json_response("The certificates.", "CertificateList")}), security=SIGNED_IN),
            "post": operation(
                "issueCertificate", "Issue (or reuse) a course or year certificate", "certificates",
                signed_in({
                    "200": json_response("An unchanged certificate already issued.", "Certificate"),
                    "201": json_response("Issued now.", "Certificate"),
                    "404": error("Nothing to certify (code nothing_to_certify)."),
                    "422": error("kind, year or course_id missing or invalid (code invalid_request)."),
                }), security=SIGNED_IN_WRITE, body=json_body("CertificateRequest")),
        },
        f"{V1}/certificates/public-key": {"get": operation(
            "getPublicKey", "The Ed25519 key that signs certificates", "certificates",
            {"200": json_response("The key and how payloads are canonicalised.", "PublicKey")}, security=PUBLIC)},
        f"{V1}/certificates/{{number}}": {"get": operation(
            "verifyCertificate", "Public verification of a certificate number", "certificates", {
                "200": json_response("valid or superseded (the facts, holder masked), or invalid.",
                                     {"oneOf": [{"$ref": "#/components/schemas/Verification"},
                                                {"$ref": "#/components/schemas/VerificationInvalid"}]}),
                "404": json_response("No certificate has this number.", "VerificationNotFound"),
                "429": shared("TooManyRequests"),
            }, security=PUBLIC, parameters=[path_param("number", STR, "e.g. GX2026-110105-000123")])},
    }


RECORDS_DESCRIPTION = """Region-scoped credit records for incremental sync (docs/sync.md).

Rows come in (updated_at, id) order. Follow next_cursor until has_more is false; the last
page's synced_until is the updated_since of the next run. A page only holds rows whose
updated_at is older than SYNC_LAG_SECONDS, so that a record committed late is never skipped:
each version of a record is delivered exactly once. Upsert by id. Each page is audited.
exam_score, exam_attempts and exam_passed_at are the course test as it stood when the record
was written (attempts started by then): a later attempt changes no record. The check figures
(checks_*, face_reviews_*) of a course completion are likewise those of its awarded_at.
profile=hr names the fields by the 人社 indicator codes of docs/export-profiles/hr.csv."""


def bureau() -> dict:
    return {f"{V1}/bureau/records": {"get": operation(
        "listBureauRecords", "Credit records in the officer's (and token's) region", "bureau",
        for_role({
            "200": json_response("One page.", "BureauRecordsPage"),
            "403": error("Not a bureau officer (code forbidden), or a region outside the scope "
                         "(code forbidden_region)."),
            "422": error("invalid_year, invalid_region, invalid_type, invalid_updated_since, invalid_cursor, "
                         "invalid_limit or invalid_profile."),
        }), security=SIGNED_IN, description=RECORDS_DESCRIPTION, parameters=[
            query("year", YEAR, "Credit year under the trainee's region's rules (the rule-set year)."),
            query("region", {"type": "string", "pattern": "^[0-9]{6}$"},
                  "A GB/T 2260 code inside the caller's scope."),
            query("type", enum(*SUBJECT_TYPES), "Only records of this subject type (as credited)."),
            query("updated_since", {"type": "string", "format": "date-time"},
                  "Only records with updated_at after this instant (ISO 8601 with a zone)."),
            query("cursor", STR, "next_cursor of the previous page, unchanged."),
            query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
            query("profile", enum(*PROFILES), "Name the fields by an export profile's codes (hr: 人社 "
                  "indicator codes, docs/export-profiles/hr.csv); left out, the fields keep their own names."),
        ])}, **corrections()}


CORRECTION = obj({"hours": {"type": "number", "multipleOf": 0.1, "description": "学时, one decimal, not 0: "
                            "negative for a 核减 (needs source_id), at most ±999.9."},
                  "reason": {"type": "string", "minLength": 1, "maxLength": 500, "description": "Mandatory."}},
                 {"user_id": {"type": "integer", "description": "The trainee (or id_number)."},
                  "id_number": {"type": "string", "description": "The trainee's ID number (or user_id)."},
                  "source_id": {"type": "integer", "description": "The record corrected: its course, year and "
                                "subject type are taken; its line may not go below 0."},
                  "subject_type": enum(*SUBJECT_TYPES), "year": YEAR,
                  "title": {"type": "string", "maxLength": 200, "description": "A 补录's title (without source_id)."}},
                 description="A 核减 or 补录: without source_id, subject_type, year and title are needed.")


FIELD_ERROR = obj({"error": obj({"code": STR, "message": STR}, {"field": STR})})


def _error(description: str) -> dict:
    """An error that may name the body's ``field`` it is about."""
    return json_response(description, FIELD_ERROR)


def corrections() -> dict:
    return {f"{V1}/bureau/corrections": {
        "post": operation(
            "createCorrection", "A 核减 or 补录 of a trainee's 学时 in the officer's region", "bureau",
            for_role({
                "201": json_response("The new record, as the sync will deliver it (basis correction).",
                                     "BureauRecord"),
                "400": _error("The body is no JSON object (code invalid_json)."),
                "404": _error("No such trainee, or source_id not one of theirs (not_found, source_not_found)."),
                "409": _error("The trainee's region has locked the year (code year_locked)."),
                "422": _error("reason_required, invalid_hours, below_zero, source_required, invalid_source, "
                             "invalid_type, invalid_year, title_required or trainee_required (field names it)."),
            }), security=SIGNED_IN_WRITE, body={"required": True, "content": {"application/json": {
                "schema": CORRECTION}}},
            description="A new ledger row, never an edit; audited (credit_corrected). A trainee outside the "
                        "caller's region (or API token's) is 403 forbidden_region."),
        "get": operation(
            "listCorrections", "The corrections of the officer's region, newest first (at most 500)", "bureau",
            for_role({"200": json_response("The corrections.", obj({"items": array(ref("BureauRecord"))})),
                      "422": error("invalid_year.")}),
            security=SIGNED_IN, parameters=[query("year", YEAR, "Only this credit year.")]),
    }}


def meta() -> dict:
    return {f"{V1}/openapi.json": {"get": operation(
        "getOpenApi", "This description", "meta",
        {"200": json_response("OpenAPI 3.1.", {**obj({"openapi": STR, "info": {"type": "object"},
                                                      "paths": {"type": "object"}}), "additionalProperties": True})},
        security=PUBLIC)}}
