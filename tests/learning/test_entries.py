"""learning.entries.add_entry: declared trainings and corrections in the ledger, the totals,
the certificates they outdate and the notice the trainee gets."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from learning import certificates, certifying, entries, progress
from learning.models import Certificate, CreditRecord
from notices.models import Notice

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


def completion(user, course, tenths, subject_type="gongxu", year=2026) -> CreditRecord:
    at = datetime(year, 6, 1, 4, 0, tzinfo=UTC)
    row = CreditRecord(user_id=user.id, course_id=course.id, year=year, hours_tenths=tenths,
                       subject_type=subject_type, basis="completion", awarded_at=at, updated_at=at)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def trainee(make_user):
    return make_user(real_name="李学员", region_code="110105")


def test_a_declared_training_counts_in_the_years_total_and_its_type(trainee, make_course):
    completion(trainee, make_course(title="数字经济概论"), 20)
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="zhuanye", now=NOW,
                      title="省级高研班", source_id=501)
    db.session.commit()
    assert progress.credited_by_type(trainee.id, 2026) == {"gongxu": 20, "zhuanye": 40}
    assert progress.year_totals(trainee.id) == {2026: 6.0}
    lines = progress.year_credits(trainee.id, 2026)
    assert [(line.basis, line.title, line.hours, line.source_id) for line in lines] == [
        ("completion", "数字经济概论", 2.0, None), ("declared", "省级高研班", 4.0, 501)]
    assert progress.year_standing(trainee.id, trainee.region_code, 2026, NOW).total == 60


def test_a_declared_training_is_a_line_of_the_year_certificate_and_never_a_course_certificate(trainee,
                                                                                                   make_course):
    course = make_course(title="数字经济概论")
    completion(trainee, course, 20)
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="gongxu", now=NOW,
                      title="省级高研班", source_id=7)
    bases = certificates.available(trainee.id, certifying.requirement(trainee))
    assert [(b.kind, b.course_id) for b in bases] == [("year", None), ("course", course.id)]
    payload = certificates.content(bases[0])
    assert payload["courses"][1] == {"id": None, "title": "省级高研班", "category": "", "category_name": "线下培训",
                                     "hours": 4.0, "basis": "declared"}
    assert payload["hours"] == 6.0


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused_and_nothing_is_written(trainee, make_course, reason):
    row = completion(trainee, make_course(), 20)
    with pytest.raises(ValueError):
        entries.add_entry(trainee, basis="correction", year=2026, hours_tenths=-10, subject_type="gongxu",
                          now=NOW, course_id=row.course_id, source_id=row.id, reason=reason)
    db.session.rollback()
    assert db.session.scalars(select(CreditRecord.basis)).all() == ["completion"]


def test_a_reduction_below_the_requirement_supersedes_the_year_certificate_and_tells_the_trainee(trainee,
                                                                                                  make_course):
    required = int(certifying.requirement(trainee)(2026).total_tenths)
    row = completion(trainee, make_course(title="全年公需课"), required)
    year_cert, created = certificates.issue(trainee, ("year", 2026, None), certifying.requirement(trainee), NOW)
    db.session.commit()
    assert created and year_cert.requirement_met
    entries.add_entry(trainee, basis="correction", year=2026, hours_tenths=-10, subject_type=row.subject_type,
                      now=NOW, course_id=row.course_id, source_id=row.id, reason="重复计入的课程")
    db.session.commit()
    db.session.expire_all()
    old = db.session.get(Certificate, year_cert.id)
    assert old.status == "superseded"
    successor = db.session.get(Certificate, old.superseded_by_id) if old.superseded_by_id else None
    assert successor is None or (not successor.requirement_met and successor.hours_tenths == required - 10)
    notice = db.session.scalars(select(Notice).where(Notice.user_id == trainee.id)).one()
    assert notice.kind == "certificate_superseded" and old.number in notice.title


def test_a_reduction_of_a_whole_declared_training_leaves_nothing_to_certify(trainee):
    declared = entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="gongxu",
                                 now=NOW, title="专题讲座", source_id=9)
    cert, _created = certificates.issue(trainee, ("year", 2026, None), certifying.requirement(trainee), NOW)
    db.session.commit()
    entries.add_entry(trainee, basis="correction", year=2026, hours_tenths=-40, subject_type="gongxu", now=NOW,
                      source_id=declared.id, reason="培训未实际举办", title="专题讲座")
    db.session.commit()
    db.session.expire_all()
    cert = db.session.get(Certificate, cert.id)
    assert cert.status == "superseded" and cert.superseded_by_id is None
    lines = progress.year_credits(trainee.id, 2026)
    assert [(line.basis, line.tenths, [r.reason for r in line.corrections]) for line in lines] == [
        ("declared", 0, ["培训未实际举办"])]


@pytest.mark.parametrize("basis", ["partner", "transfer"])
def test_a_row_from_a_partner_or_another_province_counts_once_per_source(trainee, basis):
    entries.add_entry(trainee, basis=basis, year=2026, hours_tenths=30, subject_type="gongxu", now=NOW,
                      title="市级平台课程", source_id=11)
    db.session.commit()
    assert progress.credited_by_type(trainee.id, 2026) == {"gongxu": 30}
    with pytest.raises(IntegrityError):
        entries.add_entry(trainee, basis=basis, year=2026, hours_tenths=30, subject_type="gongxu", now=NOW,
                          title="市级平台课程", source_id=11)
    db.session.rollback()
    assert progress.credited_by_type(trainee.id, 2026) == {"gongxu": 30}


@pytest.mark.parametrize("basis", ["partner", "transfer"])
@pytest.mark.parametrize("tenths, source_id", [(-10, 11), (10, None)])
def test_a_partner_or_transfer_row_has_positive_hours_and_a_source(trainee, basis, tenths, source_id):
    with pytest.raises(ValueError):
        entries.add_entry(trainee, basis=basis, year=2026, hours_tenths=tenths, subject_type="gongxu", now=NOW,
                          source_id=source_id)
    assert db.session.scalars(select(CreditRecord)).all() == []
