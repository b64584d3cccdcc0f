"""催学: the selected staff who are short get a notice; those already 达标 are skipped and counted;
anyone not confirmed at the unit refuses the whole request (404), nothing sent."""
from tests.staff.conftest import audit_rows, notices_of


def test_the_page_reminds_only_the_short_and_says_how_many_were_skipped(client, sign_in, world):
    sign_in(world.admin)
    picked = [world.short.id, world.done.id, world.beijing.id]
    response = client.post("/unit/remind", data={"user_ids": picked, "year": world.year}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已向1人发送催学提醒" in html and "2人已达标，未提醒" in html
    [notice] = notices_of(world.short)
    assert notice.kind == "study_reminder" and str(world.year) in notice.title
    assert "专业科目还差32.0学时" in notice.body and notice.link == f"/me/learning?year={world.year}"
    assert notices_of(world.done) == [] and notices_of(world.beijing) == []
    [entry] = audit_rows("study_reminder_sent")
    assert (entry.details["count"], entry.details["skipped"], entry.details["users"]) == (1, 2, [world.short.id])


def test_nothing_selected_is_explained(client, sign_in, world):
    sign_in(world.admin)
    response = client.post("/unit/remind", data={"year": world.year}, follow_redirects=True)
    assert "请先勾选要提醒的人员" in response.get_data(as_text=True) and audit_rows("study_reminder_sent") == []


def test_another_units_person_is_not_found_and_nobody_is_reminded(client, sign_in, world):
    sign_in(world.admin)
    assert client.post("/unit/remind", data={"user_ids": [world.short.id, world.stranger.id]}).status_code == 404
    response = client.post("/api/v1/unit/staff/remind", json={"user_ids": [world.short.id, world.pending.user_id]})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert notices_of(world.short) == [] and audit_rows("study_reminder_sent") == []


def test_the_api_reminds_and_checks_its_body(client, sign_in, world):
    sign_in(world.admin)
    for body, code in (({}, "no_staff_selected"), ({"user_ids": ["1"]}, "invalid_user_ids"),
                       ({"user_ids": [True]}, "invalid_user_ids"), ({"user_ids": [world.short.id], "year": 1},
                                                                    "invalid_year")):
        response = client.post("/api/v1/unit/staff/remind", json=body)
        assert response.status_code == 422 and response.json["error"]["code"] == code, body
    done = client.post("/api/v1/unit/staff/remind", json={"user_ids": [world.short.id, world.short.id, world.done.id]})
    assert done.status_code == 200 and done.json == {"year": world.year, "sent": 1, "skipped": 1}
    assert len(notices_of(world.short)) == 1
    last_year = client.post("/api/v1/unit/staff/remind", json={"user_ids": [world.done.id], "year": world.year - 1})
    assert last_year.json["sent"] == 1  # nothing credited last year: short then
