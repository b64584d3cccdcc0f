"""Certificates with the production guards on: look-ups rate limited per address, issuing needs CSRF."""
import pytest
from sqlalchemy import select

from core.extensions import db
from learning.models import Certificate
from tests.conftest import sign_in_as
from tests.learning.test_certificates_web import credit


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "CERTIFICATE_LOOKUP_RATE_LIMIT": "3 per minute", "WTF_CSRF_ENABLED": True}


@pytest.fixture
def signed_in(client, make_user):
    user = make_user()
    sign_in_as(client, user)
    return user


def test_public_look_ups_share_one_budget_per_address(app, client):
    number = "GX2026-110105-000001"
    assert client.get(f"/verify/{number}").status_code == 404
    assert client.get(f"/api/v1/certificates/{number}").status_code == 404
    assert client.get(f"/verify/{number}").status_code == 404
    assert client.get(f"/api/v1/certificates/{number}").status_code == 429
    assert client.get(f"/verify/{number}").status_code == 429
    other = app.test_client()
    assert other.get(f"/verify/{number}", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404
    assert client.get("/api/v1/certificates/public-key").status_code == 200  # not a look-up


def test_issuing_from_the_page_needs_the_csrf_token(client, signed_in, make_course):
    course = make_course()
    credit(signed_in, course)
    data = {"kind": "course", "year": "2026", "course_id": str(course.id)}
    assert client.post("/me/certificates", data=data).status_code == 400
    assert db.session.scalars(select(Certificate)).all() == []
    page = client.get("/me/certificates").get_data(as_text=True)
    token = page.split('<input type="hidden" name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/me/certificates", data={**data, "csrf_token": token}).status_code == 302
    assert len(db.session.scalars(select(Certificate)).all()) == 1
