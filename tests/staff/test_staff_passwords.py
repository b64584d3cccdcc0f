"""A unit administrator, or a bureau officer of the region, resets a trainee's password to a
one-time password shown once; the person must change it at the next sign-in, their sessions
end, and the reset is audited. Nobody else's password can be reset this way."""
import re

from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from openapi.openapi import spec
from tests.accounts.helpers import text
from tests.conftest import PASSWORD, sign_in_as
from tests.openapi.openapi_checker import Checker


def one_time_password(page: str) -> str:
    return re.search(r'id="one-time-password"[^>]*value="([^"]+)"', page).group(1)


def test_a_unit_admin_resets_a_staff_members_password(app, client, make_user, make_unit, link_to_unit, sign_in):
    unit = make_unit()
    admin = make_user("unit_admin", unit_id=unit.id, region_code="440305")
    person = make_user(region_code="440305", real_name="林小红")
    link_to_unit(person, unit)
    theirs = app.test_client()
    sign_in_as(theirs, person)
    sign_in(admin)
    assert f'href="/unit/staff/{person.id}/password"' in text(client.get("/unit/"))
    ask = client.get(f"/unit/staff/{person.id}/password")
    assert "确认重置密码" in text(ask) and person.id_number not in text(ask)
    done = client.post(f"/unit/staff/{person.id}/password")
    assert done.headers["Cache-Control"] == "no-store"
    password = one_time_password(text(done))
    assert theirs.get("/me/learning").status_code == 302  # their session ended
    theirs.post("/login", data={"identifier": person.phone, "password": PASSWORD})
    assert theirs.get("/me/learning").status_code == 302  # the old password no longer works
    theirs.post("/login", data={"identifier": person.phone, "password": password})
    held = theirs.get("/me/learning")
    assert held.status_code == 302 and held.headers["Location"].endswith("/me")  # must change it first
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "password_reset_by_admin")).all()
    assert row.actor_id == admin.id and row.target == f"user:{person.id}"
    assert row.details["by"] == "unit" and row.details["unit"] == unit.id and password not in str(row.details)
    assert person.id_number not in str(row.details)


def test_only_the_units_confirmed_staff(client, make_user, make_unit, link_to_unit, sign_in):
    unit, other_unit = make_unit(), make_unit(name="另一家单位")
    admin = make_user("unit_admin", unit_id=unit.id, region_code="440305")
    pending, elsewhere, producer = make_user(), make_user(), make_user("producer", organisation="知新制作中心")
    link_to_unit(pending, unit, status="pending")
    link_to_unit(elsewhere, other_unit)
    sign_in(admin)
    for person in (pending, elsewhere, producer, admin):
        assert client.get(f"/unit/staff/{person.id}/password").status_code == 404
        assert client.post(f"/unit/staff/{person.id}/password").status_code == 404
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "password_reset_by_admin")) is None


def test_a_trainee_cannot_reset_anyone(client, make_user, make_unit, link_to_unit, sign_in):
    unit = make_unit()
    person = make_user()
    link_to_unit(person, unit)
    sign_in(make_user())
    assert client.post(f"/unit/staff/{person.id}/password").status_code == 403
    assert client.post(f"/bureau/trainees/{person.id}/password").status_code == 403


def test_a_bureau_officer_resets_a_trainee_of_the_region_only(client, make_user, sign_in):
    officer = make_user("bureau", region_code="440300")
    inside = make_user(region_code="440305")
    outside = make_user(region_code="330102")
    sign_in(officer)
    assert f'href="/bureau/trainees/{inside.id}/password"' in text(client.get(f"/bureau/trainees/{inside.id}"))
    done = client.post(f"/bureau/trainees/{inside.id}/password")
    assert done.status_code == 200 and one_time_password(text(done))
    db.session.refresh(inside)
    assert inside.must_change_password and inside.session_epoch == 1
    assert client.post(f"/bureau/trainees/{outside.id}/password").status_code == 404
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "password_reset_by_admin")).all()
    assert row.details["by"] == "bureau" and row.details["region"] == "440305"


def test_the_unit_admin_resets_through_the_api(client, make_user, make_unit, link_to_unit, sign_in):
    checker, template = Checker(spec()), "/api/v1/unit/staff/{user_id}/password-reset"
    unit = make_unit()
    admin = make_user("unit_admin", unit_id=unit.id, region_code="440305")
    person, stranger = make_user(), make_user()
    link_to_unit(person, unit)
    sign_in(admin)
    done = checker.check(client.post(f"/api/v1/unit/staff/{person.id}/password-reset"), template, "post")
    assert done.headers["Cache-Control"] == "no-store" and done.get_json()["must_change_password"] is True
    client.post("/logout")
    assert client.post("/login", data={"identifier": person.phone,
                                       "password": done.get_json()["one_time_password"]}).status_code == 302
    sign_in(admin)
    refused = checker.check(client.post(f"/api/v1/unit/staff/{stranger.id}/password-reset"), template, "post")
    assert refused.status_code == 404
