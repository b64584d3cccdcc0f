"""Where every hour came from: a partner's row names the partner and the certificate number on
the trainee's record page, on the bureau's per-trainee page and on the unit's partner hours
(the unit's own staff only), corrections included."""
import pytest

from core.db import utcnow
from core.extensions import db
from partners import reports
from tests.partners.conftest import accredit, completion


@pytest.fixture
def reported(app, trainee):
    partner, _plain = accredit()
    row, _created = reports.report(partner, "k1", completion(trainee, certificate_number="SZ-77", hours=5), utcnow())
    db.session.commit()
    return row


def page(client, address: str) -> str:
    answer = client.get(address)
    assert answer.status_code == 200, address
    return answer.get_data(as_text=True)


def test_the_trainee_sees_the_partner_and_the_certificate(client, sign_in, trainee, reported):
    sign_in(trainee)
    html = page(client, f"/me/learning?year={reported.year}")
    assert "合作平台学习：数字经济与创新" in html
    assert "来源：深圳市继续教育平台，证书编号 SZ-77" in html
    assert 'data-basis="partner"' in html


def test_the_bureau_sees_the_partner_on_the_trainees_page(client, sign_in, make_user, trainee, reported):
    sign_in(make_user("bureau", region_code="440000"))
    html = page(client, f"/bureau/trainees/{trainee.id}")
    assert "来源：深圳市继续教育平台，证书编号 SZ-77" in html


def test_the_unit_sees_its_staffs_partner_hours_only(client, sign_in, make_user, make_unit, link_to_unit, trainee,
                                                     reported):
    unit = make_unit()
    link_to_unit(trainee, unit)
    own = make_user("unit_admin", unit_id=unit.id, region_code="440305")
    other = make_user("unit_admin", region_code="440305")
    reports.correct(reported.partner, reported.id, {"hours": 4, "reason": "核减"}, utcnow())
    db.session.commit()
    sign_in(own)
    html = page(client, f"/unit/partner-hours/?year={reported.year}")
    assert "深圳市继续教育平台" in html and "SZ-77" in html and trainee.masked_id_number in html
    assert trainee.id_number not in html and "（报送 5.0，已更正）" in html
    sign_in(other)
    assert "SZ-77" not in page(client, f"/unit/partner-hours/?year={reported.year}")
