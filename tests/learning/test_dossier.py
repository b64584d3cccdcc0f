"""一人一档 (issue 21): a Guangzhou trainee's years from rows written through the ledger, on their
page, in the bureau officer's and the unit administrator's views (scope, audit), and as the
signed 继续教育登记 PDF that verifies by number and by file."""
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import bureau.integrity
import learning.dossier_api
import learning.dossier_views
import staff.staff_dossier
from accounts.models import AuditLog
from core.extensions import db
from core.policy.examples import GUANGDONG, NATIONAL
from learning import entries, ledger
from learning.models import Certificate
from notices.models import Notice
from openapi.openapi import spec
from tests.learning.exam_world import complete_lessons
from tests.openapi.openapi_checker import Checker

NOW = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)  # 9:00 in China: Guangdong's 公需 year 2026 is still open
GUANGDONG_CARRY = {**{k: v for k, v in GUANGDONG.items() if k != "checks"},
                   "carry_over": {"enabled": True, "types": ["zhuanye", "xuanxiu"], "max_hours": 10}}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    for module in (learning.dossier_views, learning.dossier_api, bureau.integrity, staff.staff_dossier):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)


def add(user, basis, year, tenths, kind, source):
    extra = {"reason": "系统迁移遗漏", "title": "补录"} if basis == "correction" else {"source_id": source}
    entries.add_entry(user, basis=basis, year=year, hours_tenths=tenths, subject_type=kind, now=NOW,
                      title=extra.pop("title", f"{basis}-{source}"), **extra)


@pytest.fixture
def trainee(store_rules, make_user, make_course):
    """2023–2025 met (2025 with 12 专业 over: 10 carry); 2026 one 公需 学时 short, its last course
    finished in March 2027 and credited to 2026 by Guangdong's 公需 window."""
    store_rules(NATIONAL, GUANGDONG_CARRY)
    person = make_user(real_name="林晓红", region_code="440106")
    source = iter(range(1, 100))
    for year, zhuanye in ((2023, 420), (2024, 420), (2025, 540), (2026, 320)):
        add(person, "transfer" if year < 2025 else "declared", year, 300 if year < 2026 else 280, "gongxu",
            next(source))
        add(person, "declared", year, zhuanye, "zhuanye", next(source))
        add(person, "partner", year, 180, "xuanxiu", next(source))
    course = make_course(title="应急管理概论", lessons=1, lesson_seconds=2700, subject_type="gongxu")
    complete_lessons(person, course, NOW)
    record = ledger.credit_course_if_complete(person.id, course.id, NOW)
    assert (record.year, record.hours_tenths) == (2026, 10)
    db.session.commit()
    return person


def rows(html: str, year: int, kind: str) -> str:
    start = html.rindex("<tr", 0, html.index(f'data-year="{year}" data-type="{kind}"'))
    return html[start:html.index("</tr>", start)]


def test_the_trainee_sees_every_year_by_type_and_origin_with_carry_over(client, login, trainee):
    login(trainee)
    assert 'href="/me/record"' in client.get("/me/learning").get_data(as_text=True)
    html = client.get("/me/record").get_data(as_text=True)
    assert '<td class="hours carried-out" data-label="结转转出">10.0</td>' in rows(html, 2025, "zhuanye")
    zhuanye_2026 = rows(html, 2026, "zhuanye")
    assert 'carried-in" data-label="结转转入">10.0<' in zhuanye_2026
    assert 'counted" data-label="计入">42.0<' in zhuanye_2026
    total_2026 = rows(html, 2026, "total")
    assert "在线学习 1.0" in total_2026 and "线下培训 60.0" in total_2026 and "合作平台 18.0" in total_2026
    assert "（学时年度进行中）" in total_2026 and "未达标" in total_2026
    assert "外省转入 30.0" in rows(html, 2024, "total")
    assert 'data-eligible="no"' in html and "2026 年公需科目差 1.0 学时" in html


