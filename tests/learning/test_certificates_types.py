"""The 年度学时证明 under a region's rules per subject type: 达标 only when every type and the
total are met, and the certificate states the types — in its PDF, on its verification page and
in the v1 look-up. Certificates issued before types were stated still verify."""
from datetime import UTC, datetime

import pytest

from core import policy
from core.extensions import db
from core.policy import ruledata
from core.policy.examples import GUANGDONG
from learning import certificates as c
from learning.certificates import LedgerRow
from learning.models import CreditRecord
from tests.learning.test_certificates_pdf import download, text_of
from tests.learning.test_certificates_web import issue, only_valid

GUANGZHOU = "440106"
RULES = ruledata.load(GUANGDONG)


def credit(user, course, tenths, subject_type, day=1):
    at = datetime(2026, 6, day, 4, tzinfo=UTC)
    db.session.add(CreditRecord(user_id=user.id, course_id=course.id, year=2026, hours_tenths=tenths,
                                subject_type=subject_type, rule_prefix="44", awarded_at=at, updated_at=at))
    db.session.commit()


@pytest.fixture
def trainee(store_rules, make_user, login, make_course):
    store_rules()
    user = make_user(real_name="王小明", employer="广州市第一中学", region_code=GUANGZHOU)
    login(user)
    credit(user, make_course(title="公需课", subject_type="gongxu"), 400, "gongxu")
    credit(user, make_course(title="专业课", subject_type="zhuanye"), 420, "zhuanye")
    credit(user, make_course(title="选修课一", subject_type="xuanxiu"), 100, "xuanxiu")
    return user


def test_a_year_is_met_only_when_every_type_is():
    def row(course_id, tenths, kind):
        return LedgerRow(course_id, f"课程{course_id}", "digital", "数字技术", 2026, tenths, "completion", kind)

    rows = [row(1, 400, "gongxu"), row(2, 420, "zhuanye"), row(3, 100, "xuanxiu")]
    [short] = c.year_bases(rows, lambda year: RULES)
    assert short.tenths == 920 and not short.requirement_met and short.required_tenths == 900
    assert [(t.subject_type, t.tenths, t.required_tenths, t.met) for t in short.types] == [
        ("gongxu", 400, 300, True), ("zhuanye", 420, 420, True), ("xuanxiu", 100, 180, False)]
    [met] = c.year_bases([*rows, row(4, 80, "xuanxiu")], lambda year: RULES)
    assert met.requirement_met and all(t.met for t in met.types)
    [total_only] = c.year_bases(rows, 900)  # a total alone: the types are not stated
    assert total_only.requirement_met and total_only.types is None


def test_a_short_type_refuses_the_mark_and_the_certificate_says_which(client, trainee):
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    assert not cert.requirement_met and cert.payload["requirement_met"] is False
    assert cert.payload["by_type"]["xuanxiu"] == {"credited_hours": 10.0, "required_hours": 18.0, "met": False}
    page = client.get("/me/certificates").get_data(as_text=True)
    assert "尚未达标的科目：选修科目" in page
    verify = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "未满足" in verify and 'data-type="xuanxiu"' in verify and '<span class="badge ok">达标' not in verify
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert body["requirement_met"] is False and body["by_type"]["xuanxiu"]["met"] is False
    text = text_of(download(client, cert))
    assert "选修科目" in text and "尚未达标" in text


def test_when_every_type_is_met_the_certificate_is_marked_and_states_the_types(client, trainee, make_course):
    credit(trainee, make_course(title="选修课二", subject_type="xuanxiu"), 80, "xuanxiu", day=2)
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    assert cert.requirement_met and cert.payload["required_hours"] == 90.0
    assert cert.payload["by_type"] == {
        "gongxu": {"credited_hours": 40.0, "required_hours": 30.0, "met": True},
        "zhuanye": {"credited_hours": 42.0, "required_hours": 42.0, "met": True},
        "xuanxiu": {"credited_hours": 18.0, "required_hours": 18.0, "met": True},
    }
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert body["status"] == "valid" and body["requirement_met"] is True
    assert body["by_type"]["zhuanye"] == {"credited_hours": 42.0, "required_hours": 42.0, "met": True}
    verify = client.get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "有效" in verify and "专业科目" in verify and "达标" in verify
    text = text_of(download(client, cert))
    for expected in ("公需科目", "专业科目", "选修科目", "达标", "各类科目"):
        assert expected in text, expected


def test_a_certificate_issued_before_types_were_stated_still_verifies(client, trainee):
    cert, created = c.issue(trainee, ("year", 2026, None), policy.required_tenths(GUANGZHOU),
                                       datetime(2026, 7, 1, tzinfo=UTC))
    db.session.commit()
    assert created and "by_type" not in cert.payload
    body = client.get(f"/api/v1/certificates/{cert.number}").get_json()
    assert body["status"] == "valid" and body["by_type"] is None
    assert "有效" in client.get(f"/verify/{cert.number}").get_data(as_text=True)
