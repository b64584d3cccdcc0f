"""Regions entered with the 省 → 市 → 区县 picker in registration, the profile and the admin's forms: a
picked region is taken, a forged one refused; without JavaScript 显示下一级 brings the next level."""
import re

import pytest
from sqlalchemy import select

from accounts.models import ApiToken, User
from core.extensions import db
from tests.accounts.helpers import audit_rows, text, user_count

HANGZHOU_XIHU = ["330000", "330100", "330106"]  # what the three selects send, top down


def selects(page: str) -> dict[str, str]:
    """The picker's selects of ``page``: slot → the chosen code ("" none)."""
    found = {}
    for slot, body in re.findall(r'<div class="region-level" data-slot="(\w+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="(\d*)"[^>]*selected', body)
        found[slot] = chosen.group(1) if chosen else ""
    return found


@pytest.fixture
def admin(make_user, sign_in):
    person = make_user("admin", real_name="吴志强")
    sign_in(person)
    return person


def test_registration_takes_the_region_picked_down_to_the_county(client, registration):
    assert selects(text(client.get("/register"))) == {"province": ""}
    response = client.post("/register", data={**registration, "region_code": HANGZHOU_XIHU})
    assert response.status_code == 302
    assert db.session.scalar(select(User.region_code)) == "330106"


def test_registration_without_javascript_shows_the_next_level_and_saves_nothing(client, registration):
    page = text(client.post("/register", data={**registration, "region_code": ["330000"], "region_step": "1"}))
    assert selects(page) == {"province": "330000", "city": ""}
    assert "杭州市" in page and user_count() == 0
    assert "field-error" not in page and registration["real_name"] in page  # nothing judged yet, nothing lost
    page = text(client.post("/register", data={**registration, "region_code": ["330000", "330100"],
                                               "region_step": "1"}))
    assert selects(page) == {"province": "330000", "city": "330100", "county": ""} and "西湖区" in page
    # the province changed before the button: the stale city is dropped, the new province's cities come
    page = text(client.post("/register", data={**registration, "region_code": ["110000", "330100"],
                                               "region_step": "1"}))
    assert selects(page) == {"province": "110000", "county": ""} and "朝阳区" in page


@pytest.mark.parametrize(("picked", "message"), [
    (["449999"], "449999 不是现行行政区划代码，请从列表中选择地区"),
    (["440000", "449999"], "449999 不是现行行政区划代码"),
    (["330000", "330100"], "请继续选择下一级地区，选到区县"),
])
def test_registration_refuses_a_forged_or_unfinished_region(client, registration, picked, message):
    page = text(client.post("/register", data={**registration, "region_code": picked}))
    assert message in page and user_count() == 0


def test_a_trainee_changes_their_region_on_the_profile(client, make_user, sign_in):
    trainee = make_user(region_code="440305")
    sign_in(trainee)
    assert selects(text(client.get("/me"))) == {"province": "440000", "city": "440300", "county": "440305"}
    response = client.post("/me/region", data={"region_code": HANGZHOU_XIHU})
    assert response.status_code == 302 and response.location.endswith("/me")
    db.session.refresh(trainee)
    assert trainee.region_code == "330106"
    assert audit_rows("region_changed")[0].details == {"region_code": ["440305", "330106"]}
    assert "所在地区已改为浙江省杭州市西湖区（330106）" in text(client.get("/me"))


def test_the_profile_steps_without_javascript_and_refuses_a_forged_region(client, make_user, sign_in):
    trainee = make_user(region_code="440305")
    sign_in(trainee)
    page = text(client.post("/me/region", data={"region_code": ["110000"], "region_step": "1"}))
    assert selects(page) == {"province": "110000", "county": ""} and "海淀区" in page
    page = text(client.post("/me/region", data={"region_code": ["999999"]}))
    assert "行政区划代码应为6位数字" in page
    page = text(client.post("/me/region", data={"region_code": ["440000", "440399"]}))
    assert "440399 不是现行行政区划代码" in page
    db.session.refresh(trainee)
    assert trainee.region_code == "440305" and audit_rows("region_changed") == []


def test_only_a_trainee_sets_their_own_region(client, make_user, sign_in):
    officer = make_user("bureau", region_code="330100")
    sign_in(officer)
    assert "region-picker" not in text(client.get("/me"))
    assert client.post("/me/region", data={"region_code": "440305"}).status_code == 403
    db.session.refresh(officer)
    assert officer.region_code == "330100"


def test_an_admin_picks_an_officers_region_at_any_level(client, make_user, admin):
    person = make_user()
    page = text(client.post(f"/admin/users/{person.id}", data={"role": "bureau", "region_code": ["330000"],
                                                                "active": "y", "region_step": "1"}))
    assert selects(page) == {"province": "330000", "city": ""}
    db.session.refresh(person)
    assert person.role == "trainee"  # the step saved nothing
    client.post(f"/admin/users/{person.id}", data={"role": "bureau", "region_code": ["330000", "330100", ""],
                                                   "active": "y"})
    db.session.refresh(person)
    assert (person.role, person.region_code) == ("bureau", "330100")
    page = text(client.post(f"/admin/users/{person.id}", data={"role": "bureau", "region_code": ["330199"],
                                                                "active": "y"}))
    assert "330199 不是现行行政区划代码" in page
    db.session.refresh(person)
    assert person.region_code == "330100"


def test_a_retired_code_already_stored_may_stay(client, make_user, admin):
    person = make_user(region_code="440399")
    response = client.post(f"/admin/users/{person.id}", data={"role": "reviewer", "region_code": "440399",
                                                              "active": "y"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.role, person.region_code) == ("reviewer", "440399")


def test_an_admin_limits_a_token_to_a_picked_region(client, make_user, admin):
    owner = make_user("bureau", region_code="330000")
    client.post("/admin/tokens", data={"user": owner.phone, "name": "杭州对接", "region_code": ["330000", "330100"]})
    assert db.session.scalar(select(ApiToken.region_code)) == "330100"
    page = text(client.post("/admin/tokens", data={"user": owner.phone, "name": "深圳对接",
                                                   "region_code": ["440000", "440300"]}))
    assert "不在该人社部门账号的管辖范围" in page
    assert len(db.session.scalars(select(ApiToken)).all()) == 1
