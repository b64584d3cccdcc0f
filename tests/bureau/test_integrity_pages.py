"""诚信监测 pages: signals and drill-downs in scope only, the audited trainee record and
certificate look-up, and who may open them."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from learning import certificates
from tests.bureau.stats_world import china, credit, event, watch_session

PAGES = ("/bureau/", "/bureau/integrity", "/bureau/integrity/clipped",
         "/bureau/certificates?number=GX2026-440305-000001")


@pytest.fixture
def world(make_user, make_course):
    course = make_course("数字经济概论", lessons=2)
    lesson = course.lessons[0]
    officer = make_user("bureau", real_name="南山人社", region_code="440305")
    inside = make_user(real_name="区内学员", region_code="440305")
    outside = make_user(real_name="区外学员", region_code="440306")
    for person in (inside, outside):
        event(person, "faster_than_real_time", china(2026, 3, 1, 9), ip="192.0.2.1", lesson=lesson, claimed=40,
              credited=18, allowance=18.0)
        event(person, "closed_session", china(2026, 3, 2, 9), ip="192.0.2.1", lesson=lesson)
        event(person, "session_rate_limited", china(2026, 3, 2, 10), ip="192.0.2.1", lesson=lesson)
        credit(person, course, 110, china(2026, 5, 10, 9))
    helpers = [make_user(real_name=f"同址{n}", region_code="440305") for n in range(4)]
    for person in (inside, *helpers):
        watch_session(person, lesson, china(2026, 2, 1), ip="203.0.113.7")
    watch_session(outside, lesson, china(2026, 2, 1), ip="203.0.113.7")
    return {"officer": officer, "inside": inside, "outside": outside, "course": course}


def audit_rows(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def test_the_signals_page_lists_only_trainees_in_scope(client, login, world):
    login(world["officer"])
    html = client.get("/bureau/integrity?year=2026").get_data(as_text=True)
    for signal in ("clipped", "two_screens", "session_churn", "long_days", "shared_ip"):
        section = html.split(f'id="signal-{signal}"')[1].split("</section>")[0]
        assert "区外学员" not in section
        if signal == "shared_ip":
            # Five 南山 trainees were seen there; the 宝安 trainee seen there too is not counted.
            assert 'data-ip="203.0.113.7"' in section and ">5<" in section and ">6<" not in section
        else:
            assert f'data-user="{world["inside"].id}"' in section
    assert world["inside"].masked_id_number in html and world["inside"].id_number not in html


def test_a_lower_shared_address_threshold_is_configurable(app, client, login, world, make_user):
    login(world["officer"])
    html = client.get("/bureau/integrity?year=2026").get_data(as_text=True)
    assert 'data-ip="192.0.2.1"' not in html
    app.config["INTEGRITY_SHARED_IP_USERS"] = 2  # 192.0.2.1 saw only one 南山 trainee: still no signal
    assert 'data-ip="192.0.2.1"' not in client.get("/bureau/integrity?year=2026").get_data(as_text=True)
    app.config["INTEGRITY_SHARED_IP_USERS"] = 6
    assert 'data-ip="203.0.113.7"' not in client.get("/bureau/integrity?year=2026").get_data(as_text=True)


@pytest.mark.parametrize("signal,marker", [("clipped", "播放快于真实时间"), ("two_screens", "多屏观看"),
                                           ("session_churn", "打开课程过于频繁"),
                                           ("long_days", "2026-05-10"), ("shared_ip", "203.0.113.7")])
def test_each_signal_drills_down_to_its_events(client, login, world, signal, marker):
    login(world["officer"])
    response = client.get(f"/bureau/integrity/{signal}?year=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and marker in html
    assert "区内学员" in html and "区外学员" not in html
    mine = client.get(f"/bureau/integrity/{signal}?year=2026&user={world['inside'].id}")
    assert mine.status_code == 200 and marker in mine.get_data(as_text=True)


def test_a_refused_heartbeat_shows_no_seconds_a_clipped_one_shows_its_claim(client, login, world):
    """A malformed heartbeat was refused unread: "0.0 seconds claimed" would mislead the officer."""
    event(world["inside"], "invalid_heartbeat", china(2026, 3, 3, 9), ip="192.0.2.1", code="segment_out_of_range")
    login(world["officer"])
    html = client.get(f"/bureau/integrity/clipped?year=2026&user={world['inside'].id}").get_data(as_text=True)
    rows = {kind: html.split(kind)[1].split("</tr>")[0] for kind in ("心跳数据无效", "播放快于真实时间")}
    assert ">40.0<" in rows["播放快于真实时间"] and ">18.0<" in rows["播放快于真实时间"]
    dashes = ('data-label="声称">—<', 'data-label="认定">—<')
    assert all(dash in rows["心跳数据无效"] for dash in dashes) and "0.0" not in rows["心跳数据无效"]
    record = client.get(f"/bureau/trainees/{world['inside'].id}").get_data(as_text=True)
    assert all(dash in record.split("心跳数据无效</td>")[1].split("</tr>")[0] for dash in dashes)


def test_a_drill_down_for_a_trainee_outside_the_scope_is_404(client, login, world):
    login(world["officer"])
    assert client.get(f"/bureau/integrity/clipped?user={world['outside'].id}").status_code == 404
    assert client.get("/bureau/integrity/clipped?user=nobody").status_code == 404
    assert client.get("/bureau/integrity/everything").status_code == 404


def test_a_region_outside_the_scope_is_403(client, login, world):
    login(world["officer"])
    for path in ("/bureau/integrity?region=440306", "/bureau/?region=440000",
                 "/bureau/integrity/clipped?region=450100"):
        response = client.get(path)
        assert response.status_code == 403
        assert "不在您的管辖范围内" in response.get_data(as_text=True)


def test_the_trainee_record_is_complete_and_audited(client, login, world):
    login(world["officer"])
    response = client.get(f"/bureau/trainees/{world['inside'].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert world["inside"].id_number in html  # the full ID number, for the bureau
    assert "数字经济概论" in html and "11.0" in html and "播放快于真实时间" in html
    [row] = audit_rows("trainee_record_viewed")
    assert row.actor_id == world["officer"].id and row.target == f"user:{world['inside'].id}"
    assert row.details["years"] == [2026] and row.details["integrity_events"] == 3
    assert world["inside"].id_number not in str(row.details)


def test_a_trainee_outside_the_scope_is_404_and_not_audited(client, login, world, make_user):
    login(world["officer"])
    staff = make_user("producer", region_code="440305")
    for user_id in (world["outside"].id, staff.id, 999999):
        assert client.get(f"/bureau/trainees/{user_id}").status_code == 404
    assert audit_rows("trainee_record_viewed") == []


def issue_certificate(user):
    now = datetime(2026, 5, 11, tzinfo=UTC)
    cert, _ = certificates.issue(user, ("year", 2026, None), 300, now)
    db.session.commit()
    return cert


def test_certificate_look_up_in_scope_shows_the_holder_and_is_audited(client, login, world):
    cert = issue_certificate(world["inside"])
    login(world["officer"])
    html = client.get(f"/bureau/certificates?number={cert.number.lower()}").get_data(as_text=True)
    assert 'data-status="valid"' in html and "区内学员" in html
    assert f"/bureau/trainees/{world['inside'].id}" in html
    [row] = audit_rows("certificate_lookup")
    assert row.actor_id == world["officer"].id
    details = row.details
    assert (details["number"], details["status"], details["holder_in_scope"]) == (cert.number, "valid", True)


def test_certificate_look_up_outside_scope_shows_public_facts_only(client, login, world):
    cert = issue_certificate(world["outside"])
    login(world["officer"])
    html = client.get(f"/bureau/certificates?number={cert.number}").get_data(as_text=True)
    assert 'data-status="valid"' in html and "区**员" in html and "区外学员" not in html
    assert f"/bureau/trainees/{world['outside'].id}" not in html
    missing = client.get("/bureau/certificates?number=GX2026-440305-999999").get_data(as_text=True)
    assert 'data-status="not_found"' in missing
    assert [(r.details["status"], r.details["holder_in_scope"]) for r in audit_rows("certificate_lookup")] == [
        ("valid", False), ("not_found", False)]


def test_the_empty_look_up_form_is_not_audited(client, login, world):
    login(world["officer"])
    assert client.get("/bureau/certificates").status_code == 200
    assert audit_rows("certificate_lookup") == []


@pytest.mark.parametrize("role", ["trainee", "producer", "reviewer", "admin"])
def test_other_roles_are_refused(client, login, world, make_user, role):
    login(make_user(role, region_code="440305"))
    for path in (*PAGES, f"/bureau/trainees/{world['inside'].id}", "/bureau/integrity/long_days"):
        assert client.get(path).status_code == 403, path
    assert audit_rows("trainee_record_viewed") == [] and audit_rows("certificate_lookup") == []


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/bureau/integrity")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_officer_without_a_region_is_refused(client, login, world, make_user):
    login(make_user("bureau", region_code="999999"))
    response = client.get("/bureau/integrity")
    assert response.status_code == 403 and "没有可查询的地区范围" in response.get_data(as_text=True)
