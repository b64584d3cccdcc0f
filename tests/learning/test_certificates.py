"""Certificate rules without the app: numbers, what the ledger supports, the canonical payload."""
import base64
import json
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from learning import certificates as c
from learning import verification
from learning.certificates import Holder, LedgerRow

NOW = datetime(2026, 5, 10, 17, 30, tzinfo=UTC)
HOLDER = Holder("张三丰", "110105********002X", "北京市第一医院", "110105")


def row(course_id, year, tenths, basis="completion", title=None):
    return LedgerRow(course_id, title or f"课程{course_id}", "digital", "数字技术", year, tenths, basis)


def test_numbers_carry_year_region_and_a_six_digit_serial():
    assert c.format_number(2026, "110105", 123) == "GX2026-110105-000123"
    assert c.format_number(2026, "", 7) == "GX2026-000000-000007"
    assert c.format_number(2027, "440300", 1234567) == "GX2027-440300-1234567"
    assert verification.is_number("GX2026-110105-000123")
    for wrong in ("GX2026-110105-123", "gx2026-110105-000123", "GX2026-110105-000123x", "../etc", ""):
        assert not verification.is_number(wrong)


def test_names_are_masked_for_the_public():
    assert verification.mask_name("张三") == "张*"
    assert verification.mask_name("张三丰") == "张*丰"
    assert verification.mask_name("欧阳修远") == "欧**远"


def test_a_completed_course_gets_a_certificate_with_its_corrections_added():
    rows = [row(1, 2026, 20), row(2, 2026, 15), row(2, 2026, -5, basis="correction"), row(3, 2026, 10, "correction")]
    courses = {b.course_id: b for b in c.course_bases(rows)}
    assert set(courses) == {1, 2}  # course 3 has a correction but no completion
    assert courses[2].tenths == 10 and courses[2].year == 2026 and courses[2].requirement_met is None


def test_a_course_corrected_to_nothing_gets_no_certificate():
    assert c.course_bases([row(1, 2026, 20), row(1, 2026, -20, "correction")]) == []


def test_year_certificates_are_marked_met_from_the_required_hours():
    rows = [row(1, 2025, 300), row(2, 2026, 200), row(3, 2026, 99)]
    years = {b.year: b for b in c.year_bases(rows, 300)}
    assert years[2025].requirement_met and years[2025].tenths == 300
    assert not years[2026].requirement_met and years[2026].tenths == 299
    assert [line.course_id for line in years[2026].lines] == [2, 3]


def test_bases_list_the_newest_year_first_with_its_year_certificate_first():
    bases = c.bases_from_ledger([row(5, 2025, 10), row(2, 2026, 10), row(1, 2026, 10)], 300)
    assert [b.key for b in bases] == [("year", 2026, None), ("course", 2026, 1), ("course", 2026, 2),
                                      ("year", 2025, None), ("course", 2025, 5)]


def test_the_canonical_payload_is_sorted_compact_utf8():
    basis = c.course_bases([row(1, 2026, 15, title="数字经济概论")])[0]
    payload = c.build_payload(basis, HOLDER, "GX2026-110105-000001", NOW)
    data = verification.canonical_bytes(payload)
    assert data.startswith(b'{"courses":[{"category":"digital","category_name":"')
    assert "数字经济概论".encode() in data and b" " not in data and b"\\u" not in data
    assert json.loads(data) == payload
    assert payload["issued_at"] == "2026-05-10T17:30:00Z" and payload["hours"] == 1.5
    assert payload["issuer"] == "知新公需科目学习平台"
    assert payload["holder"] == {"name": "张三丰", "id_number": "110105********002X", "employer": "北京市第一医院",
                                 "employer_confirmed": False}
    assert payload["issuing_body"] == {"name": "北京市人力资源和社会保障局", "region_code": "110000"}
    assert payload["title"] == "课程学时证明" and payload["version"] == 2


def test_a_year_below_the_requirement_is_titled_a_record():
    below, met = (c.build_payload(c.year_bases([row(1, 2026, 20)], required)[0], HOLDER, "GX2026-110105-000001", NOW)
                  for required in (300, 20))
    assert (below["title"], met["title"]) == ("年度学时记录（未达标）", "年度学时证明")


def test_a_holder_without_a_region_names_no_issuing_body():
    holder = c.Holder("张三丰", "110105********002X", "北京市第一医院", "")
    payload = c.build_payload(c.course_bases([row(1, 2026, 15)])[0], holder, "GX2026-000000-000001", NOW)
    assert "issuing_body" not in payload and payload["issuer"] == "知新公需科目学习平台"


def test_a_certificate_is_unchanged_until_its_courses_or_hours_change():
    before = c.year_bases([row(1, 2026, 20)], 300)[0]
    payload = c.build_payload(before, HOLDER, "GX2026-110105-000001", NOW)
    assert c.unchanged(payload, c.year_bases([row(1, 2026, 20)], 300)[0])
    assert not c.unchanged(payload, c.year_bases([row(1, 2026, 20), row(2, 2026, 10)], 300)[0])
    assert not c.unchanged(payload, c.year_bases([row(1, 2026, 20), row(1, 2026, -5, "correction")], 300)[0])
    assert not c.unchanged(payload, c.year_bases([row(1, 2026, 20)], 20)[0])  # now 达标


def test_a_signed_payload_verifies_and_any_change_breaks_it():
    key = Ed25519PrivateKey.generate()
    payload = c.build_payload(c.course_bases([row(1, 2026, 15)])[0], HOLDER, "GX2026-110105-000001", NOW)
    signature = base64.b64encode(key.sign(verification.canonical_bytes(payload))).decode()
    assert verification.document_problems(payload, signature, key.public_key()) == []
    for tamper in ({"hours": 15.0}, {"holder": {**payload["holder"], "name": "李四"}}, {"year": 2025}):
        assert verification.document_problems({**payload, **tamper}, signature, key.public_key())
    assert verification.document_problems(payload, signature, Ed25519PrivateKey.generate().public_key())
    assert verification.document_problems(payload, "not base64!", key.public_key())
    assert verification.document_problems("a string", signature, key.public_key())
