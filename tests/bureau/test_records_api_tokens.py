"""Tokens for bureau systems, made the two ways an admin can: the tokens page and the CLI."""
import hashlib
import re

import pytest
from sqlalchemy import select

from accounts.models import ApiToken
from accounts.regions import region_within
from bureau.scope import Scope
from core.extensions import db
from tests.bureau.records_helpers import bearer, credit

URL = "/api/v1/bureau/records"


@pytest.fixture
def city_officer(make_user):
    return make_user("bureau", real_name="周官", region_code="440300")


@pytest.fixture
def trainees(make_user, make_course):
    course = make_course()
    people = [make_user(real_name=name, region_code=region)
              for name, region in (("赵甲", "440305"), ("钱乙", "440306"), ("孙丙", "440100"))]
    for person in people:
        credit(person, course)
    return people


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["tokens", "create", *args])


def test_cli_token_for_a_county_inside_the_city_officer_sees_only_that_county(app, client, city_officer, trainees):
    result = cli(app, "--user", city_officer.phone, "--name", "南山区对接", "--region", "440305")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.region_code == "440305"
    body = client.get(URL, headers=bearer(token)).get_json()
    assert [item["name"] for item in body["items"]] == ["赵甲"]


@pytest.mark.parametrize("region", ["440000", "440100", "450300"])
def test_cli_refuses_a_region_outside_the_officer_scope(app, city_officer, region):
    result = cli(app, "--user", city_officer.phone, "--name", "越权", "--region", region)
    assert result.exit_code != 0
    assert f"限定地区 {region} 不在该人社部门账号的管辖范围（440300）内" in result.output
    assert db.session.scalar(select(ApiToken)) is None


def test_admin_page_makes_a_bureau_token_inside_the_scope_and_refuses_one_outside(
        client, make_user, login, city_officer, trainees):
    login(make_user("admin"))
    refused = client.post("/admin/tokens", data={"user": city_officer.phone, "name": "越权", "region_code": "440100"})
    assert "不在该人社部门账号的管辖范围" in refused.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None

    made = client.post("/admin/tokens", data={"user": city_officer.phone, "name": "深圳对接", "region_code": ""})
    token = re.search(r'value="(zx_[^"]+)"', made.get_data(as_text=True)).group(1)
    body = client.get(URL, headers=bearer(token)).get_json()
    assert [item["name"] for item in body["items"]] == ["赵甲", "钱乙"]


@pytest.mark.parametrize("code", ["440000", "440300", "440305", "440100", "450000", "110105", "441900"])
@pytest.mark.parametrize("area", ["440000", "440300", "440305"])
def test_the_creation_check_agrees_with_the_scope(area, code):
    assert region_within(code, area) is Scope(area).covers(code)
