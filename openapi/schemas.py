"""The JSON Schemas (OpenAPI 3.1, JSON Schema 2020-12) of the v1 bodies, and helpers to write them.

Objects list every property they have today; they stay open (no ``additionalProperties``)
because the v1 contract lets fields be added. tests/bureau/test_openapi*.py closes them
when checking live responses, so that a field added to the code but not here is caught.
"""
from accounts.models import ROLES
from bureau.export_profiles import PROFILES
from core.policy.rulebook import SUBJECT_TYPES
from courses.categories import CATEGORIES
from courses.models import COURSE_STATUSES, VIDEO_STATUSES

STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
DATETIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri-reference"}
CATEGORY = {"type": "string", "enum": [code for code, *_rest in CATEGORIES],
            "description": "Category code: digital, ip, cybersecurity, emergency; themes politics, knowledge, "
                           "science, ethics, teamwork."}
SUBJECT_TYPE = {"type": "string", "enum": list(SUBJECT_TYPES),
                "description": "The course's subject type: gongxu 公需科目, zhuanye 专业科目, xuanxiu 选修科目."}
SECTOR_PUBLIC = {"type": "boolean",
                 "description": "A sector's own 公需 course (行业公需); only a gongxu course can be one."}
# A course's type as the catalogue and the studio show it (subject_name: its name in the request's language).
COURSE_SUBJECT = {"subject_type": SUBJECT_TYPE, "subject_name": STR, "sector_public": SECTOR_PUBLIC}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "type" in schema and "$ref" not in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*kinds, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def obj(properties: dict, optional: dict | None = None, description: str = "") -> dict:
    """An object whose ``properties`` are all required and ``optional`` ones may be missing."""
    schema = {"type": "object", "required": list(properties), "properties": {**properties, **(optional or {})}}
    if description:
        schema["description"] = description
    return schema


def enum(*values: str) -> dict:
    return {"type": "string", "enum": list(values)}


ERROR = obj({"error": obj({"code": STR, "message": STR})},
            description='Every API error: {"error": {"code", "message"}}; code is stable, message is for people.')

COURSE_SUMMARY = {
    "id": INT, "title": STR, "summary": STR, "instructor": STR, "organisation": STR, "category": CATEGORY,
    "category_name": STR, "catalogue_year": INT, **COURSE_SUBJECT, "credit_hours": NUM, "lesson_count": INT,
    "duration_seconds": NUM, "poster": nullable(URL), "url": URL,
}
SOURCE = obj({"url": URL, "height": INT, "width": nullable(INT), "type": enum("video/mp4")})
LESSON = obj({"id": INT, "position": INT, "title": STR, "duration_seconds": NUM, "sources": array(ref("Source")),
              "poster": nullable(URL), "captions": nullable(URL)})

COURSE_STATE = obj({"id": INT, "completed": BOOL, "credited_hours": NUM, "exam_pending": BOOL},
                   description="The lesson's course for this trainee: every lesson complete or not, the "
                               "学时 its completion credited (0 until then), and whether its test still "
                               "has to be passed before they are (exam_pending).")
WATCH_SESSION = obj({
    "id": STR,
    "watch_token": {"type": "string", "description": "Sent as X-Watch-Token with each of this session's heartbeats."},
    "watch_token_expires_at": {**DATETIME, "description": "After it (WATCH_TOKEN_HOURS after opening) heartbeats "
                                                          "are answered 410 session_expired: open a new session."},
    "lesson_id": INT, "duration_seconds": NUM, "resume_position": NUM, "furthest_position": NUM,
    "covered_seconds": NUM, "completed": BOOL, "heartbeat_seconds": NUM, "max_playback_rate": NUM,
    "seek_lock": BOOL, "pause_when_hidden": BOOL,
    "max_segments": {"type": "integer", "minimum": 1,
                     "description": "The most segments one heartbeat may carry (more: 422 too_many_segments)."},
    "course": COURSE_STATE,
    "media": ref("MediaLinks"),
})
MEDIA_LINKS = obj({
    "renditions": array(obj({"height": INT, "url": URL})), "poster": nullable(URL), "captions": nullable(URL),
    "expires_at": {**nullable(DATETIME), "description": "When the links stop working (410 from nginx); null when "
                                                        "the app checks every request (no MEDIA_LINK_SECRET)."},
    "expires_in": {**nullable(INT), "description": "Seconds from the answer to expires_at."},
}, description="A video's links for the caller: signed for nginx (secure_link) when MEDIA_LINK_SECRET is set.")
HEARTBEAT = obj({
    "seq": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "description": "Strictly increasing per session."},
    "segments": array(array(NUM, minItems=2, maxItems=2),
                      description="Media intervals [from, to] played since the last heartbeat, in seconds."),
}, {"position": NUM, "rate": {"type": "number", "minimum": 0, "description": "The playback rate (1 = real time)."}})
CHOICES = obj({"id": nullable(INT), "kind": enum("single", "multiple", "judge"), "stem": STR, "options": array(STR)},
              description="What is asked, never with its answer: a question of the course's bank (id: the "
                          "question's, sent back with the answer) or a sum made up by the server (id null).")
