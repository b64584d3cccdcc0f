"""POST /api/v1/partner/completions and its corrections: each accepted report is one ledger row
of basis ``partner``; a replay answers again, a reused key or completion is 409, bad input is a
clear v1 error and writes nothing; a partner sees and corrects only its own rows."""
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from accounts.models import AuditLog
from core.db import utcnow
from core.extensions import db
from learning.models import CreditRecord
from partners import accreditation
from partners.models import PartnerReport
from provinces import store as rule_store
from tests.conftest import make_id_number, serving
from tests.partners.conftest import accredit, completion, yesterday


def rows(basis: str = "partner") -> list[CreditRecord]:
    return list(db.session.scalars(select(CreditRecord).where(CreditRecord.basis == basis)))


def reports() -> int:
    return db.session.scalar(select(func.count()).select_from(PartnerReport))


def error(response) -> dict:
    return response.get_json()["error"]


def test_an_accepted_report_is_one_partner_row_of_the_trainee(partner, trainee, post):
    _partner, plain = partner
    answer = post(plain, completion(trainee))
    assert answer.status_code == 201 and answer.headers["Idempotent-Replayed"] == "false"
    body = answer.get_json()
    assert body["hours"] == 6 and body["trainee"]["id_number"] == trainee.masked_id_number
    [row] = rows()
    assert (row.user_id, row.hours_tenths, row.source_id, row.title) == (trainee.id, 60, body["id"], "数字经济与创新")
    assert row.year == body["year"] and body["record_id"] == row.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "partner.reported")) is not None


def test_the_same_key_and_body_answers_again_without_a_second_row(partner, trainee, post):
    _partner, plain = partner
    first = post(plain, completion(trainee))
    again = post(plain, dict(reversed(list(completion(trainee).items()))))  # the same fields, laid out otherwise
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert len(rows()) == 1 and reports() == 1


def test_the_same_key_with_another_body_is_a_conflict(partner, trainee, post):
    _partner, plain = partner
    post(plain, completion(trainee))
    answer = post(plain, completion(trainee, hours=7))
    assert answer.status_code == 409 and error(answer)["code"] == "idempotency_key_reused"
    assert [row.hours_tenths for row in rows()] == [60]


def test_the_same_completion_under_another_key_names_the_first_report(partner, trainee, post):
    _partner, plain = partner
    first = post(plain, completion(trainee)).get_json()["id"]
    answer = post(plain, completion(trainee), key="key-2")
    assert answer.status_code == 409 and error(answer)["code"] == "duplicate_completion"
    assert str(first) in error(answer)["message"] and error(answer)["field"] == "certificate_number"
    assert len(rows()) == 1


