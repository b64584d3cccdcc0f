"""With CSRF protection on, as in production: studio and review forms and calls need the token."""
import re

import pytest

from core.extensions import db
from courses.models import Course
from tests.conftest import sign_in_as

ORG = "知新制作中心"


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def status_of(course_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Course, course_id).status


def test_every_studio_form_carries_the_token(client, make_user, make_course, make_video):
    producer = make_user("producer", organisation=ORG)
    course = make_course(status="rejected", producer=producer, review_note="请补充字幕")
    make_video(owner=producer)
    sign_in_as(client, producer)
    html = client.get(f"/studio/courses/{course.id}").get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", html, flags=re.S)
    assert len(forms) >= 10
    assert all('name="csrf_token"' in form for form in forms)
    form_page = client.get("/studio/courses/new").get_data(as_text=True)
    assert 'name="csrf_token"' in form_page


def test_submitting_without_the_token_is_refused(client, make_user, make_course):
    producer = make_user("producer", organisation=ORG)
    course = make_course(status="draft", producer=producer)
    sign_in_as(client, producer)
    assert client.post(f"/studio/courses/{course.id}/submit").status_code == 400
    assert status_of(course.id) == "draft"
    token = token_in(client.get(f"/studio/courses/{course.id}").get_data(as_text=True))
    assert client.post(f"/studio/courses/{course.id}/submit", data={"csrf_token": token}).status_code == 302
    assert status_of(course.id) == "submitted"


def test_review_decisions_need_the_token(client, make_user, make_course):
    course = make_course(status="submitted")
    sign_in_as(client, make_user("reviewer"))
    assert client.post(f"/review/courses/{course.id}/approve").status_code == 400
    assert client.post(f"/api/v1/review/courses/{course.id}/decision", json={"approve": True}).status_code == 400
    assert status_of(course.id) == "submitted"
    token = token_in(client.get(f"/review/courses/{course.id}").get_data(as_text=True))
    response = client.post(f"/api/v1/review/courses/{course.id}/decision", json={"approve": True},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and status_of(course.id) == "published"
