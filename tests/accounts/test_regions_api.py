"""GET /api/v1/regions[/<code>/children]: the divisions a level at a time, public, cached, as described."""
import pytest

from openapi.openapi import spec
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1"
CHILDREN = f"{V1}/regions/{{code}}/children"


@pytest.fixture
def api(client):
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        return checker.check(client.open(url or template, method=method.upper(), **kwargs), template, method)

    call.checker = checker
    return call


def codes(reply) -> list[str]:
    return [area["code"] for area in reply.get_json()["children"]]


def test_the_provinces_with_both_names_for_anyone(api):
    reply = api("get", f"{V1}/regions")
    body = reply.get_json()
    assert body["parent"] is None and body["slot"] == "province" and len(body["children"]) == 34
    assert body["children"][0] == {"code": "110000", "name": "北京市", "name_en": "Beijing", "kind": "province",
                                   "leaf": False}


def test_the_children_of_a_province_a_city_and_a_municipality(api):
    guangdong = api("get", CHILDREN, f"{V1}/regions/440000/children").get_json()
    assert guangdong["slot"] == "city" and guangdong["parent"]["name"] == "广东省"
    assert {"code": "441900", "name": "东莞市", "name_en": None, "kind": "city", "leaf": True} in guangdong["children"]
    henan = api("get", CHILDREN, f"{V1}/regions/410000/children").get_json()
    assert {"code": "419001", "name": "济源市", "name_en": None, "kind": "county", "leaf": True} in henan["children"]
    shenzhen = api("get", CHILDREN, f"{V1}/regions/440300/children")
    assert shenzhen.get_json()["slot"] == "county" and "440305" in codes(shenzhen)
    beijing = api("get", CHILDREN, f"{V1}/regions/110000/children")
    assert beijing.get_json()["slot"] == "county" and "110105" in codes(beijing)
    nanshan = api("get", CHILDREN, f"{V1}/regions/440305/children").get_json()
    assert nanshan["slot"] is None and nanshan["children"] == [] and nanshan["parent"]["leaf"] is True


def test_an_unknown_code_is_a_json_404(api):
    for code, message in (("449999", "449999 不是现行行政区划代码"), ("abc", "地区代码应为6位行政区划代码")):
        reply = api("get", CHILDREN, f"{V1}/regions/{code}/children")
        assert reply.status_code == 404 and reply.get_json()["error"]["code"] == "not_found"
        assert message in reply.get_json()["error"]["message"]


def test_answers_are_cached_publicly_and_revalidated(api):
    first = api("get", CHILDREN, f"{V1}/regions/330100/children")
    assert first.headers["Cache-Control"] == "public, max-age=86400" and first.headers["ETag"]
    again = api("get", CHILDREN, f"{V1}/regions/330100/children", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    other = api("get", CHILDREN, f"{V1}/regions/330000/children", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200
    assert api("get", f"{V1}/regions", headers={"If-None-Match": api("get", f"{V1}/regions").headers["ETag"]}
               ).status_code == 304
    wanted = {(path, "get") for path in spec()["paths"] if path.startswith(f"{V1}/regions")}
    assert wanted <= {(path, method) for path, method, _status in api.checker.seen}