def test_a_correction_that_fills_the_short_year_makes_the_trainee_eligible(client, login, trainee):
    add(trainee, "correction", 2026, 10, "gongxu", None)
    db.session.commit()
    login(trainee)
    html = client.get("/me/record").get_data(as_text=True)
    assert 'data-eligible="yes"' in html and "近 4 年（2023—2026）每年均达到学时要求" in html


def test_without_carry_over_the_surplus_stays_in_its_year(client, login, store_rules, make_user):
    store_rules(NATIONAL)
    person = make_user(region_code="110105")
    add(person, "declared", 2025, 400, "gongxu", 1)
    add(person, "declared", 2026, 250, "gongxu", 2)
    db.session.commit()
    login(person)
    html = client.get("/me/record").get_data(as_text=True)
    assert 'carried-out" data-label="结转转出">0.0<' in rows(html, 2025, "gongxu")
    assert "2026 年公需科目差 5.0 学时" in html and "2023 年公需科目差 30.0 学时" in html


def pdf_text(data: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (Debian poppler-utils) is needed to read the PDF"
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, timeout=60,
                          capture_output=True)
    return "".join(done.stdout.decode("utf-8").split())


def test_the_printable_record_is_signed_and_verifies(client, app, login, trainee, tmp_path):
    login(trainee)
    assert client.post("/me/record/document").status_code == 302
    cert = db.session.scalars(select(Certificate).where(Certificate.kind == "record")).one()
    assert cert.number.startswith("GX2027-440106-") and cert.status == "valid"
    response = client.get(f"/me/certificates/{cert.number}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "专业技术人员继续教育登记" in text and "林晓红" in text and cert.number in text
    assert "2026年公需科目差1.0学时" in text and "暂不符合职称评审的继续教育条件" in text
    (tmp_path / "record.pdf").write_bytes(response.data)
    verified = app.test_cli_runner().invoke(args=["certificates", "verify", str(tmp_path / "record.pdf")])
    assert verified.exit_code == 0, verified.output
    page = app.test_client().get(f"/verify/{cert.number}").get_data(as_text=True)
    assert "有效" in page and "继续教育登记" in page and 'data-year="2025"' in page
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "record_document_issued")) is not None
    assert client.post("/me/record/document").status_code == 302  # unchanged: the same one
    assert db.session.scalars(select(Certificate).where(Certificate.kind == "record")).all() == [cert]


def test_a_ledger_entry_supersedes_the_record_and_another_can_be_issued(client, app, login, trainee):
    login(trainee)
    client.post("/me/record/document")
    first = db.session.scalars(select(Certificate).where(Certificate.kind == "record")).one()
    add(trainee, "correction", 2026, 10, "gongxu", None)
    db.session.commit()
    page = app.test_client().get(f"/verify/{first.number}").get_data(as_text=True)
    assert "已作废" in page
    notice = db.session.scalar(select(Notice).where(Notice.title.contains(first.number)))
    assert notice.link == "/me/record"  # where the trainee issues the next one
    client.post("/me/record/document")
    current = db.session.scalars(select(Certificate).where(Certificate.kind == "record",
                                                           Certificate.status == "valid")).one()
    assert current.requirement_met and current.payload["eligibility"]["eligible"]


def test_another_trainee_cannot_download_the_record(client, sign_in, trainee, make_user):
    sign_in(trainee)
    client.post("/me/record/document")
    cert = db.session.scalars(select(Certificate).where(Certificate.kind == "record")).one()
    sign_in(make_user(region_code="440106"))
    assert client.get(f"/me/certificates/{cert.number}.pdf").status_code == 404