FACE_ASKED = obj({
    "route": {**enum("camera", "human", "enrol"), "description": "camera: post one frame (image); human: the "
              "trainee is on the in-person route (route: human passes once the unit confirmed them this year); "
              "enrol: no reference photo yet (nothing to post: consent and enrol first, or choose the human route)."},
    "message": {**STR, "description": "What the player tells the trainee (Chinese, or English by the lang cookie)."},
}, description="A face check (人脸抓拍): what the server expects.")
DUE_CHECK = obj({
    "nonce": {**STR, "description": "One use: POST …/checks answers the check with it."},
    "kind": {**enum("question", "idle", "face"), "description": "question: 随堂弹题; idle: the \"您还在学习吗\" "
                                                                  "challenge; face: a capture (its own room)."},
    "position": {**NUM, "description": "Where in the video the check fell due."},
    "rewind_to": {**nullable(NUM), "description": "Where the stretch the check holds began: a wrong or late "
                                                  "answer leaves it uncredited and the player goes back there."},
    "state": {**enum("due", "judging"), "description": "due: asked; judging: a face frame was posted and the "
                                                       "player asks for the verdict (POST …/checks with the nonce)."},
    "window_ends_at": nullable(DATETIME), "seconds_left": nullable(INT),
}, {"question": CHOICES, "face": FACE_ASKED}, description="A check is due (issue 19): the server credits nothing "
                                                          "past it until it is passed. Only in a heartbeat's answer "
                                                          "once due; never a schedule.")
CHECK_RESULT = obj({"state": enum("missed"), "message": STR, "rewind_to": nullable(NUM)},
                   description="The due check's window passed without an answer: the stretch it held is not "
                               "credited; re-watch it from rewind_to.")
CHECK_ANSWER = obj({"nonce": STR}, {
    "answer": array(INT, description="A question: indices of the options chosen (required for question and idle)."),
    "question_id": {**nullable(INT), "description": "The id of the question shown (null for a sum)."},
    "image": {**STR, "description": "A face check: one camera frame as a data URL, data:image/jpeg;base64,… "
                                    "(or image/png, image/webp), at most FACE_MAX_IMAGE_BYTES decoded. Posting the "
                                    "nonce again without it asks for the verdict."},
    "route": {**enum("human"), "description": "A face check of a trainee on the in-person route."},
})
CHECK_VERDICT = obj({"verdict": enum("passed", "failed", "pending", "review"), "credited_seconds": NUM}, {
    "lesson": obj({"id": INT, "duration_seconds": NUM, "covered_seconds": NUM, "completed": BOOL, "position": NUM}),
    "course": COURSE_STATE,
    "message": {**STR, "description": "What to do (Chinese, or English by the lang cookie): a failed check, or "
                                      "a face check's state (pending: 正在核验; review: a person decides, the "
                                      "stretch up to the check is credited only if they accept)."},
    "rewind_to": {**nullable(NUM), "description": "A failed check: where to re-watch from (null: idle check)."},
    "review": {**BOOL, "description": "The course's failed and missed checks went over the rule set's allowance."},
}, description="The server's verdict; the right answer is never sent.")
HEARTBEAT_STATE = obj({
    "seq": INT, "credited_seconds": NUM,
    "lesson": obj({"id": INT, "duration_seconds": NUM, "covered_seconds": NUM, "completed": BOOL, "position": NUM}),
    "course": COURSE_STATE,
}, {"duplicate": {"type": "boolean", "description": "A repeated seq: nothing changed."},
    "check": DUE_CHECK,
    "check_result": CHECK_RESULT,
    "closed": obj({"code": enum("year_locked", "window_closed", "daily_cap"), "message": STR},
                  description="Nothing is credited now, and why (docs/rules.md rule 14): the trainee's region "
                              "has locked the year, no window of the course's subject type is open, or today's "
                              "credit reached the region's daily cap. The state is current; nothing is lost.")})

