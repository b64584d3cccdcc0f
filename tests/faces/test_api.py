"""The trainee's face calls under /api/v1, each answer checked against the OpenAPI document
(objects closed): bad photos get their codes, nothing is kept for them."""
import pytest

from faces import profiles
from openapi.openapi import spec
from tests.faces import photos
from tests.openapi.openapi_checker import Checker

FACE, CONSENT, REFERENCE = "/api/v1/me/face", "/api/v1/me/face/consent", "/api/v1/me/face/reference"


@pytest.fixture
def call(as_user):
    checker = Checker(spec())

    def send(person, method: str, path: str, **kwargs):
        response = as_user(person).open(path, method=method.upper(), **kwargs)
        return checker.check(response, path, method)

    return send


def jpeg_body(image) -> dict:
    return {"data": photos.jpeg(image), "content_type": "image/jpeg"}


def test_consent_then_a_reference_then_withdrawal(call, trainee):
    assert call(trainee, "get", FACE).json["status"] == "not_asked"
    assert call(trainee, "put", REFERENCE, **jpeg_body(photos.image_a())).status_code == 409
    assert call(trainee, "put", CONSENT, json={"agree": "yes"}).json["error"]["code"] == "invalid_agree"
    assert call(trainee, "put", CONSENT, json={"agree": True}).json["status"] == "consented"
    answer = call(trainee, "put", REFERENCE, **jpeg_body(photos.image_a())).json
    assert (answer["status"], answer["source"]) == ("enrolled", "upload")
    assert "embedding" not in answer
    assert call(trainee, "delete", FACE).json["status"] == "human_route"
    assert call(trainee, "delete", FACE).json["error"]["code"] == "no_consent"


@pytest.mark.parametrize(("body", "code"), [
    pytest.param({"data": b"not a photo", "content_type": "image/jpeg"}, "not_an_image", id="not an image"),
    pytest.param(jpeg_body(photos.cartoon()), "no_face", id="a cartoon"),
    pytest.param(jpeg_body(photos.side_by_side(photos.image_a(), photos.image_b())), "several_faces", id="two faces"),
])
def test_a_bad_reference_is_refused_with_its_code(call, trainee, body, code):
    call(trainee, "put", CONSENT, json={"agree": True})
    response = call(trainee, "put", REFERENCE, **body)
    assert (response.status_code, response.json["error"]["code"]) == (422, code)
    assert profiles.status(trainee.id) == "consented"


def test_declining_is_the_human_route(call, trainee):
    assert call(trainee, "put", CONSENT, json={"agree": False}).json["status"] == "human_route"


def test_only_trainees(call, unit_admin):
    assert call(unit_admin, "get", FACE).status_code == 403
