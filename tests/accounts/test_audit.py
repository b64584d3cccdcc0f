"""accounts.audit.record: who, what, from where; flushed, never committed by itself."""
from flask_login import login_user
from sqlalchemy import select

from accounts import audit
from accounts.models import AuditLog
from core.extensions import db


def test_outside_a_request_there_is_no_actor_and_no_address(app):
    row = audit.record("demo_seeded", target="all", rows=3)
    assert row.id is not None  # flushed
    assert (row.actor_id, row.ip, row.target, row.details) == (None, "", "all", {"rows": 3})


def test_in_a_request_the_signed_in_user_and_address_are_recorded(app, make_user):
    user = make_user()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        login_user(user)
        row = audit.record("records_exported", target="440300", year=2026)
    assert (row.actor_id, row.ip, row.details) == (user.id, "192.0.2.7", {"year": 2026})


def test_an_explicit_actor_wins(app, make_user):
    user, other = make_user(), make_user()
    with app.test_request_context("/"):
        login_user(user)
        assert audit.record("x", actor=other).actor_id == other.id


def test_the_caller_decides_whether_it_is_kept(app):
    audit.record("never_committed")
    db.session.rollback()
    assert db.session.scalar(select(AuditLog)) is None
