"""Storage guarantees every room relies on."""
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import StatementError

from accounts.models import AuditLog
from core.extensions import db


def test_timestamps_come_back_timezone_aware_utc(app):
    shanghai = timezone(timedelta(hours=8))
    row = AuditLog(action="t", at=datetime(2026, 1, 1, 8, 0, tzinfo=shanghai))
    db.session.add(row)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditLog, row.id).at
    assert stored == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_a_naive_timestamp_is_refused_not_guessed(app):
    db.session.add(AuditLog(action="t", at=datetime(2026, 1, 1, 8, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_are_enforced(app):
    db.session.add(AuditLog(action="t", actor_id=999999))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
