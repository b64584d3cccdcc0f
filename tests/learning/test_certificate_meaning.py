"""Certificates that say what they mean (issue 20): a year below the requirement is a 学时记录（未达标）,
not a 学时证明, on the verification page, in the PDF and in the v1 look-up; the page shows the
employer (the unit that confirmed the holder, or what they typed) and the issuing bureau; page and
PDF speak to a person, the machine's way to verify is on the officers' help page; certificates
issued before all this still verify and read sensibly."""
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from core.extensions import db
from learning import certificates, signing
from learning.models import Certificate
from learning.verification import canonical_bytes
from tests.learning.test_certificates_web import credit, issue, only_valid

DEVELOPER_TEXT = ("Ed25519", "certificate.json", "/api/v1/certificates/public-key", "公钥")


@pytest.fixture
def trainee(make_user, login):
    user = make_user(real_name="王小明", employer="杭州市第二中学", region_code="330102")
    login(user)
    return user


@pytest.fixture
def course(make_course, make_category):
    return make_course(title="数字经济概论", category=make_category("digital"))  # 1.0 学时


def pdf_text(client, cert, tmp_path) -> str:
    """The PDF's text as poppler's pdftotext reads it (what a person copying from it gets)."""
    assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) is needed to read the PDF"
    response = client.get(f"/me/certificates/{cert.number}.pdf")
    assert response.status_code == 200
    path = tmp_path / f"{cert.number}.pdf"
    path.write_bytes(response.data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, timeout=60,
                          capture_output=True)
    return done.stdout.decode("utf-8")


def test_a_year_below_the_requirement_is_a_record_that_says_so(client, app, trainee, course, tmp_path):
    credit(trainee, course)  # 1 of 30 学时
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    assert cert.payload["title"] == "年度学时记录（未达标）" and cert.payload["version"] == 2
    page = app.test_client().get(f"/verify/{cert.number}").get_data(as_text=True)  # anyone, signed out
    assert "2026 年度学时记录（未达标）" in page and 'data-standing="not_met"' in page and "年度学时证明" not in page
    assert "不能作为达标证明" in page
    assert "杭州市第二中学" in page and "（本人填写）" in page  # the employer the trainee typed
    assert "浙江省人力资源和社会保障厅" in page and "知新公需科目学习平台" in page
    body = app.test_client().get(f"/api/v1/certificates/{cert.number}").get_json()
    assert (body["title"], body["standing"], body["requirement_met"]) == ("年度学时记录（未达标）", "not_met", False)
    assert body["holder"]["employer"] == "杭州市第二中学" and body["holder"]["employer_confirmed"] is False
    assert body["issuing_body"] == {"name": "浙江省人力资源和社会保障厅", "region_code": "330000"}
    [mine] = client.get("/api/v1/me/certificates").get_json()["items"]
    assert (mine["title"], mine["standing"]) == ("年度学时记录（未达标）", "not_met")
    assert "2026 年度学时记录（未达标）" in client.get("/me/certificates").get_data(as_text=True)
    text = pdf_text(client, cert, tmp_path)
    assert "学时记录（未达标）" in text and "学时证明" not in text and "尚未达标" in text
    assert "发证单位：浙江省人力资源和社会保障厅" in text


def test_a_year_at_the_requirement_is_a_certificate(client, app, trainee, course, tmp_path):
    app.config["ANNUAL_REQUIRED_HOURS"] = 1
    credit(trainee, course)
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    assert cert.requirement_met and cert.payload["title"] == "年度学时证明"
    page = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "2026 年度学时证明" in page and 'data-standing="met"' in page and "未达标" not in page
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert (body["title"], body["standing"]) == ("年度学时证明", "met")
    text = pdf_text(client, cert, tmp_path)
    assert "学时证明" in text and "学时记录" not in text and "达标" in text


def test_a_course_certificate_has_no_standing(client, trainee, course):
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert (body["title"], body["standing"]) == ("课程学时证明", None)
    page = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "课程学时证明" in page and "data-standing" not in page


