"""The v1 course-test calls of trainees (docs/rules.md rule 13), with their schemas inline,
and /me/progress, whose courses now carry their test's state (it replaces paths.me's entry)."""
from openapi.build import (
    SIGNED_IN,
    SIGNED_IN_WRITE,
    error,
    for_role,
    json_response,
    operation,
    path_param,
    query,
    signed_in,
)
from openapi.schemas import BOOL, CATEGORY, DATETIME, INT, NUM, STR, array, enum, nullable, obj

DATE = {"type": "string", "format": "date"}

V1 = "/api/v1"
YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100}
KIND = {**enum("single", "multiple", "judge"), "description": "单选, 多选, 判断."}
ANSWERS = {"type": "object", "additionalProperties": array(INT),
           "description": 'Question id (as text) → the chosen option indices, e.g. {"12": [1]}.'}
QUESTION = {"id": INT, "kind": KIND, "stem": STR, "options": array(STR)}
REVIEWED = obj({**QUESTION, "chosen": array(INT), "correct": BOOL, "answer": array(INT), "points": INT,
                "explanation": STR})
RESULT = obj({"score": INT, "passed": BOOL, "attempts_left": INT, "best_score": nullable(INT), "pass_score": INT,
              "closed_by": {**enum("trainee", "deadline"), "description": "Who closed the attempt."}},
             {"review": {**array(REVIEWED), "description": "Only once the trainee has passed or has no attempts "
                                                          "left: the right options and why."}})
ATTEMPT = obj({"id": INT, "course_id": INT, "deadline": {**DATETIME, "description": "The server's."},
               "questions": array(obj(QUESTION), description="The paper, without answers or explanations."),
               "answers": ANSWERS, "submitted": BOOL}, {"result": RESULT})
SAVED = obj({"id": INT, "answers": ANSWERS, "deadline": DATETIME, "answered": INT, "questions": INT})
EXAM_STATE = obj({"required": BOOL, "passed": BOOL, "best_score": nullable(INT), "attempts_left": INT},
                 description="The course's test for the trainee; required false when it has none.")
START_REFUSED = json_response(
    "lessons_incomplete (a lesson is not complete yet), no_attempts_left (this credit year), already_passed, "
    "exam_unavailable (the bank holds too few questions), or attempt_open with attempt_id: resume that one.",
    obj({"error": obj({"code": STR, "message": STR}, {"attempt_id": INT})}))
TYPE_PROGRESS = obj({
    "credited_hours": NUM, "required_hours": NUM,
    "window": obj({"start": DATE, "end": DATE}, description="The type's credit year (Asia/Shanghai dates, both "
                                                            "included): Guangdong's 公需 2026 ends 2027-04-30."),
    "days_left": {"type": "integer", "minimum": 0, "description": "Days of the window from today on, today "
                                                                  "included; 0 once it has ended."},
    "met": BOOL,
})
SUBJECT_TYPE = enum("gongxu", "zhuanye", "xuanxiu")
PROGRESS = obj({
    "year": INT, "credited_hours": NUM,
    "required_hours": {"type": "number", "description": "The total the trainee's region requires."},
    "requirement_met": {"type": "boolean", "description": "达标: every subject type and the total are met."},
    "by_type": {"type": "object", "description": "Each subject type (gongxu, zhuanye, xuanxiu) the trainee's "
                "region requires or the trainee has credit of this year, against the requirement.",
                "additionalProperties": TYPE_PROGRESS,
                "propertyNames": SUBJECT_TYPE},
    "total": obj({"credited_hours": NUM, "required_hours": NUM, "met": BOOL}),
    "short_types": array(SUBJECT_TYPE, description="The types still short, in by_type's order."),
    "locked": {"type": "boolean", "description": "The region has closed the year: nothing more is credited to it."},
    "courses": array(obj({"course_id": INT, "title": STR, "category": CATEGORY, "subject_type": SUBJECT_TYPE,
                          "hours": NUM, "completed_at": DATETIME,
                          "corrections": array(obj({"hours": NUM, "reason": STR})), "exam": EXAM_STATE},
                         {"basis": {**enum("completion"), "description": "A course line's first row."},
                          "record_id": {"type": "integer", "description": "The completion's credit record id "
                                        "(what a bureau correction names as source_id)."}})),
    "in_progress": array(obj({"course_id": INT, "title": STR, "covered_ratio": NUM, "lessons_done": INT,
                              "lessons": INT, "exam": EXAM_STATE})),
}, {"items": array(obj({
    "record_id": INT, "basis": enum("declared", "correction"), "title": STR, "reason": STR,
    "source_id": {**nullable(INT), "description": "A declared training's declaration id; null for a 补录."},
    "subject_type": SUBJECT_TYPE, "hours": NUM, "recorded_at": DATETIME,
    "corrections": array(obj({"hours": NUM, "reason": STR}))}),
    description="The year's ledger lines without a course: declared trainings (线下学时) and 补录, each with the "
                "corrections (核减 negative) written against it.")},
    description="in_progress also holds courses whose lessons are complete and whose test is not passed yet.")


