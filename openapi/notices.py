"""The v1 calls of the caller's own notices (站内通知, issue 15, notices.notices_api), with
their schemas inline: the list with the unread count, one marked read, all marked read."""
from notices.service import KINDS
from openapi.build import SIGNED_IN, SIGNED_IN_WRITE, error, json_response, operation, path_param, query, signed_in
from openapi.schemas import DATETIME, INT, STR, URL, array, enum, nullable, obj

V1 = "/api/v1"
NOTICE = obj({
    "id": INT,
    "kind": {**enum(*KINDS), "description": "What happened: a unit link confirmed or rejected, a declaration "
                                            "returned or approved, a study reminder (催学), a certificate "
                                            "superseded, a trainee on the in-person route of face checks "
                                            "(face_in_person, to unit administrators), a face capture "
                                            "waiting for review (face_review, to unit administrators) or "
                                            "reviewed (face_reviewed), a course held for failed and missed checks "
                                            "over the allowance cleared by a reviewer (checks_cleared)."},
    "title": STR, "body": STR,
    "link": {**nullable(STR), "description": "A path on this site to open (the notice's subject); null when "
                                             "there is none."},
    "created_at": DATETIME,
    "read_at": {**nullable(DATETIME), "description": "When the notice was first read; null while unread."},
}, description="One notice to the caller.")
NOTICE_PAGE = obj({
    "items": array(NOTICE), "unread": {**INT, "description": "The caller's unread notices in all."},
    "page": INT, "per_page": INT, "total": INT, "pages": INT, "next": nullable(URL), "prev": nullable(URL),
}, description="One page, newest first; next and prev are this list's URL at the neighbouring pages "
               "(null at either end).")


def paths() -> dict:
    return {
        f"{V1}/me/notices": {"get": operation(
            "listNotices", "The caller's notices, newest first, and how many are unread", "notices",
            signed_in({"200": json_response("One page of notices.", NOTICE_PAGE),
                       "422": error("invalid_unread, invalid_page or invalid_per_page.")}),
            security=SIGNED_IN, parameters=[
                query("unread", enum("true", "false", "1", "0"), "true: only the unread notices."),
                query("page", {"type": "integer", "minimum": 1, "maximum": 100000}),
                query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "20 unless given."),
            ])},
        f"{V1}/me/notices/{{notice_id}}/read": {"post": operation(
            "readNotice", "Mark one of the caller's notices read", "notices",
            signed_in({"200": json_response("The notice; read_at is when it was first read.", NOTICE),
                       "404": error("No such notice of the caller's (code not_found).")}),
            security=SIGNED_IN_WRITE, parameters=[path_param("notice_id", INT, "The notice's id.")],
            description="Another user's notice is not found (404)."),
        },
        f"{V1}/me/notices/read-all": {"post": operation(
            "readAllNotices", "Mark all the caller's notices read", "notices",
            signed_in({"200": json_response("How many were unread.", obj({"marked": INT, "unread": INT}))}),
            security=SIGNED_IN_WRITE)},
    }
