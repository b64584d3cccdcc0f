"""With CSRF on (as in production): issuing the 继续教育登记 needs the page's token."""
import re

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from learning import entries
from learning.models import Certificate


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def records() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.kind == "record"))


def test_issuing_the_record_needs_the_token(client, sign_in, make_user):
    trainee = make_user(region_code="110105")
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="gongxu", now=utcnow(),
                      title="研讨会", source_id=1)
    db.session.commit()
    sign_in(trainee)
    assert client.post("/me/record/document").status_code == 400 and records() == 0
    html = client.get("/me/record").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/me/record/document", data={"csrf_token": token}).status_code == 302 and records() == 1
