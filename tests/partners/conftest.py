"""A world for the partner platforms: a Guangdong (44) partner accredited for 公需 and 专业 with
20 学时 per trainee and year, its token, a trainee of Shenzhen and a helper that posts."""
from datetime import date, timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from core.policy.rulebook import china_date
from partners import accreditation
from partners.accreditation import PartnerInput
from tests.conftest import make_id_number

REGION = "440305"


def accredit(name: str = "深圳市继续教育平台", region: str = "440000", types=("gongxu", "zhuanye"),
             hours: int = 200, first: date = date(2020, 1, 1), last: date = date(2099, 12, 31)):
    partner = accreditation.accredit(PartnerInput(name, region, list(types), hours, first, last), None, utcnow())
    _row, plain = accreditation.issue_token(partner, "对接", None, utcnow())
    db.session.commit()
    return partner, plain


def yesterday() -> date:
    return china_date(utcnow()) - timedelta(days=1)


def completion(trainee, **changes) -> dict:
    body = {"id_number": trainee.id_number, "name": trainee.real_name, "course_title": "数字经济与创新",
            "subject_type": "gongxu", "start_date": (yesterday() - timedelta(days=2)).isoformat(),
            "end_date": yesterday().isoformat(), "hours": 6, "certificate_number": "SZ-2026-0001"}
    return {**body, **changes}


@pytest.fixture
def partner(app):
    return accredit()


@pytest.fixture
def trainee(make_user):
    return make_user(real_name="李思远", region_code=REGION, id_number=make_id_number(REGION))


@pytest.fixture
def post(client):
    def send(plain: str, body, key: str = "key-1", path: str = "/api/v1/partner/completions"):
        headers = {"Authorization": f"Bearer {plain}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post(path, json=body, headers=headers)

    return send
