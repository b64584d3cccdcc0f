"""A trainee may try a reference photo only a few times an hour (faces.enrol_limit): the page and
the v1 call share one budget per trainee, refused photos count, and the refusal says how long to
wait and changes nothing."""
import re

import pytest

from core.db import utcnow
from core.extensions import db
from faces import profiles
from tests.faces import photos
from tests.faces.conftest import upload

REFERENCE = "/api/v1/me/face/reference"
NOT_AN_IMAGE = b"this is not a photograph"


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "FACE_ENROL_RATE_LIMIT": "2 per hour"}


@pytest.fixture
def consented(trainee):
    profiles.give_consent(trainee, utcnow())
    db.session.commit()
    return trainee


def test_the_page_refuses_a_third_try_in_the_hour_with_how_long_to_wait(as_user, consented):
    client = as_user(consented)
    for _try in range(2):
        page = client.post("/me/face/enrol", data=upload(NOT_AN_IMAGE, "me.jpg")).get_data(as_text=True)
        assert "尝试次数过多" not in page
    page = client.post("/me/face/enrol", data=upload(photos.jpeg(photos.image_a()), "camera.jpg"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r"人脸照片采集尝试次数过多，请 \d+ 分钟后再试", text)
    assert profiles.status(consented.id) == "consented"  # the good photo was not taken either


def test_the_call_and_the_page_share_the_budget_and_the_call_says_retry_after(as_user, consented, make_user,
                                                                              unit, link_to_unit):
    client = as_user(consented)
    assert client.put(REFERENCE, data=NOT_AN_IMAGE, content_type="image/jpeg").status_code == 422
    assert "尝试次数过多" not in client.post("/me/face/enrol", data=upload(NOT_AN_IMAGE)).get_data(as_text=True)
    refused = client.put(REFERENCE, data=photos.jpeg(photos.image_a()), content_type="image/jpeg")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert profiles.status(consented.id) == "consented"
    other = make_user("trainee", region_code="440305")
    link_to_unit(other, unit)
    profiles.give_consent(other, utcnow())
    db.session.commit()
    client = as_user(other)  # another trainee has a budget of their own
    assert client.put(REFERENCE, data=NOT_AN_IMAGE, content_type="image/jpeg").status_code == 422