PROGRESS = obj({
    "year": INT, "credited_hours": NUM, "required_hours": NUM, "requirement_met": BOOL,
    "courses": array(obj({"course_id": INT, "title": STR, "category": CATEGORY, "hours": NUM,
                          "completed_at": DATETIME,
                          "corrections": array(obj({"hours": NUM, "reason": STR}))})),
    "in_progress": array(obj({"course_id": INT, "title": STR, "covered_ratio": NUM, "lessons_done": INT,
                              "lessons": INT})),
})

CERTIFICATE_TITLE = {"type": "string",
                     "description": "What the document is, in its own (Chinese) words: 课程学时证明, 年度学时证明, "
                                    "or 年度学时记录（未达标） for a year below the requirement."}
STANDING = {"type": ["string", "null"], "enum": ["met", "not_met", None],
            "description": "A year certificate against its holder's requirement (达标 / 未达标); null for a "
                           "course certificate."}
CERTIFICATE_KIND = {**enum("course", "year", "record"),
                    "description": "record: a 继续教育登记, the trainee's multi-year record (一人一档); its year is "
                                   "the year it was issued, its hours the years' total."}
CERTIFICATE = obj({
    "number": STR, "kind": CERTIFICATE_KIND, "year": INT, "course_id": nullable(INT), "hours": NUM,
    "requirement_met": nullable(BOOL), "title": CERTIFICATE_TITLE, "standing": STANDING,
    "status": enum("valid", "superseded"), "issued_at": DATETIME, "pdf_url": URL, "verify_url": URL,
})
VERIFICATION = obj({
    "number": STR, "kind": CERTIFICATE_KIND, "year": INT, "hours": NUM,
    "title": CERTIFICATE_TITLE, "standing": STANDING,
    "requirement_met": nullable(BOOL), "required_hours": nullable(NUM),
    "holder": obj({"name": STR, "id_number": STR, "employer": STR,
                   "employer_confirmed": {**nullable(BOOL), "description": "Whether employer is the unit that "
                                          "confirmed the holder; null on certificates issued before it was stated."}},
                  description="Name and ID number masked: enough to recognise, too little to find."),
    "courses": array(obj({"id": INT, "title": STR, "category": CATEGORY, "category_name": STR, "hours": NUM})),
    "issuer": {"type": "string", "description": "The platform that signed it."},
    "issuing_body": {**nullable(obj({"name": STR, "region_code": STR})),
                     "description": "The bureau that issues it: the human-resources department of the holder's "
                                    "province. Null on certificates issued before it was stated."},
    "issued_at": DATETIME, "status": enum("valid", "superseded"), "verify_url": URL,
}, {"superseded_by": nullable(STR),
    "by_type": {**nullable({"type": "object", "additionalProperties": obj(
        {"credited_hours": NUM, "required_hours": NUM, "met": BOOL})}),
        "description": "A year certificate's subject types (gongxu, zhuanye, xuanxiu) credited against its "
                       "holder's requirement; requirement_met (达标) only when every type and the total are met. "
                       "Null for a course certificate and one issued before types were stated."},
    "years": {**array({"type": "object"}),
              "description": "A 继续教育登记's credit years as signed (the years of GET /api/v1/me/record)."},
    "eligibility": {**nullable({"type": "object"}),
                    "description": "A 继续教育登记's 职称 look-back as signed (requirement_met says the same)."}})
INVALID = obj({"number": STR, "status": enum("invalid"), "problems": array(STR)},
              description="The stored certificate fails its signature check; nothing of it is shown.")
NOT_FOUND = obj({"number": STR, "status": enum("not_found"), "error": ERROR["properties"]["error"]})
PUBLIC_KEY = obj({"algorithm": STR, "key_id": STR, "public_key_pem": STR, "public_key": STR,
                  "canonicalization": STR, "signature_encoding": STR})

ME = obj({"id": INT, "role": enum(*ROLES), "real_name": STR,
          "id_number": {"type": "string", "description": "Masked, even for its owner."},
          "phone": {"type": "string", "description": "Masked."},
          "has_email": {"type": "boolean", "description": "Whether an e-mail address is set (notices, password "
                                                          "reset links); the address itself is not returned."},
          "employer": STR, "title": STR, "region_code": STR, "organisation": STR})

VIDEO = obj({
    "id": INT, "status": enum(*VIDEO_STATUSES), "progress": {"type": "integer", "minimum": 0, "maximum": 100},
    "error_code": nullable(STR), "error": nullable(STR), "duration_seconds": NUM, "width": nullable(INT),
    "height": nullable(INT), "original_filename": STR,
    "renditions": array(obj({"height": INT, "width": nullable(INT), "url": URL})),
    "poster": nullable(URL), "captions": nullable(URL),
}, {"log_tail": {**nullable(STR), "description": "ffmpeg's last lines; staff only."}})

