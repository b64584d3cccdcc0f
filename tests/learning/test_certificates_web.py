"""学时证明 through the pages and the v1 calls: issuing, reissuing, public verification."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from accounts.models import AuditLog
from core.extensions import db
from learning import certificates, verification
from learning.models import Certificate, CreditRecord


def credit(user, course, year=2026, tenths=None, basis="completion", reason="", day=1):
    """A ledger row, as the heartbeat flow (completion) or a correction would write it."""
    at = datetime(year, 6, day, 4, 0, tzinfo=UTC)
    db.session.add(CreditRecord(user_id=user.id, course_id=course.id, year=year,
                                hours_tenths=course.credit_tenths if tenths is None else tenths,
                                basis=basis, reason=reason, awarded_at=at, updated_at=at))
    db.session.commit()


def issue(client, kind, year, course_id=None):
    data = {"kind": kind, "year": str(year), **({"course_id": str(course_id)} if course_id else {})}
    response = client.post("/me/certificates", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def rows(user) -> list[Certificate]:
    db.session.expire_all()
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)).all()


def only_valid(user, kind, year=2026) -> Certificate:
    found = [c for c in rows(user) if c.kind == kind and c.year == year and c.status == "valid"]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def trainee(make_user, login):
    user = make_user(real_name="王小明", employer="杭州市第二中学", region_code="330102")
    login(user)
    return user


@pytest.fixture
def course(make_course, make_category):
    return make_course(title="数字经济概论", category=make_category("digital"))  # 1.0 学时


def test_the_list_offers_what_the_ledger_supports_and_issues_once(client, trainee, course):
    page = client.get("/me/certificates").get_data(as_text=True)
    assert "还没有可开具的学时证明" in page
    credit(trainee, course)
    page = client.get("/me/certificates").get_data(as_text=True)
    assert "2026 年度学时记录（未达标）" in page and "《数字经济概论》" in page and page.count("开具证明") == 2
    issue(client, "course", 2026, course.id)
    issue(client, "course", 2026, course.id)  # asked twice: the same certificate
    cert = only_valid(trainee, "course")
    assert len(rows(trainee)) == 1
    assert verification.NUMBER_PATTERN.fullmatch(cert.number)
    assert cert.number.startswith("GX2026-330102-") and cert.hours_tenths == 10
    page = client.get("/me/certificates").get_data(as_text=True)
    assert cert.number in page and f"/me/certificates/{cert.number}.pdf" in page and page.count("开具证明") == 1


def test_issuing_is_audited_and_public_look_ups_are_not(client, trainee, course):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    issue(client, "course", 2026, course.id)
    number = only_valid(trainee, "course").number
    audited = db.session.scalars(select(AuditLog).where(AuditLog.action == "certificate_issued")).all()
    assert [row.target for row in audited] == [f"certificate:{number}"]
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    client.get(f"/verify/{number}")
    client.get(f"/api/v1/certificates/{number}")
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before


def test_nothing_is_issued_without_hours(client, trainee, course):
    response = client.post("/me/certificates", data={"kind": "course", "year": "2026", "course_id": str(course.id)},
                           follow_redirects=True)
    assert "没有可开具的学时证明" in response.get_data(as_text=True)
    assert client.post("/me/certificates", data={"kind": "diploma", "year": "2026"}).status_code == 400
    assert rows(trainee) == []


def test_a_correction_reissues_with_a_new_number_and_supersedes_the_old(client, trainee, course):
    credit(trainee, course, tenths=20)
    issue(client, "course", 2026, course.id)
    old = only_valid(trainee, "course")
    credit(trainee, course, tenths=-5, basis="correction", reason="重复计入", day=2)
    page = client.get("/me/certificates").get_data(as_text=True)
    assert "学时已变更" in page and "重新开具" in page
    issue(client, "course", 2026, course.id)
    new = only_valid(trainee, "course")
    old = db.session.get(Certificate, old.id)
    assert new.number != old.number and new.hours_tenths == 15
    assert old.status == "superseded" and old.superseded_by_id == new.id
    page = client.get(f"/verify/{old.number}").get_data(as_text=True)
    assert "已被取代" in page and f"/verify/{new.number}" in page
    body = client.get(f"/api/v1/certificates/{old.number}").get_json()
    assert body["status"] == "superseded" and body["superseded_by"] == new.number and body["hours"] == 2.0
    assert client.get(f"/api/v1/certificates/{new.number}").get_json()["status"] == "valid"


def test_another_course_in_the_year_reissues_the_year_certificate(client, trainee, course, make_course):
    credit(trainee, course)
    issue(client, "year", 2026)
    first = only_valid(trainee, "year")
    credit(trainee, make_course(title="知识产权保护实务"), day=3)
    issue(client, "year", 2026)
    second = only_valid(trainee, "year")
    assert second.number != first.number and second.hours_tenths == 20
    assert [c["title"] for c in second.payload["courses"]] == ["数字经济概论", "知识产权保护实务"]
    assert client.get(f"/api/v1/certificates/{first.number}").get_json()["superseded_by"] == second.number


def test_a_year_certificate_is_marked_met_once_the_requirement_is(app, client, trainee, course, make_course):
    app.config["ANNUAL_REQUIRED_HOURS"] = 2
    credit(trainee, course)
    issue(client, "year", 2026)
    below = only_valid(trainee, "year")
    assert below.payload["requirement_met"] is False and below.payload["required_hours"] == 2.0
    page = client.get(f"/verify/{below.number}").get_data(as_text=True)
    assert "未达标" in page and 'data-standing="met"' not in page
    credit(trainee, make_course(title="网络安全法解读"), day=4)
    issue(client, "year", 2026)
    met = only_valid(trainee, "year")
    assert met.requirement_met and met.payload["requirement_met"] is True and met.payload["hours"] == 2.0
    page = client.get(f"/verify/{met.number}").get_data(as_text=True)
    assert 'data-standing="met"' in page and "未达标" not in page
    assert client.get(f"/api/v1/certificates/{met.number}").get_json()["requirement_met"] is True


def test_public_verification_masks_the_holder_and_names_the_employer(app, client, trainee, course):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert body["status"] == "valid" and body["year"] == 2026 and body["hours"] == 1.0
    assert body["holder"] == {"name": "王*明", "id_number": trainee.masked_id_number, "employer": "杭州市第二中学",
                              "employer_confirmed": False}
    assert body["courses"] == [{"id": course.id, "title": "数字经济概论", "category": "digital",
                                "category_name": "数字技术", "hours": 1.0}]
    page = app.test_client().get(f"/verify/{cert.number}").get_data(as_text=True)  # anyone, signed out
    assert "有效" in page and "王*明" in page and "数字经济概论" in page and "杭州市第二中学" in page
    assert "王小明" not in page and trainee.id_number not in page


def test_an_unknown_number_is_not_found(client):
    for number in ("GX2026-110105-999999", "not-a-number"):
        response = client.get(f"/api/v1/certificates/{number}")
        assert response.status_code == 404 and response.get_json()["status"] == "not_found"
        page = client.get(f"/verify/{number}")
        assert page.status_code == 404 and "未找到" in page.get_data(as_text=True)


def test_a_tampered_certificate_fails_verification(client, trainee, course):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    cert.payload = {**cert.payload, "hours": 10.0}
    cert.hours_tenths = 100
    db.session.commit()
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert body["status"] == "invalid" and "hours" not in body and body["problems"]
    page = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "无效" in page and "10.0" not in page


def test_a_column_changed_behind_the_signature_fails_too(client, trainee, course):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    cert.hours_tenths = 30
    db.session.commit()
    assert client.get(f"/api/v1/certificates/{cert.number}").get_json()["status"] == "invalid"


def test_only_the_owner_downloads_the_pdf(client, trainee, course, make_user, login):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    number = only_valid(trainee, "course").number
    assert client.get(f"/me/certificates/{number}.pdf").status_code == 200
    client.post("/logout")
    assert client.get(f"/me/certificates/{number}.pdf").status_code == 302  # to the login page
    login(make_user(real_name="李四"))
    assert client.get(f"/me/certificates/{number}.pdf").status_code == 404
    assert client.get("/me/certificates/GX2026-110105-000999.pdf").status_code == 404


def test_the_api_lists_and_issues_the_trainees_certificates(client, trainee, course):
    assert client.get("/api/v1/me/certificates").get_json() == {"items": []}
    credit(trainee, course)
    response = client.post("/api/v1/me/certificates", json={"kind": "year", "year": 2026})
    assert response.status_code == 201
    again = client.post("/api/v1/me/certificates", json={"kind": "year", "year": 2026})
    assert again.status_code == 200 and again.get_json()["number"] == response.get_json()["number"]
    assert client.post("/api/v1/me/certificates", json={"kind": "course", "year": 2026}).status_code == 422
    assert client.post("/api/v1/me/certificates", json={"kind": "year", "year": 2020}).status_code == 404
    items = client.get("/api/v1/me/certificates").get_json()["items"]
    number = response.get_json()["number"]
    assert [(i["number"], i["kind"], i["year"], i["hours"]) for i in items] == [(number, "year", 2026, 1.0)]
    assert items[0]["pdf_url"] == f"http://localhost/me/certificates/{number}.pdf"
    assert items[0]["verify_url"] == f"http://localhost/verify/{number}"


def test_the_api_needs_a_signed_in_trainee(client):
    assert client.get("/api/v1/me/certificates").status_code == 401
    assert client.get("/me/certificates").status_code == 302


def test_a_correction_writer_can_reissue_at_once(app, client, trainee, course, make_course):
    credit(trainee, course, tenths=20)
    other = make_course(title="网络安全法解读")
    credit(trainee, other, day=2)
    for kind, course_id in (("course", course.id), ("course", other.id), ("year", None)):
        issue(client, kind, 2026, course_id)
    before = {(c.kind, c.course_id): c.number for c in rows(trainee)}
    credit(trainee, course, tenths=-5, basis="correction", reason="重复计入", day=3)
    issued = certificates.refresh(trainee, 300, datetime(2026, 7, 1, tzinfo=UTC))
    db.session.commit()
    assert sorted((c.kind, c.hours_tenths) for c in issued) == [("course", 15), ("year", 25)]
    now_valid = {(c.kind, c.course_id): c.number for c in rows(trainee) if c.status == "valid"}
    assert now_valid[("course", other.id)] == before[("course", other.id)]  # untouched
    assert now_valid[("course", course.id)] != before[("course", course.id)]
    assert client.get(f"/api/v1/certificates/{before[('year', None)]}").get_json()["superseded_by"] == \
        now_valid[("year", None)]


def test_a_certificate_with_nothing_left_to_certify_is_withdrawn(client, trainee, course):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    number = only_valid(trainee, "course").number
    credit(trainee, course, tenths=-10, basis="correction", reason="误计", day=2)
    certificates.refresh(trainee, 300, datetime(2026, 7, 1, tzinfo=UTC))
    db.session.commit()
    assert [c.status for c in rows(trainee)] == ["superseded"]
    body = client.get(f"/api/v1/certificates/{number}").get_json()
    assert body["status"] == "superseded" and body["superseded_by"] is None
    assert "已作废" in client.get(f"/verify/{number}").get_data(as_text=True)
    assert "还没有可开具的学时证明" in client.get("/me/certificates").get_data(as_text=True)
