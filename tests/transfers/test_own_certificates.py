"""A certificate of this platform given as a transfer's proof is checked at once, never
reviewed: the trainee's own (same ID number, so the same account) is said to be counted
already and nothing is written; someone else's, a forged or altered link or number, a
changed signature and a superseded certificate are refused with the reason and audited."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from learning import certificates, certifying
from learning.entries import add_entry
from learning.models import Certificate, CreditRecord
from tests.transfers.conftest import audit_rows, requests_of, submit, this_year
from transfers.own_certificates import Reference, classify

HOSTS = {"localhost", "zhixin.example.cn"}


def test_what_a_reference_is():
    number = "GX2025-110105-000123"
    assert classify("", HOSTS) == Reference("none")
    assert classify(number, HOSTS) == Reference("own", number)
    assert classify(number.lower(), HOSTS) == Reference("own", number)
    assert classify(f"https://zhixin.example.cn/verify/{number}", HOSTS) == Reference("own", number)
    assert classify(f"http://LOCALHOST:5000/api/v1/certificates/{number}?x=1", HOSTS) == Reference("own", number)
    assert classify("https://zhixin.example.cn/verify/not-a-number", HOSTS) == Reference("own", None)
    assert classify("https://zhixin.example.cn/courses/1", HOSTS) == Reference("own", None)
    assert classify(f"https://jxjy.beijing.example/verify/{number}", HOSTS) == Reference("foreign")
    assert classify("京继教证字2024第00123号", HOSTS) == Reference("foreign")


def year_certificate(user, officer, year: int) -> Certificate:
    """A real certificate of ``year``: a 补录 written through the ledger, then issued."""
    now = utcnow()
    add_entry(user, basis="correction", year=year, hours_tenths=300, subject_type="gongxu", now=now,
              title="2024年继续教育补录", reason="补录", recorded_by=officer)
    cert, created = certificates.issue(user, ("year", year, None), certifying.requirement(user), now)
    assert created
    db.session.commit()
    return cert


def ledger_size() -> int:
    db.session.expire_all()
    return db.session.scalar(select(db.func.count()).select_from(CreditRecord))


def test_the_trainees_own_certificate_is_counted_already(as_user, trainee, officer):
    cert = year_certificate(trainee, officer, this_year() - 1)
    before = ledger_size()
    for reference in (f"http://localhost/verify/{cert.number}", cert.number):
        response = submit(as_user(trainee), reference=reference, files=())
        assert response.status_code == 302 and response.location.endswith("/me/transfers")
        page = as_user(trainee).get(response.location).get_data(as_text=True)
        assert cert.number in page and "已计入您的学时记录，无需转入" in page
    assert requests_of(trainee) == [] and ledger_size() == before
    assert audit_rows() == []


def test_another_persons_certificate_is_refused(as_user, trainee, officer, make_user):
    other = make_user("trainee", region_code="110105", real_name="王小明")
    cert = year_certificate(other, officer, this_year() - 1)
    page = submit(as_user(trainee), reference=f"http://localhost/verify/{cert.number}").get_data(as_text=True)
    assert f"学时证明 {cert.number} 不是您本人的" in page
    assert requests_of(trainee) == [] and [(row.action, row.details["code"], row.actor_id) for row in audit_rows()] == \
        [("transfer.certificate_refused", "not_your_certificate", trainee.id)]


def test_a_forged_link_or_number_is_refused_and_audited(as_user, trainee, officer):
    cert = year_certificate(trainee, officer, this_year() - 1)
    altered = cert.number[:-1] + str((int(cert.number[-1]) + 1) % 10)  # a digit changed
    before = ledger_size()
    for reference, message in ((f"http://localhost/verify/{altered}", f"本平台没有编号为 {altered} 的学时证明"),
                               ("GX2020-110105-999999", "本平台没有编号为 GX2020-110105-999999 的学时证明"),
                               ("http://localhost/verify/GX20X5-1", "不是本平台的学时证明验证链接")):
        page = submit(as_user(trainee), reference=reference)
        assert page.status_code == 200 and message in page.get_data(as_text=True), reference
    assert requests_of(trainee) == [] and ledger_size() == before
    assert [row.details["code"] for row in audit_rows()] == ["certificate_not_found"] * 3


def test_a_certificate_whose_signed_content_was_changed_is_refused(as_user, trainee, officer, make_user):
    other = make_user("trainee", region_code="110105")
    cert = year_certificate(other, officer, this_year() - 1)
    cert.payload = {**cert.payload, "hours": 99.0}  # altered in the database: the signature no longer matches
    db.session.commit()
    page = submit(as_user(trainee), reference=cert.number).get_data(as_text=True)
    assert "签名无效，可能被篡改，不能转入" in page and requests_of(trainee) == []
    assert [row.details["code"] for row in audit_rows()] == ["certificate_invalid"]


def test_a_superseded_certificate_is_refused_naming_its_successor(as_user, trainee, officer):
    old = year_certificate(trainee, officer, this_year() - 1)
    add_entry(trainee, basis="correction", year=this_year() - 1, hours_tenths=20, subject_type="gongxu",
              now=utcnow(), reason="补录", recorded_by=officer)  # reissues the year's certificate
    db.session.commit()
    db.session.refresh(old)
    assert old.status == "superseded"
    successor = db.session.get(Certificate, old.superseded_by_id)
    page = submit(as_user(trainee), reference=old.number).get_data(as_text=True)
    assert f"学时证明 {old.number} 已作废，已由 {successor.number} 取代" in page
    assert requests_of(trainee) == [] and [row.details["code"] for row in audit_rows()] == ["certificate_superseded"]


def test_another_platforms_link_goes_to_the_bureau(as_user, trainee, officer):
    link = "https://jxjy.beijing.example/verify/GX2025-110105-000123"
    assert submit(as_user(trainee), reference=link, files=()).status_code == 302
    [request] = requests_of(trainee)
    assert request.reference == link and request.files == [] and request.status == "pending"
    page = as_user(officer).get(f"/bureau/transfers/{request.id}").get_data(as_text=True)
    assert f'href="{link}"' in page and 'rel="noopener noreferrer nofollow"' in page
