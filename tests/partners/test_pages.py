"""The partner pages: admins manage every partner, bureau officers those of their own area (403
elsewhere, and never a partner accredited outside it); a token is shown once and kept only as its
SHA-256; revoking it ends the partner's calls; each change is audited; forms need their CSRF token."""
import hashlib
import re

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from partners.models import Partner, PartnerToken
from tests.partners.conftest import accredit, completion

FORM = {"name": "深圳市专技继续教育平台", "region_code": "440300", "subject_types": ["gongxu", "zhuanye"],
        "hours_per_year": "24", "accredited_from": "2026-01-01", "accredited_until": "2027-12-31", "active": "y"}


@pytest.fixture
def officer(make_user):
    return make_user("bureau", real_name="广东人社", region_code="440000")


@pytest.fixture
def zhejiang(make_user):
    return make_user("bureau", real_name="浙江人社", region_code="330000")


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("partner.%"))
                                   .order_by(AuditLog.id)))


def test_an_officer_accredits_a_partner_of_the_own_area(client, sign_in, officer):
    sign_in(officer)
    answer = client.post("/partners/new", data=FORM)
    partner = db.session.scalar(select(Partner))
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/partners/{partner.id}")
    assert (partner.region_code, partner.types, partner.hours_per_year_tenths) == ("440300", ["gongxu", "zhuanye"],
                                                                                 240)
    assert actions() == ["partner.accredited"]
    assert "深圳市专技继续教育平台" in client.get("/partners/").get_data(as_text=True)


def test_an_officer_cannot_accredit_outside_the_area(client, sign_in, zhejiang):
    sign_in(zhejiang)
    answer = client.post("/partners/new", data=FORM)
    assert answer.status_code == 200 and db.session.scalar(select(Partner)) is None
    assert actions() == []


@pytest.mark.parametrize(("changes", "words"), [
    ({"subject_types": []}, "科目类型"),
    ({"hours_per_year": "abc"}, "学时"),
    ({"accredited_until": "2025-12-31"}, "截止日期"),
    ({"accredited_from": "2026-02-30"}, "YYYY-MM-DD"),
    ({"name": " "}, "平台名称"),
])
def test_bad_fields_are_shown_and_nothing_is_saved(client, sign_in, officer, changes, words):
    sign_in(officer)
    answer = client.post("/partners/new", data={**FORM, **changes})
    assert answer.status_code == 200 and words in answer.get_data(as_text=True)
    assert db.session.scalar(select(Partner)) is None


def test_another_regions_partner_is_forbidden_to_an_officer_and_unlisted(client, sign_in, officer, zhejiang):
    partner, _plain = accredit(region="440000")
    sign_in(zhejiang)
    assert client.get(f"/partners/{partner.id}").status_code == 403
    assert client.post(f"/partners/{partner.id}/tokens", data={"name": "x"}).status_code == 403
    assert partner.name not in client.get("/partners/").get_data(as_text=True)
    sign_in(officer)
    assert client.get(f"/partners/{partner.id}").status_code == 200


def test_trainees_and_unit_admins_may_not_see_the_partner_pages(client, sign_in, make_user):
    accredit()
    for role in ("trainee", "unit_admin", "producer"):
        sign_in(make_user(role, region_code="440305"))
        assert client.get("/partners/").status_code == 403


def test_a_token_is_shown_once_kept_hashed_and_revoked_for_good(client, sign_in, officer, trainee):
    partner, _plain = accredit(region="440000")
    sign_in(officer)
    answer = client.post(f"/partners/{partner.id}/tokens", data={"name": "市平台对接"})
    plain = re.search(r'id="plain-token"[^>]*value="([^"]+)"', answer.get_data(as_text=True)).group(1)
    assert answer.headers["Cache-Control"] == "no-store"
    row = db.session.scalar(select(PartnerToken).where(PartnerToken.name == "市平台对接"))
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest() and plain not in str(vars(row))
    assert plain not in client.get(f"/partners/{partner.id}").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {plain}", "Idempotency-Key": "a"}
    assert client.post("/api/v1/partner/completions", json=completion(trainee), headers=headers).status_code == 201
    assert client.post(f"/partners/{partner.id}/tokens/{row.id}/revoke").status_code == 302
    refused = client.post("/api/v1/partner/completions", json=completion(trainee, certificate_number="2"),
                          headers={**headers, "Idempotency-Key": "b"})
    assert refused.status_code == 401
    assert actions()[-3:] == ["partner.token_created", "partner.reported", "partner.token_revoked"]


def test_a_switched_off_partner_cannot_report(client, sign_in, officer, trainee):
    partner, plain = accredit(region="440000")
    sign_in(officer)
    changed = client.post(f"/partners/{partner.id}", data={**FORM, "region_code": "440000", "active": ""})
    assert changed.status_code == 302 and "partner.changed" in actions()
    answer = client.post("/api/v1/partner/completions", json=completion(trainee),
                         headers={"Authorization": f"Bearer {plain}", "Idempotency-Key": "a"})
    assert answer.status_code == 401


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_forms_without_the_token_change_nothing(self, client, sign_in, officer):
        partner, _plain = accredit(region="440000")
        [token] = partner.tokens
        sign_in(officer)
        assert client.post("/partners/new", data=FORM).status_code == 400
        assert client.post(f"/partners/{partner.id}/tokens", data={"name": "x"}).status_code == 400
        assert client.post(f"/partners/{partner.id}/tokens/{token.id}/revoke").status_code == 400
        db.session.expire_all()
        assert db.session.scalar(select(PartnerToken).where(PartnerToken.revoked_at.is_not(None))) is None
        assert len(db.session.scalars(select(Partner)).all()) == 1