@pytest.mark.parametrize("second_key", ["key-1", "key-2"])
def test_two_racing_posts_of_one_completion_make_one_row(app, partner, trainee, second_key):
    import json
    import urllib.error
    import urllib.request

    _partner, plain = partner
    statuses, start, body = [], threading.Barrier(2), json.dumps(completion(trainee)).encode()
    with serving(app) as httpd:
        url = f"http://127.0.0.1:{httpd.server_port}/api/v1/partner/completions"

        def send(key: str) -> None:
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "Authorization": f"Bearer {plain}", "Idempotency-Key": key, "Content-Type": "application/json"})
            start.wait()
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as e:
                statuses.append(e.code)

        threads = [threading.Thread(target=send, args=(key,)) for key in ("key-1", second_key)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    db.session.expire_all()
    assert len(rows()) == 1 and reports() == 1
    assert sorted(statuses) == ([201, 201] if second_key == "key-1" else [201, 409])


@pytest.mark.parametrize(("changes", "status", "code", "field"), [
    ({"start_date": "2026-02-30"}, 422, "invalid_start_date", "start_date"),
    ({"end_date": "yesterday"}, 422, "invalid_end_date", "end_date"),
    ({"end_date": "{tomorrow}"}, 422, "invalid_end_date", "end_date"),
    ({"subject_type": "xuanxiu"}, 422, "subject_type_not_accredited", "subject_type"),
    ({"start_date": "2019-12-30"}, 422, "outside_accreditation", "start_date"),
    ({"hours": 0}, 422, "invalid_hours", "hours"),
    ({"hours": 20.1}, 422, "hours_limit", "hours"),
    ({"name": "李四"}, 422, "name_mismatch", "name"),
    ({"course_title": " "}, 422, "invalid_course_title", "course_title"),
    ({"certificate_number": None}, 422, "invalid_certificate_number", "certificate_number"),
])
def test_bad_input_is_refused_and_writes_nothing(partner, trainee, post, changes, status, code, field):
    _partner, plain = partner
    if changes.get("end_date") == "{tomorrow}":
        changes = {"end_date": (yesterday() + timedelta(days=2)).isoformat()}
    answer = post(plain, completion(trainee, **changes))
    assert answer.status_code == status and (error(answer)["code"], error(answer)["field"]) == (code, field)
    assert error(answer)["message"]
    assert rows() == [] and reports() == 0


def test_a_wrong_check_digit_and_an_unknown_person_are_told_apart(partner, trainee, post):
    _partner, plain = partner
    last = "0" if trainee.id_number[-1] != "0" else "1"
    wrong = post(plain, completion(trainee, id_number=trainee.id_number[:17] + last))
    assert wrong.status_code == 422 and error(wrong)["code"] == "invalid_id_number"
    assert "校验位" in error(wrong)["message"]
    nobody = post(plain, completion(trainee, id_number=make_id_number("440305")), key="key-2")
    assert nobody.status_code == 404 and error(nobody)["code"] == "trainee_not_found"
    assert rows() == [] and reports() == 0


def test_a_trainee_outside_the_accrediting_region_is_not_found(make_user, partner, post):
    _partner, plain = partner
    beijing = make_user(real_name="王五", region_code="110105")
    answer = post(plain, completion(beijing))
    assert answer.status_code == 404 and error(answer)["code"] == "trainee_not_found"


def test_the_yearly_limit_counts_earlier_rows_and_corrections(partner, trainee, post, client):
    _partner, plain = partner
    first = post(plain, completion(trainee, hours=12)).get_json()["id"]
    assert post(plain, completion(trainee, hours=9, certificate_number="B"), key="k2").status_code == 422
    auth = {"Authorization": f"Bearer {plain}"}
    cut = client.post(f"/api/v1/partner/completions/{first}/corrections", json={"hours": 10, "reason": "重复计时"},
                      headers=auth)
    assert cut.status_code == 201 and cut.get_json()["current_hours"] == 10
    assert post(plain, completion(trainee, hours=10.1, certificate_number="B"), key="k3").status_code == 422
    assert post(plain, completion(trainee, hours=10, certificate_number="B"), key="k4").status_code == 201
    assert sum(row.hours_tenths for row in db.session.scalars(select(CreditRecord))) == 200


def test_a_locked_year_is_refused(partner, trainee, post):
    _partner, plain = partner
    year = yesterday().year - 1
    locked = {"prefix": "44", "effective_from": f"{year}-01-01", "minutes_per_hour": 45,
              "required_hours": {"gongxu": 30}, "lock": "12-31"}
    rule_store.save(rule_store.check(locked), utcnow(), check_locks=False)
    db.session.commit()
    answer = post(plain, completion(trainee, start_date=f"{year}-12-01", end_date=f"{year}-12-02"))
    assert answer.status_code == 409 and error(answer)["code"] == "year_locked" and "锁定" in error(answer)["message"]
    assert rows() == []


def test_a_partner_corrects_only_its_own_rows(partner, trainee, post, client):
    _partner, plain = partner
    mine = post(plain, completion(trainee)).get_json()["id"]
    _other, other_plain = accredit("广州市专业技术人员学习平台")
    other = {"Authorization": f"Bearer {other_plain}"}
    assert client.get(f"/api/v1/partner/completions/{mine}", headers=other).status_code == 404
    refused = client.post(f"/api/v1/partner/completions/{mine}/corrections", json={"withdraw": True, "reason": "x"},
                          headers=other)
    assert refused.status_code == 404 and error(refused)["code"] == "not_found"
    assert client.get("/api/v1/partner/completions", headers=other).get_json()["items"] == []
    own = {"Authorization": f"Bearer {plain}"}
    withdrawn = client.post(f"/api/v1/partner/completions/{mine}/corrections",
                            json={"withdraw": True, "reason": "学员未完成考核"}, headers=own)
    assert withdrawn.status_code == 201 and withdrawn.get_json()["current_hours"] == 0
    [row] = rows("correction")
    assert (row.hours_tenths, row.source_id, row.reason) == (-60, rows()[0].id, "学员未完成考核")
    [listed] = client.get("/api/v1/partner/completions", headers=own).get_json()["items"]
    assert listed["id"] == mine and listed["corrections"][0]["hours"] == -6


def test_a_revoked_token_and_no_token_are_unauthorised(partner, trainee, post):
    found, plain = partner
    [token] = found.tokens
    accreditation.revoke_token(token, None, utcnow())
    db.session.commit()
    for answer in (post(plain, completion(trainee)), post("zx_made-up", completion(trainee))):
        assert answer.status_code == 401 and error(answer)["code"] == "unauthorized"
    assert rows() == []


def test_an_accreditation_that_ended_refuses_new_dates(post, trainee, app):
    _partner, plain = accredit(last=date(2021, 12, 31))
    answer = post(plain, completion(trainee))
    assert answer.status_code == 422 and error(answer)["code"] == "outside_accreditation"


def test_numbers_beyond_any_id_are_answered_not_crashed(partner, client):
    _partner, plain = partner
    auth = {"Authorization": f"Bearer {plain}"}
    huge = "9" * 20
    assert client.get(f"/api/v1/partner/completions?before={huge}", headers=auth).status_code == 422
    assert client.get(f"/api/v1/partner/completions/{huge}", headers=auth).status_code == 404
    fix = client.post(f"/api/v1/partner/completions/{huge}/corrections", json={"withdraw": True, "reason": "x"},
                      headers=auth)
    assert fix.status_code == 404
