"""Each course completion's checks (issue 19) in the bureau's records: asked, passed, failed,
missed and the face captures a person decided, in the page, the CSV, the XLSX and the docking
API, as they stood when the record was written; null on rows of other origins."""
import html
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from core.extensions import db
from faces.models import FaceCapture
from learning.models import CreditRecord, WatchCheck
from tests.bureau.records_helpers import AWARDED, bearer, credit, read_csv, token_for, xlsx_rows
from tests.learning.conftest import clock, make_viewer  # noqa: F401 (fixtures: the trainee's player)
from tests.learning.exam_world import add_bank
from tests.learning.test_checks import GUANGDONG_REGION, QUESTIONS_ONLY, answer, watch_to_check, wrong_choice

URL = "/api/v1/bureau/records"
FIGURES = ["checks_asked", "checks_passed", "checks_failed", "checks_missed", "face_reviews_accepted",
           "face_reviews_rejected"]


def study_with_checks(make_viewer, user, course) -> CreditRecord:  # noqa: F811
    """``user`` watches the one lesson through the v1 calls: answers the check wrongly, re-watches and
    lets it run out, re-watches and answers it rightly, then watches to the end (the course is credited)."""
    viewer = make_viewer(user)
    viewer.open(course.lessons[0].id)
    reply, _at = watch_to_check(viewer)
    assert answer(viewer, reply["check"], wrong_choice(viewer))["verdict"] == "failed"
    reply, at = watch_to_check(viewer, start=0)
    viewer.clock.advance(75)
    assert viewer.beat([], position=at)["check_result"]["state"] == "missed"
    reply, at = watch_to_check(viewer, start=0)
    assert answer(viewer, reply["check"])["verdict"] == "passed"
    viewer.watch(at, 600)
    db.session.expire_all()
    return db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user.id)).one()


@pytest.fixture
def world(make_viewer, make_user, make_course, store_rules):  # noqa: F811
    store_rules(*QUESTIONS_ONLY)  # Guangdong: 随堂弹题 on, one check in a ten-minute lesson, 60 s to answer
    course = add_bank(make_course(title="网络安全意识", lessons=1, lesson_seconds=600), required=False)
    zhao = make_user(real_name="赵甲", region_code=GUANGDONG_REGION)
    record = study_with_checks(make_viewer, zhao, course)
    correction = credit(zhao, course, tenths=-1, basis="correction", reason="核减", at=record.awarded_at
                        + timedelta(days=1))
    return {"zhao": zhao, "course": course, "record": record, "correction": correction}


def api_items(client, officer) -> dict[int, dict]:
    response = client.get(URL, headers=bearer(token_for(officer)))
    assert response.status_code == 200
    return {item["id"]: item for item in response.get_json()["items"]}


def test_the_api_gives_each_completion_its_checks_and_other_rows_null(client, make_user, world):
    officer = make_user("bureau", region_code="440300")
    items = api_items(client, officer)
    assert [items[world["record"].id][name] for name in FIGURES] == [3, 1, 1, 1, 0, 0]
    assert [items[world["correction"].id][name] for name in FIGURES] == [None] * 6


def test_the_csv_and_the_xlsx_end_with_the_check_columns(client, make_user, world):
    officer = make_user("bureau", region_code="440300")
    headers = bearer(token_for(officer))
    rows = read_csv(client.get("/bureau/exports/records.csv", headers=headers, buffered=True))
    by_basis = {row[16]: row for row in rows}
    assert by_basis["完成课程"][-6:] == ["3", "1", "1", "1", "0", "0"]
    assert by_basis["更正"][-6:] == [""] * 6
    cells = {row[16]: row for row in xlsx_rows(client.get("/bureau/exports/records.xlsx", headers=headers,
                                                          buffered=True))}
    assert cells["完成课程"][-6:] == [3, 1, 1, 1, 0, 0]  # number cells
    assert cells["更正"][-6:] == [None] * 6


def test_the_records_page_shows_the_checks(client, make_user, sign_in, world):
    sign_in(make_user("bureau", region_code="440300"))  # the trainee's player signed in last
    response = client.get("/bureau/records")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    assert "随堂检查" in text
    row = text[text.index(f'data-record="{world["record"].id}"'):]
    row = row[:row.index("</tr>")]
    assert "通过 1 / 3" in row and "未通过 1 · 超时 1" in row


def face_check(user, course, slot: int, state: str, at, capture: str | None = None, reviewed=None) -> None:
    """A face check and its capture as faces.review leaves them: a failed capture a person accepted
    (the check passed) or rejected (the check failed)."""
    check = WatchCheck(user_id=user.id, lesson_id=course.lessons[0].id, kind="face", slot=slot, position=100.0 * slot,
                       state=state, issued_at=at, window_ends_at=at + timedelta(seconds=60),
                       answered_at=reviewed or at + timedelta(seconds=5))
    db.session.add(check)
    db.session.flush()
    if capture:
        db.session.add(FaceCapture(check_id=check.id, user_id=user.id, region_code=user.region_code, year=2025,
                                   sha256=f"{check.id:064d}", fingerprint=bytes(256), status=capture,
                                   code="not_same_person", submitted_at=at, judged_at=at, reviewed_at=reviewed))
    db.session.commit()


def test_face_reviews_count_when_decided_by_the_award_and_later_checks_do_not(client, make_user, make_course):
    """The figures are those the record had when it was written: a check asked, or a review decided,
    after the award changes no record a client has synced (docs/sync.md)."""
    course, sun = make_course("人脸核验课", lessons=1), make_user(real_name="孙丙", region_code="440306")
    before = AWARDED - timedelta(hours=2)
    face_check(sun, course, 0, "passed", before, "accepted", reviewed=AWARDED - timedelta(hours=1))
    face_check(sun, course, 1, "failed", before, "rejected", reviewed=AWARDED - timedelta(minutes=30))
    face_check(sun, course, 2, "passed", before + timedelta(minutes=10), "passed")  # the model passed it
    face_check(sun, course, 3, "failed", before, "rejected", reviewed=AWARDED + timedelta(days=1))  # decided later
    face_check(sun, course, 4, "passed", AWARDED + timedelta(days=2), "passed")  # asked after the award
    record = credit(sun, course)
    item = api_items(client, make_user("bureau", region_code="440300"))[record.id]
    assert [item[name] for name in FIGURES] == [4, 2, 1, 0, 1, 1]


def test_a_page_of_records_reads_its_check_figures_in_one_query(client, make_user, make_course):
    """No query per record: the figures come from one grouped subquery of the page's rows."""
    officer = make_user("bureau", region_code="440300")
    headers = bearer(token_for(officer))

    def statements() -> int:
        seen = []

        def note(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", note)
        try:
            assert client.get(URL, headers=headers).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        return sum("watch_checks" in statement for statement in seen)

    course = make_course("人脸核验课", lessons=1)
    trainees = [make_user(region_code="440305") for _ in range(6)]
    face_check(trainees[0], course, 0, "passed", AWARDED - timedelta(hours=1), "accepted", reviewed=AWARDED)
    credit(trainees[0], course)
    assert statements() == 1
    for trainee in trainees[1:]:
        face_check(trainee, course, 0, "failed", AWARDED - timedelta(hours=1), "rejected", reviewed=AWARDED)
        credit(trainee, course)
    assert statements() == 1
