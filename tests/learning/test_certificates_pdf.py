"""The certificate PDF: it opens, reads as Chinese text, scans to its verification page, carries its signature."""
import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from learning import certificate_pdf, signing, verification
from tests.learning.test_certificates_web import credit, issue, only_valid


@pytest.fixture
def trainee(make_user, login):
    user = make_user(real_name="王小明", employer="杭州市第二中学", region_code="330102")
    login(user)
    return user


def download(client, cert) -> bytes:
    response = client.get(f"/me/certificates/{cert.number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="{cert.number}.pdf"' in response.headers["Content-Disposition"]
    return response.data


def text_of(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_codes(data: bytes, tmp_path) -> list[str]:
    """Render the first page as a person's printer would, and scan it."""
    assert shutil.which("pdftoppm"), "pdftoppm (Debian poppler-utils) is needed to render the PDF"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60, capture_output=True)
    with Image.open(tmp_path / "page.png") as image:
        return [result.text for result in zxingcpp.read_barcodes(image)]


def test_a_course_certificate_pdf_reads_and_scans(client, trainee, make_course, make_category, tmp_path):
    course = make_course(title="知识产权保护实务", category=make_category("ip"), lessons=3)  # 1.5 学时
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    data = download(client, cert)
    text = text_of(data)
    for expected in ("专业技术人员继续教育公需科目学时证明", "王小明", trainee.masked_id_number, "杭州市第二中学",
                     "知识产权保护实务", "知识产权", "1.5 学时", "知新公需科目学习平台", cert.number):
        assert expected in text, expected
    assert trainee.id_number not in text
    assert qr_codes(data, tmp_path) == [f"http://localhost/verify/{cert.number}"]


def test_the_pdf_carries_the_signed_payload(client, trainee, make_course):
    course = make_course()
    credit(trainee, course)
    issue(client, "course", 2026, course.id)
    cert = only_valid(trainee, "course")
    document = certificate_pdf.extract(download(client, cert))
    assert document["payload"] == cert.payload and document["algorithm"] == "Ed25519"
    published = client.get("/api/v1/certificates/public-key").get_json()
    assert published["algorithm"] == "Ed25519" and document["key_id"] == published["key_id"]
    key = signing.load_public_key(published["public_key_pem"].encode())
    assert verification.document_problems(document["payload"], document["signature"], key) == []
    assert verification.document_problems({**document["payload"], "hours": 9.0}, document["signature"], key)


def test_a_year_certificate_lists_its_courses_and_says_it_is_met(app, client, trainee, make_course, tmp_path):
    app.config["ANNUAL_REQUIRED_HOURS"] = 2
    for day, title in enumerate(("数字经济概论", "网络安全法解读"), start=1):
        credit(trainee, make_course(title=title), day=day)
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    data = download(client, cert)
    text = text_of(data)
    for expected in ("年度学时证明", "数字经济概论", "网络安全法解读", "2.0 学时", "达标", "2026"):
        assert expected in text, expected
    assert qr_codes(data, tmp_path) == [f"http://localhost/verify/{cert.number}"]


def test_a_year_below_the_requirement_is_not_marked_met(client, trainee, make_course):
    credit(trainee, make_course())
    issue(client, "year", 2026)
    text = text_of(download(client, only_valid(trainee, "year")))
    assert "尚未达标" in text and "已达到" not in text


def test_a_file_that_is_no_certificate_has_no_payload():
    assert certificate_pdf.extract(b"%PDF-1.4 nonsense") is None
    assert certificate_pdf.extract(b"not a pdf") is None
