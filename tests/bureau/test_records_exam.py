"""The course test in the bureau's records: score, attempts and first pass in the page, the
exports and the docking API, as they stood when the record was written (docs/sync.md)."""
import html
from datetime import UTC, datetime, timedelta

import pytest

from tests.bureau.records_helpers import attempt, bearer, credit, read_csv, token_for, xlsx_rows

URL = "/api/v1/bureau/records"
T0 = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in China


@pytest.fixture
def world(make_user, make_course):
    """赵甲 failed the test once (40), passed (80), got the credit, then tried again (100) after it;
    钱乙's course had no test."""
    tested, untested = make_course("网络安全法解读"), make_course("数字经济概论")
    zhao = make_user(real_name="赵甲", region_code="440305")
    qian = make_user(real_name="钱乙", region_code="440305")
    attempt(zhao, tested, T0, score=40, seconds=900)
    passing = attempt(zhao, tested, T0 + timedelta(hours=1), score=80, seconds=1200)
    record = credit(zhao, tested, at=passing.submitted_at)
    attempt(zhao, tested, T0 + timedelta(days=2), score=100, seconds=1000)  # after the credit
    attempt(zhao, tested, T0 + timedelta(days=3))  # open, after the credit
    other = credit(qian, untested, at=T0 + timedelta(hours=3))
    return {"zhao": zhao, "record": record, "passing": passing, "other": other, "tested": tested}


def items(client, officer, **query) -> dict[str, dict]:
    response = client.get(URL, query_string=query, headers=bearer(token_for(officer)))
    assert response.status_code == 200
    return {item["name"]: item for item in response.get_json()["items"]}


def test_the_api_gives_the_best_score_the_attempts_and_the_first_pass_when_the_credit_was_written(
        client, officer, world):
    by_name = items(client, officer)
    assert by_name["赵甲"]["exam_score"] == 80 and by_name["赵甲"]["exam_attempts"] == 2
    assert by_name["赵甲"]["exam_passed_at"] == "2025-03-01T02:20:00.000000Z"
    assert (by_name["钱乙"]["exam_score"], by_name["钱乙"]["exam_attempts"], by_name["钱乙"]["exam_passed_at"]) == (
        None, 0, None)


def test_a_failed_first_attempt_is_not_the_pass_and_a_best_score_of_zero_is_a_score(
        client, officer, make_user, make_course):
    course, sun = make_course("专利基础"), make_user(real_name="孙丙", region_code="440306")
    attempt(sun, course, T0, score=0, pass_score=0)  # a test whose pass mark is 0 passes with 0
    credit(sun, course, at=T0 + timedelta(hours=1))
    item = items(client, officer)["孙丙"]
    assert item["exam_score"] == 0 and item["exam_attempts"] == 1
    assert item["exam_passed_at"] == "2025-03-01T01:10:00.000000Z"


def test_an_attempt_after_the_record_changes_nothing_a_client_has_synced(client, officer, world, make_course):
    """The figures are those of the attempts started by the record's awarded_at: trying again
    after the credit neither changes the record nor needs it sent again (docs/sync.md)."""
    first = client.get(URL, headers=bearer(token_for(officer))).get_json()
    attempt(world["zhao"], world["tested"], T0 + timedelta(days=4), score=95)
    again = client.get(URL, query_string={"updated_since": first["synced_until"]},
                       headers=bearer(token_for(officer))).get_json()
    assert again["items"] == []
    assert client.get(URL, headers=bearer(token_for(officer))).get_json()["items"] == first["items"]


def test_the_exports_end_with_the_test_columns_then_the_subject_type(client, officer, world):
    rows = {row[0]: row for row in read_csv(client.get("/bureau/exports/records.csv", buffered=True))}
    assert rows["赵甲"][12:16] == ["80", "2", "2025-03-01 10:20:00", "公需科目"]  # China time, like 完成时间
    assert rows["钱乙"][12:15] == ["", "0", ""]
    cells = {row[0]: row for row in xlsx_rows(client.get("/bureau/exports/records.xlsx", buffered=True))}
    assert cells["赵甲"][12:15] == [80, 2, "2025-03-01 10:20:00"]
    assert cells["钱乙"][12:15] == [None, 0, None]


def test_the_records_page_shows_the_score_and_the_attempts(client, officer, world):
    response = client.get("/bureau/records")
    text = html.unescape(response.get_data(as_text=True))
    assert "测验成绩" in text and "测验次数" in text
    zhao_row = text[text.index("赵甲"):text.index("</tr>", text.index("赵甲"))]
    assert ">80</td>" in zhao_row and ">2</td>" in zhao_row and "首次通过：2025-03-01 10:20" in zhao_row
    qian_row = text[text.index("钱乙"):text.index("</tr>", text.index("钱乙"))]
    assert qian_row.count(">—</td>") == 3  # no certificate, no score, no attempts


def test_the_figures_are_the_same_whatever_the_filters(client, officer, world):
    everything = items(client, officer)
    since = items(client, officer, updated_since="2025-03-01T02:00:00Z", year=2025)
    assert since == {name: everything[name] for name in ("赵甲", "钱乙")}
    assert items(client, officer, updated_since="2025-03-01T03:00:00Z") == {"钱乙": everything["钱乙"]}


def test_paging_gives_every_record_its_own_figures(client, officer, world, make_user, make_course):
    """Each page aggregates the tests of its own records only: page by page, the same items."""
    for n in range(3):
        person, course = make_user(real_name=f"学员{n}", region_code="440306"), make_course(f"课{n}")
        attempt(person, course, T0 + timedelta(days=n), score=50 + 10 * n)
        credit(person, course, at=T0 + timedelta(days=n, hours=1))
    headers = bearer(token_for(officer))
    whole = client.get(URL, headers=headers).get_json()["items"]
    paged, cursor = [], None
    while True:
        body = client.get(URL, query_string={"limit": 1, **({"cursor": cursor} if cursor else {})},
                          headers=headers).get_json()
        paged += body["items"]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert paged == whole and [item["exam_score"] for item in whole] == [50, 80, None, 60, 70]


def test_the_records_page_shows_each_page_its_own_figures(client, officer, world, monkeypatch):
    from bureau import records_views
    monkeypatch.setattr(records_views, "PER_PAGE", 1)
    second = html.unescape(client.get("/bureau/records?page=2").get_data(as_text=True))  # newest first: 赵甲 second
    assert "赵甲" in second and ">80</td>" in second and "钱乙" not in second