def test_the_employer_is_the_unit_that_confirmed_the_holder(client, trainee, course, make_unit, link_to_unit):
    link_to_unit(trainee, make_unit(name="杭州市第二中学教育集团", region_code="330102"))
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    assert cert.payload["holder"]["employer"] == "杭州市第二中学教育集团"
    assert cert.payload["holder"]["employer_confirmed"] is True
    page = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "杭州市第二中学教育集团" in page and "单位已确认" in page


def test_a_pending_unit_is_not_the_employer_yet(client, trainee, course, make_unit, link_to_unit):
    link_to_unit(trainee, make_unit(name="杭州市第二中学教育集团", region_code="330102"), status="pending")
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    holder = only_valid(trainee, "course").payload["holder"]
    assert (holder["employer"], holder["employer_confirmed"]) == ("杭州市第二中学", False)


def test_page_and_pdf_speak_to_a_person_and_the_help_page_to_officers(app, client, trainee, course, tmp_path):
    credit(trainee, course)
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    page = app.test_client().get(f"/verify/{cert.number}").get_data(as_text=True)
    text = pdf_text(client, cert, tmp_path)
    for developer in DEVELOPER_TEXT:
        assert developer not in page and developer not in text, developer
    assert 'href="/help/verifying-certificates"' in page
    help_page = app.test_client().get("/help/verifying-certificates")
    assert help_page.status_code == 200
    html = help_page.get_data(as_text=True)
    key_id = client.get("/api/v1/certificates/public-key").get_json()["key_id"]
    assert 'href="/api/v1/certificates/public-key"' in html and key_id in html
    assert "Ed25519" in html and "certificate.json" in html and "/api/v1/certificates/" in html


def old_certificate(user, course, requirement_met: bool) -> Certificate:
    """A year certificate as the platform issued them before version 2: no title, no issuing
    body, no employer_confirmed; signed with the same key."""
    cert = Certificate(user_id=user.id, kind="year", year=2026, hours_tenths=10, requirement_met=requirement_met,
                       payload={}, signature="", issued_at=datetime(2026, 6, 2, 4, tzinfo=UTC))
    db.session.add(cert)
    db.session.flush()
    cert.number = certificates.format_number(2026, user.region_code, cert.id)
    cert.payload = {
        "kind": "year", "year": 2026, "hours": 1.0, "requirement_met": requirement_met, "required_hours": 30.0,
        "courses": [{"id": course.id, "title": "数字经济概论", "category": "digital", "category_name": "数字技术",
                     "hours": 1.0}],
        "version": 1, "number": cert.number,
        "holder": {"name": "王小明", "id_number": user.masked_id_number, "employer": "杭州市第二中学"},
        "issuer": "知新公需科目学习平台", "issued_at": "2026-06-02T04:00:00Z",
    }
    cert.signature = signing.sign(canonical_bytes(cert.payload))
    db.session.commit()
    return cert


def test_a_certificate_issued_with_the_old_payload_still_verifies_and_reads_sensibly(
        app, client, trainee, course, tmp_path):
    credit(trainee, course)
    cert = old_certificate(trainee, course, requirement_met=False)
    body = app.test_client().get(f"/api/v1/certificates/{cert.number}").get_json()
    assert body["status"] == "valid" and body["hours"] == 1.0
    assert (body["title"], body["standing"], body["issuing_body"]) == ("年度学时记录（未达标）", "not_met", None)
    assert body["holder"]["employer"] == "杭州市第二中学" and body["holder"]["employer_confirmed"] is None
    page = app.test_client().get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "有效" in page and "2026 年度学时记录（未达标）" in page and "杭州市第二中学" in page
    assert "本人填写" not in page and "单位已确认" not in page  # it said neither
    assert "知新公需科目学习平台" in page and "人力资源和社会保障" not in page
    # The trainee's list: the same year, nothing changed in the ledger, so nothing to reissue.
    assert "学时已变更" not in client.get("/me/certificates").get_data(as_text=True)
    text = pdf_text(client, cert, tmp_path)
    assert "学时记录（未达标）" in text and "发证单位：知新公需科目学习平台" in text
    result = app.test_cli_runner().invoke(args=["certificates", "verify", cert.number])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output and "年度学时记录（未达标）" in result.output