def paths() -> dict:
    attempt = path_param("attempt_id")
    return {
        f"{V1}/courses/{{course_id}}/exam/attempts": {"post": operation(
            "startExamAttempt", "Start an attempt at a course's test: a paper drawn on the server", "exams",
            for_role({"201": json_response("The attempt.", ATTEMPT),
                      "404": error("The course is not published or has no test (code no_test)."),
                      "409": START_REFUSED}),
            security=SIGNED_IN_WRITE, parameters=[path_param("course_id")],
            description="Trainees only. Questions are drawn at random per kind and their options shuffled per "
                        "attempt; an attempt left open past its deadline is graded first.")},
        f"{V1}/exam-attempts/{{attempt_id}}": {"get": operation(
            "getExamAttempt", "Resume an attempt: the same paper, the saved answers, the deadline", "exams",
            for_role({"200": json_response("The attempt (with its result once closed).", ATTEMPT),
                      "404": error("No such attempt of the caller (code not_found).")}),
            security=SIGNED_IN, parameters=[attempt])},
        f"{V1}/exam-attempts/{{attempt_id}}/answers": {"put": operation(
            "saveExamAnswers", "Save answers as they are chosen (laid over the saved ones)", "exams",
            for_role({"200": json_response("Saved.", SAVED),
                      "404": error("No such attempt of the caller (code not_found)."),
                      "409": error("Submitted already (code attempt_closed) or past the deadline (code "
                                   "deadline_passed): nothing changed."),
                      "422": error("invalid_answers, unknown_question, option_out_of_range, one_answer_only or "
                                   "invalid_answer: nothing changed.")}),
            security=SIGNED_IN_WRITE, parameters=[attempt],
            body={"required": True, "content": {"application/json": {"schema": obj({"answers": ANSWERS})}},
                  "description": "An empty list takes a question's answer back."})},
        f"{V1}/exam-attempts/{{attempt_id}}/submit": {"post": operation(
            "submitExamAttempt", "Submit: graded once on the server", "exams",
            for_role({"200": json_response("The result (the same one again for an attempt already closed).",
                                           RESULT),
                      "404": error("No such attempt of the caller (code not_found).")}),
            security=SIGNED_IN_WRITE, parameters=[attempt],
            description="After the deadline it is graded with the answers saved before it (closed_by deadline).")},
        f"{V1}/me/progress": {"get": operation(
            "getProgress", "The trainee's credited hours for a year, per course, with each course's test",
            "learning", signed_in({"200": json_response("The year's progress.", PROGRESS)}),
            security=SIGNED_IN, parameters=[query("year", YEAR, "Defaults to this year (Asia/Shanghai).")])},
    }