STUDIO_LESSON_PROPS = {
    "id": INT, "position": INT, "title": STR, "video_id": INT, "video_status": enum(*VIDEO_STATUSES),
    "duration_seconds": NUM, "poster": nullable(URL), "captions": nullable(URL),
}
STUDIO_COURSE = obj({
    "id": INT, "title": STR, "summary": STR, "instructor": STR, "organisation": STR, "category": CATEGORY,
    "category_name": STR, "catalogue_year": INT, **COURSE_SUBJECT, "status": enum(*COURSE_STATUSES),
    "credit_hours": NUM,
    "duration_seconds": NUM, "review_note": STR, "revision_of": nullable(INT), "revision": nullable(INT),
    "submit_problem": nullable(STR), "submitted_at": nullable(DATETIME), "reviewed_at": nullable(DATETIME),
    "published_at": nullable(DATETIME), "withdrawn_at": nullable(DATETIME),
    "lessons": array(ref("StudioLesson")),
})
COURSE_FIELDS = {"title": STR, "summary": STR, "instructor": STR, "category": CATEGORY, "catalogue_year": INT}
# Optional when a course is created (then gongxu, not 行业公需). sector_public true with another type is
# 422 invalid_sector_public; a course whose type changes away from gongxu loses the flag.
SUBJECT_FIELDS = {"subject_type": SUBJECT_TYPE, "sector_public": SECTOR_PUBLIC}

BUREAU_RECORD = obj({
    "id": {"type": "integer", "description": "The credit record's id: upsert by it."},
    "id_number": {"type": "string", "description": "The full ID number (bureau officers only)."},
    "name": STR, "phone": STR, "employer": STR, "region_code": STR,
    "year": {"type": "integer", "description": "The credit year under the trainee's region's rules (the rule-set "
             "year): Guangdong's 公需 year, for one, runs to 30 April of the next year."},
    "course_id": {**nullable(INT), "description": "Null for a declared training and a 补录 without a course."},
    "course_title": {"type": "string", "description": "The course's title, or the record's own title."},
    "category": {"anyOf": [CATEGORY, {"type": "null"}], "description": "Null for a record without a course."},
    "hours": {"type": "number", "description": "学时; a correction record may be negative."},
    "completed_at": DATETIME, "certificate_number": nullable(STR),
    "exam_score": {**nullable(INT), "description": "The best score (0–100) of the course test when the record "
                   "was written; null when the course had no test then."},
    "exam_attempts": {"type": "integer", "minimum": 0, "description": "Submitted test attempts then."},
    "exam_passed_at": {**nullable(DATETIME), "description": "When the first passing attempt was submitted."},
    "subject_type": {**enum(*SUBJECT_TYPES),
                     "description": "公需科目, 专业科目 or 选修科目: the course's type when the record was credited."},
    "sector_public": {"type": "boolean", "description": "The course is a sector's own 公需 course (行业公需)."},
    "rule_prefix": {"type": "string", "description": "The GB/T 2260 prefix of the rule set that credited the "
                    "record (\"\" the national set, \"44\" Guangdong)."},
    "basis": {**enum("completion", "declared", "correction", "partner", "transfer"),
              "description": "completion (a course watched), declared (an approved offline 学时登记), correction "
                             "(a bureau officer's 核减 or 补录: a new record, never an edit of an old one), partner "
                             "(hours an accredited partner platform reported) or transfer (hours earned in another "
                             "province, accepted by this one's bureau)."},
    "source_id": {**nullable(INT), "description": "declared: the declaration's id; correction: the id of the "
                  "record it corrects (null for a 补录 without one); partner: the partner's report; transfer: "
                  "the transfer request."},
    "reason": {"type": "string", "description": "A correction's reason (empty otherwise)."},
    "title": {"type": "string", "description": "The record's own title (a declared training, a 补录), else the "
              "course's title."},
    "unit": {**nullable(obj({"name": STR, "credit_code": STR})),
             "description": "The trainee's confirmed 工作单位 (统一社会信用代码) as it is at the time of the "
                            "request; null when none."},
    **{name: {**nullable({"type": "integer", "minimum": 0}), "description": text} for name, text in (
        ("checks_asked", "Scheduled checks (随堂弹题, face captures; not the idle check) the trainee was asked on "
                         "the course's lessons by the time the record was written; null unless basis is "
                         "completion."),
        ("checks_passed", "Of those, passed by then (a face capture a reviewer accepted included)."),
        ("checks_failed", "Of those, failed by then (a wrong answer; a face capture a reviewer rejected)."),
        ("checks_missed", "Of those, not answered within their window by then."),
        ("face_reviews_accepted", "Face captures of those checks a person (unit administrator or bureau) "
                                  "accepted by then."),
        ("face_reviews_rejected", "Face captures of those checks a person rejected by then."))},
    "updated_at": {**DATETIME, "description": "UTC with microseconds; the sync order is (updated_at, id)."},
})


