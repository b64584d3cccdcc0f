"""The whole way of a declaration through the API: declared by the trainee, approved by the
unit and by the bureau, credited as a ``declared`` row; returned, fixed and resubmitted;
withdrawn; a locked year refused. Runs on SQLite and, with ZHIXIN_TEST_DATABASE_URL, PostgreSQL."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from declarations.models import Declaration
from learning.models import CreditRecord
from provinces import store as rule_store
from tests.declarations.conftest import audit_rows, fields, notices, with_files, yesterday


def declare(client, **changes):
    return client.post("/api/v1/me/declarations", data=with_files(fields(**changes)),
                       content_type="multipart/form-data")


def test_a_declaration_through_both_reviews_becomes_declared_credit(as_user, trainee, unit_admin, officer):
    response = declare(as_user(trainee))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "unit_review" and body["hours"] == 8 and body["default_hours"] == 8
    assert body["year"] == yesterday().year and len(body["files"]) == 1
    number = body["id"]

    assert as_user(officer).get("/api/v1/bureau/declarations").get_json()["declarations"] == []
    queue = as_user(unit_admin).get("/api/v1/unit/declarations").get_json()["declarations"]
    assert [row["id"] for row in queue] == [number]
    assert queue[0]["trainee"]["real_name"] == "陈学文" and "*" in queue[0]["trainee"]["id_number"]
    decided = as_user(unit_admin).post(f"/api/v1/unit/declarations/{number}/decision", json={"approve": True})
    assert decided.status_code == 200 and decided.get_json()["status"] == "bureau_review"

    queue = as_user(officer).get("/api/v1/bureau/declarations").get_json()["declarations"]
    assert [(row["id"], row["unit"]["name"]) for row in queue] == [(number, "深圳市南山区人民医院")]
    decided = as_user(officer).post(f"/api/v1/bureau/declarations/{number}/decision", json={"approve": True})
    assert decided.status_code == 200 and decided.get_json()["status"] == "approved"

    record = db.session.scalar(select(CreditRecord).where(CreditRecord.user_id == trainee.id))
    assert (record.basis, record.source_id, record.hours_tenths, record.subject_type, record.course_id) == \
        ("declared", number, 80, "zhuanye", None)
    assert record.title == "医院感染管理培训班" and record.recorded_by_id == officer.id
    steps = as_user(trainee).get(f"/api/v1/me/declarations/{number}").get_json()["steps"]
    assert [(step["by"], step["action"]) for step in steps] == \
        [("trainee", "submitted"), ("unit", "unit_approved"), ("bureau", "approved")]
    assert [row.action for row in audit_rows()] == \
        ["declaration.submitted", "declaration.unit_approved", "declaration.approved"]
    approved = [n for n in notices(trainee) if n.kind == "declaration_approved"]
    assert len(approved) == 1 and approved[0].link == f"/me/declarations/{number}"
    # Approved is final: no second credit, no withdrawal.
    assert as_user(officer).post(f"/api/v1/bureau/declarations/{number}/decision",
                                 json={"approve": True}).status_code == 409
    assert as_user(trainee).post(f"/api/v1/me/declarations/{number}/withdraw").status_code == 409
    assert db.session.scalar(select(db.func.count()).select_from(CreditRecord)) == 1


def test_returned_fixed_and_resubmitted(as_user, client, trainee, unit_admin, officer):
    number = declare(as_user(trainee), hours="6", hours_reason="下午缺席半天").get_json()["id"]
    refused = as_user(unit_admin).post(f"/api/v1/unit/declarations/{number}/decision", json={"approve": False})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_reason"
    returned = client.post(f"/api/v1/unit/declarations/{number}/decision",
                           json={"approve": False, "reason": "请补充结业证书"})
    assert returned.get_json()["status"] == "returned" and returned.get_json()["reason"] == "请补充结业证书"
    notice = [n for n in notices(trainee) if n.kind == "declaration_returned"][0]
    assert notice.body == "请补充结业证书" and notice.link == f"/me/declarations/{number}"

    declaration = db.session.get(Declaration, number)
    old_file = declaration.files[0].id
    page = as_user(trainee).post(f"/me/declarations/{number}/edit", data=with_files(
        fields(hours="6", hours_reason="下午缺席半天", remove_files=[str(old_file)]),
        (b"%PDF-1.4\n%%EOF\n", "certificate.pdf")), content_type="multipart/form-data")
    assert page.status_code == 302, page.get_data(as_text=True)
    db.session.expire_all()
    declaration = db.session.get(Declaration, number)
    assert declaration.status == "unit_review" and [row.name for row in declaration.files] == ["certificate.pdf"]
    assert [step.action for step in declaration.steps] == ["submitted", "returned", "resubmitted"]

    as_user(unit_admin).post(f"/api/v1/unit/declarations/{number}/decision", json={"approve": True})
    back = as_user(officer).post(f"/api/v1/bureau/declarations/{number}/decision",
                                 json={"approve": False, "reason": "主办单位名称有误"})
    assert back.get_json()["status"] == "returned"
    assert [row.action for row in audit_rows()][-1] == "declaration.returned"
    assert db.session.scalar(select(CreditRecord)) is None


def test_the_trainee_withdraws_until_approved(as_user, trainee, unit_admin):
    number = declare(as_user(trainee)).get_json()["id"]
    withdrawn = as_user(trainee).post(f"/api/v1/me/declarations/{number}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    assert as_user(unit_admin).get("/api/v1/unit/declarations").get_json()["declarations"] == []
    late = as_user(unit_admin).post(f"/api/v1/unit/declarations/{number}/decision", json={"approve": True})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "not_pending"


def test_a_locked_year_refuses_declaring_and_approving(as_user, trainee, unit_admin, officer):
    number = declare(as_user(trainee)).get_json()["id"]
    as_user(unit_admin).post(f"/api/v1/unit/declarations/{number}/decision", json={"approve": True})
    year = yesterday().year
    # Guangdong locks each year on 1 January, which has passed for the year of yesterday...
    # unless yesterday is 1 January itself: then the lock is the day after the window opens.
    lock = "01-02" if yesterday().timetuple().tm_yday > 2 else None
    if lock is None:
        return
    locked = {"prefix": "44", "effective_from": f"{year}-01-01", "minutes_per_hour": 45,
              "required_hours": {"gongxu": 30}, "lock": lock}
    rule_store.save(rule_store.check(locked), utcnow(), check_locks=False)
    db.session.commit()
    refused = declare(as_user(trainee))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "year_locked"
    assert "锁定" in refused.get_json()["error"]["message"]
    late = as_user(officer).post(f"/api/v1/bureau/declarations/{number}/decision", json={"approve": True})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "year_locked"
    assert db.session.scalar(select(CreditRecord)) is None
    assert db.session.scalar(select(db.func.count()).select_from(Declaration)) == 1
