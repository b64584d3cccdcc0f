"""Year certificates with a declared training (线下学时): the line on the certificate, its PDF and
the public verification page; a declaration never makes a course certificate."""
from datetime import UTC, datetime

from sqlalchemy import select

from core.extensions import db
from learning import certificates, certifying, entries
from learning.models import Certificate, CreditRecord

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


def test_a_declared_training_is_listed_on_the_year_certificate_its_pdf_and_verification(
        client, make_user, make_course, login):
    trainee = make_user(real_name="王小明", region_code="330102")
    course = make_course(title="数字经济概论")
    at = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
    db.session.add(CreditRecord(user_id=trainee.id, course_id=course.id, year=2026, hours_tenths=20,
                                basis="completion", awarded_at=at, updated_at=at))
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="gongxu", now=NOW,
                      title="省级高研班", source_id=12)
    db.session.commit()
    login(trainee)
    assert client.post("/me/certificates", data={"kind": "year", "year": "2026"}).status_code == 302
    cert = db.session.scalars(select(Certificate).where(Certificate.kind == "year")).one()
    assert [(c["id"], c["title"], c["hours"], c.get("basis")) for c in cert.payload["courses"]] == [
        (course.id, "数字经济概论", 2.0, None), (None, "省级高研班", 4.0, "declared")]
    pdf = client.get(f"/me/certificates/{cert.number}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    page = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "省级高研班" in page and "线下培训" in page
    offers = certificates.offers(trainee.id, certifying.requirement(trainee))
    assert [(o.basis.kind, o.basis.course_id, o.state) for o in offers] == [("year", None, "current"),
                                                                         ("course", course.id, "none")]


def test_a_second_declared_training_outdates_the_year_certificate(make_user):
    trainee = make_user(region_code="330102")
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="gongxu", now=NOW,
                      title="讲座甲", source_id=1)
    cert, _created = certificates.issue(trainee, ("year", 2026, None), certifying.requirement(trainee), NOW)
    db.session.commit()
    assert [o.state for o in certificates.offers(trainee.id, certifying.requirement(trainee))] == ["current"]
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="gongxu", now=NOW,
                      title="讲座乙", source_id=2)  # the same hours under another title: another line
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).status == "superseded"
    successor = db.session.scalars(select(Certificate).where(Certificate.status == "valid")).one()
    assert [c["title"] for c in successor.payload["courses"]] == ["讲座甲", "讲座乙"]