def test_the_regions_officer_sees_the_years_and_the_look_up_is_audited(client, sign_in, trainee, make_user):
    sign_in(trainee)
    client.post("/me/record/document")
    sign_in(make_user("bureau", region_code="440000"))
    html = client.get(f"/bureau/trainees/{trainee.id}").get_data(as_text=True)
    assert "一人一档：历年学时" in html and "2026 年公需科目差 1.0 学时" in html
    assert "<td>继续教育登记</td>" in html  # the issued record among the certificates
    assert 'carried-in" data-label="结转转入">10.0<' in rows(html, 2026, "zhuanye")
    logged = db.session.scalars(select(AuditLog).where(AuditLog.action == "trainee_record_viewed")).all()
    assert [row.target for row in logged] == [f"user:{trainee.id}"]


def test_another_regions_officer_is_refused(client, login, trainee, make_user):
    login(make_user("bureau", region_code="110000"))
    assert client.get(f"/bureau/trainees/{trainee.id}").status_code == 404


def test_the_unit_administrator_sees_a_confirmed_staff_members_years(client, login, trainee, make_user, make_unit,
                                                                     link_to_unit):
    unit = make_unit(region_code="440106")
    link_to_unit(trainee, unit)
    admin = make_user("unit_admin", unit_id=unit.id, region_code="440106")
    login(admin)
    assert f'href="/unit/staff/{trainee.id}/record"' in client.get("/unit/").get_data(as_text=True)
    html = client.get(f"/unit/staff/{trainee.id}/record").get_data(as_text=True)
    assert "林晓红 的一人一档" in html and trainee.id_number not in html and trainee.masked_id_number in html
    assert "2026 年公需科目差 1.0 学时" in html
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit_staff_record_viewed"))
    assert logged.target == f"user:{trainee.id}"


@pytest.mark.parametrize("status", ["pending", None])
def test_another_units_administrator_and_unconfirmed_staff_are_refused(client, login, trainee, make_user, make_unit,
                                                                        link_to_unit, status):
    unit, other = make_unit(region_code="440106"), make_unit(name="另一单位", region_code="440106")
    if status:
        link_to_unit(trainee, unit, status)
        admin = make_user("unit_admin", unit_id=unit.id, region_code="440106")
    else:
        link_to_unit(trainee, unit)
        admin = make_user("unit_admin", unit_id=other.id, region_code="440106")
    login(admin)
    assert client.get(f"/unit/staff/{trainee.id}/record").status_code == 404


def test_only_trainees_have_the_page(client, login, make_user):
    login(make_user("bureau", region_code="440000"))
    assert client.get("/me/record").status_code == 403
    assert client.post("/me/record/document").status_code == 403




def test_the_api_gives_the_years_the_look_back_and_the_issued_record(client, sign_in, trainee):
    sign_in(trainee)
    client.post("/me/record/document")
    response = client.get("/api/v1/me/record")
    body = Checker(spec()).check(response, "/api/v1/me/record", "get").get_json()
    years = {year["year"]: year for year in body["years"]}
    assert body["current_year"] == 2027 and [year["year"] for year in body["years"]][:2] == [2027, 2026]
    assert years[2026]["by_type"]["zhuanye"] == {"credited_hours": 32.0, "carried_in_hours": 10.0,
                                                  "carried_out_hours": 0.0, "counted_hours": 42.0,
                                                  "required_hours": 42.0}
    assert years[2026]["by_origin"] == {"completion": 1.0, "declared": 60.0, "partner": 18.0}
    assert body["eligibility"] == {"eligible": False, "review_years": 4, "years": [2023, 2024, 2025, 2026],
                                   "shortfalls": [{"year": 2026, "kind": "gongxu", "hours": 1.0}]}
    assert body["document"]["kind"] == "record" and body["document"]["pdf_url"].endswith(".pdf")
    verified = Checker(spec()).check(client.get(f"/api/v1/certificates/{body['document']['number']}"),
                                     "/api/v1/certificates/{number}", "get").get_json()
    assert verified["status"] == "valid" and verified["years"][1]["year"] == 2026


def test_the_api_is_for_trainees_only(client, sign_in, make_user):
    sign_in(make_user("bureau", region_code="440000"))
    response = client.get("/api/v1/me/record")
    assert response.status_code == 403 and response.get_json()["error"]["code"]