def profiled(schema: dict, names: dict[str, str], prefix: str = "") -> dict:
    """An object ``schema`` with its properties named as an export profile names them (bureau.export_profiles)."""
    properties = {}
    for key, value in schema["properties"].items():
        path = prefix + key
        properties[names.get(path, key)] = profiled(value, names, path + ".") if "properties" in value else value
    required = [names.get(prefix + key, key) for key in schema["required"]]
    return {**schema, "properties": properties, "required": required}


PROFILED_RECORDS = {f"BureauRecord_{name}": {**profiled(BUREAU_RECORD, names), "description": (
    f"A record with profile={name}: the fields docs/export-profiles/{name}.csv gives a code are named by it; "
    "values as in BureauRecord.")} for name, names in PROFILES.items()}
BUREAU_PAGE = obj({
    "items": array({"anyOf": [ref("BureauRecord"), *(ref(name) for name in PROFILED_RECORDS)]}),
    "next_cursor": {**nullable(STR), "description": "Pass as cursor= for the next page; null on the last page."},
    "has_more": BOOL,
    "synced_until": {**nullable(DATETIME), "description": "On the last page: pass as updated_since= next run."},
})


def schemas() -> dict:
    return {
        "Error": ERROR,
        "CourseSummary": obj(COURSE_SUMMARY),
        "CourseList": obj({"items": array(ref("CourseSummary")), "page": INT, "per_page": INT, "total": INT,
                           "pages": INT, "next": nullable(URL), "prev": nullable(URL)},
                          description="One page; next and prev are this list's URL at the neighbouring pages "
                                      "(every other argument kept), null at either end."),
        "Source": SOURCE, "Lesson": LESSON,
        "CourseDetail": obj({**COURSE_SUMMARY, "lessons": array(ref("Lesson"))}),
        "MediaLinks": MEDIA_LINKS,
        "WatchSession": WATCH_SESSION, "Heartbeat": HEARTBEAT, "HeartbeatState": HEARTBEAT_STATE,
        "CheckAnswer": CHECK_ANSWER,
        "CheckVerdict": CHECK_VERDICT,
        "Progress": PROGRESS,
        "Certificate": CERTIFICATE,
        "CertificateList": obj({"items": array(ref("Certificate"))}),
        "CertificateRequest": obj({"kind": enum("course", "year"), "year": INT},
                                  {"course_id": {"type": "integer", "description": "For kind course."}}),
        "Verification": VERIFICATION, "VerificationInvalid": INVALID, "VerificationNotFound": NOT_FOUND,
        "PublicKey": PUBLIC_KEY,
        "Me": ME,
        "Video": VIDEO,
        "StudioLesson": obj(STUDIO_LESSON_PROPS),
        "StudioLessonCreated": obj({**STUDIO_LESSON_PROPS, "course": ref("StudioCourse")}),
        "StudioCourse": STUDIO_COURSE,
        "StudioCourseList": obj({"items": array(ref("StudioCourse"))}),
        "CourseCreate": obj(COURSE_FIELDS, SUBJECT_FIELDS,
                            "subject_type defaults to gongxu, sector_public to false; sector_public true "
                            "is for gongxu only (else 422 invalid_sector_public)."),
        "CourseUpdate": obj({}, {**COURSE_FIELDS, **SUBJECT_FIELDS},
                            "Any of the fields; at least one. A course whose subject_type changes away from "
                            "gongxu loses sector_public; asking for sector_public true with another type is "
                            "422 invalid_sector_public."),
        "LessonCreate": obj({"video_id": {"oneOf": [INT, {"type": "string", "pattern": "^[0-9]+$"}],
                                          "description": "The video's id: a number, or the digits that end the "
                                                         "upload's Location."}}, {"title": STR}),
        "LessonRename": obj({"title": STR}),
        "LessonOrder": obj({"lesson_ids": array(INT)}),
        "ReviewDecision": obj({"approve": BOOL}, {"reason": {"type": "string",
                                                             "description": "Required when rejecting."}}),
        "BureauRecord": BUREAU_RECORD,
        "BureauRecordsPage": BUREAU_PAGE,
        **PROFILED_RECORDS,
    }
