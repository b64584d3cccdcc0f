"""The world of the face tests: a unit in 深圳市南山区 with its administrator, a trainee it
confirmed (enrolled with person A's photograph where a test asks for ``enrolled``), a bureau
officer of 深圳市, another unit's administrator and an officer of 北京市朝阳区; a lesson to
watch and the seam's side reduced to what it hands this room: a watch session and a check id."""
import io
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.db import utcnow
from core.extensions import db
from faces import profiles
from learning.models import WatchSession
from tests.faces import photos

_ids = itertools.count(1)


def audit_actions(prefix: str = "face_") -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog.action).where(AuditLog.action.startswith(prefix))
                                   .order_by(AuditLog.id)))


def upload(data: bytes, name: str = "photo.jpg", field: str = "photo") -> dict:
    return {field: (io.BytesIO(data), name)}


@pytest.fixture
def unit(make_unit):
    return make_unit(name="深圳市南山区人民医院", region_code="440305")


@pytest.fixture
def unit_admin(make_user, unit):
    return make_user("unit_admin", unit_id=unit.id, region_code="440305", real_name="马晓燕")


@pytest.fixture
def trainee(make_user, unit, link_to_unit):
    person = make_user("trainee", region_code="440305", real_name="陈学文")
    link_to_unit(person, unit)
    return person


@pytest.fixture
def enrolled(trainee):
    profiles.give_consent(trainee, utcnow())
    profiles.enrol(trainee, photos.jpeg(photos.image_a()), utcnow(), by=trainee, source="upload")
    db.session.commit()
    return trainee


@pytest.fixture
def officer(make_user):
    return make_user("bureau", region_code="440300", real_name="刘芳")


@pytest.fixture
def other_admin(make_user):
    return make_user("unit_admin", region_code="440305", real_name="王磊")


@pytest.fixture
def far_officer(make_user):
    return make_user("bureau", region_code="110105", real_name="赵敏")


@pytest.fixture
def as_user(client, sign_in):
    def switch(user):
        sign_in(user)
        return client

    return switch


@pytest.fixture
def watching(make_course):
    """``watching(user)``: an open watch session of ``user`` on a lesson, as the seam holds it."""
    course = make_course(lessons=1)

    def open_session(user) -> WatchSession:
        row = WatchSession(id=f"f{next(_ids):031d}", user_id=user.id, lesson_id=course.lessons[0].id,
                           opened_at=utcnow() - timedelta(minutes=10), open=True)
        db.session.add(row)
        db.session.commit()
        return row

    return open_session


def check_id() -> int:
    """A fresh id of the seam's check (its nonce already validated)."""
    return next(_ids)
