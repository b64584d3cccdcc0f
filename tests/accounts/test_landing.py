"""Every role lands on its work after signing in, and at ``/``; a safe ``next`` still wins."""
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD

LANDINGS = [("trainee", "/me/centre"), ("reviewer", "/review/"), ("producer", "/studio/"),
            ("bureau", "/bureau/"), ("unit_admin", "/unit/"), ("admin", "/admin/users")]


def sign_in(client, user, query=""):
    return client.post(f"/login{query}", data={"identifier": user.phone, "password": PASSWORD})


def where(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize(("role", "landing"), LANDINGS)
def test_each_role_lands_on_its_work_after_signing_in(client, make_user, role, landing):
    user = make_user(role, region_code="330000" if role == "bureau" else "330102")
    assert where(sign_in(client, user)) == landing
    assert client.get(landing).status_code == 200
    assert where(client.get("/")) == landing  # the front door leads there too
    assert where(client.get("/login")) == landing  # signed in already


def test_next_wins_over_the_landing(client, make_user):
    user = make_user("reviewer")
    assert where(sign_in(client, user, "?next=/me/learning")) == "/me/learning"


def test_an_unsafe_next_is_ignored_for_the_landing(client, make_user):
    assert where(sign_in(client, make_user(), "?next=//evil.example/")) == "/me/centre"


def test_the_catalogue_stays_one_click_away_for_a_signed_in_user(client, make_user, make_course):
    make_course(title="数字经济概论")
    sign_in(client, make_user())
    html = client.get("/me/centre").get_data(as_text=True)
    assert '<a href="/courses">课程</a>' in html  # in the header: 全部课程
    catalogue = client.get("/courses")
    assert catalogue.status_code == 200 and "数字经济概论" in catalogue.get_data(as_text=True)


def test_anonymous_visitors_see_the_catalogue_at_the_front_door(client, make_course):
    make_course(title="数字经济概论")
    response = client.get("/")
    assert response.status_code == 200 and "数字经济概论" in response.get_data(as_text=True)
