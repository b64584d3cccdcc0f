"""``flask --app app certificates verify NUMBER_OR_FILE``: offline verification of numbers, PDFs and JSON files."""
import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.extensions import db
from learning import certificates, signing, verification
from tests.learning.test_certificates_web import credit, issue, only_valid


@pytest.fixture
def cert(client, make_user, login, make_course):
    user = make_user(real_name="王小明")
    login(user)
    course = make_course()
    credit(user, course)
    issue(client, "course", 2026, course.id)
    return only_valid(user, "course")


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["certificates", "verify", *map(str, args)])


def write_json(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_number_verifies_against_its_signature(app, cert):
    result = verify(app, cert.number)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"VALID {cert.number}") and "1.0 学时" in result.output


def test_a_tampered_number_is_invalid(app, cert):
    cert.payload = {**cert.payload, "holder": {**cert.payload["holder"], "name": "李四"}}
    db.session.commit()
    result = verify(app, cert.number)
    assert result.exit_code == 1 and result.output.startswith(f"INVALID {cert.number}")
    assert "签名无效" in result.output


def test_unknown_and_malformed_targets_fail(app):
    result = verify(app, "GX2026-110105-999999")
    assert result.exit_code == 1 and "INVALID" in result.output and "没有这个编号" in result.output
    assert verify(app, "no-such-thing").exit_code == 2  # a usage error


def test_a_downloaded_pdf_verifies(app, client, cert, tmp_path):
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(client.get(f"/me/certificates/{cert.number}.pdf").data)
    result = verify(app, pdf)
    assert result.exit_code == 0 and result.output.startswith(f"VALID {cert.number}"), result.output


def test_a_json_file_verifies_and_a_changed_one_does_not(app, cert, tmp_path):
    document = certificates.document(cert)
    assert verify(app, write_json(tmp_path / "ok.json", document)).exit_code == 0
    tampered = {**document, "payload": {**document["payload"], "hours": 20.0}}
    result = verify(app, write_json(tmp_path / "bad.json", tampered))
    assert result.exit_code == 1 and "签名无效" in result.output
    forged_key = Ed25519PrivateKey.generate()
    forged = {**document, "signature": base64.b64encode(
        forged_key.sign(verification.canonical_bytes(document["payload"]))).decode()}
    assert verify(app, write_json(tmp_path / "forged.json", forged)).exit_code == 1


def test_a_superseded_certificate_file_is_no_longer_valid(app, client, cert, tmp_path):
    document = certificates.document(cert)
    credit(cert.user, cert.course, tenths=-5, basis="correction", reason="更正", day=2)
    issue(client, "course", 2026, cert.course_id)
    newer = only_valid(cert.user, "course")
    result = verify(app, write_json(tmp_path / "old.json", document))
    assert result.exit_code == 1 and newer.number in result.output
    assert verify(app, cert.number).exit_code == 1 and verify(app, newer.number).exit_code == 0


def test_a_published_public_key_can_be_given(app, client, cert, tmp_path):
    pem = tmp_path / "public.pem"
    pem.write_text(client.get("/api/v1/certificates/public-key").get_json()["public_key_pem"])
    document = write_json(tmp_path / "cert.json", certificates.document(cert))
    assert verify(app, "--public-key", pem, document).exit_code == 0
    other = tmp_path / "other.pem"
    other.write_text(signing.public_pem(Ed25519PrivateKey.generate().public_key()))
    result = verify(app, "--public-key", other, document)
    assert result.exit_code == 1 and "签名无效" in result.output


def test_a_file_that_is_no_certificate_is_invalid(app, tmp_path):
    for name, content in (("x.pdf", b"%PDF-1.4 nothing"), ("x.json", b"[1, 2]"), ("x.txt", b"hello")):
        (tmp_path / name).write_bytes(content)
        result = verify(app, tmp_path / name)
        assert result.exit_code == 1 and "不是学时证明" in result.output
