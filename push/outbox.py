"""The outbox: every change of the credit ledger, written for each active endpoint whose region
covers the trainee, in the transaction of the change itself.

Done once, by session events, rather than at each of the ledger's callers:

- ``after_flush``: CreditRecord rows inserted (completions, declarations, corrections,
  partner and transfer rows: ``recorded``) or changed through the unit of work (``updated``,
  e.g. a course certificate moving ``updated_at``, learning.certificates.touch_completion).

The ledger is changed through the unit of work only: an UPDATE statement on credit_records
would not be seen. (A ``do_orm_execute`` listener could see one, but any such listener makes
SQLAlchemy 2.0.44 carry ``yield_per`` into selectinload's queries, which then fail —
sqlalchemy/sqlalchemy#13301 — and the search index streams courses exactly so.)

Events go through the flush's own connection, so they commit or roll back with the change.
A record written and changed in one transaction gets one event. After the commit the
endpoints that got events are handed to the worker (push.tasks); the periodic task sends
whatever that hand-over missed. Core ``insert(CreditRecord)`` statements outside the ORM
(only the tests' fixtures write so) are not seen.
"""
import logging
import uuid
from datetime import datetime

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from accounts.models import User
from accounts.regions import region_within
from core.db import utcnow
from learning.models import CreditRecord
from push.models import PushEndpoint, PushEvent
from push.rules import china_day

log = logging.getLogger(__name__)
SEEN = "push_records_seen"  # record ids that got events in this transaction
PENDING = "push_endpoints_to_send"


def write_events(session: Session, changes: list[tuple[int, int, str]], now: datetime) -> set[int]:
    """One event per (record id, user id, kind) in ``changes`` and active endpoint covering the
    user's region, through the session's connection (no flush). Returns the endpoint ids."""
    seen = session.info.setdefault(SEEN, set())
    changes = [change for change in changes if change[0] not in seen]
    if not changes:
        return set()
    connection = session.connection()
    endpoints = connection.execute(select(PushEndpoint.id, PushEndpoint.region_code)
                                   .where(PushEndpoint.active.is_(True))).all()
    seen.update(change[0] for change in changes)
    if not endpoints:
        return set()
    regions = dict(connection.execute(select(User.id, User.region_code)
                                      .where(User.id.in_({change[1] for change in changes}))).all())
    rows = [{"event_id": str(uuid.uuid4()), "endpoint_id": endpoint_id, "record_id": record_id,
             "user_id": user_id, "kind": kind, "created_at": now, "day": china_day(now), "next_attempt_at": now,
             "attempts": 0, "last_error": ""}
            for record_id, user_id, kind in changes
            for endpoint_id, area in endpoints if regions.get(user_id) and region_within(regions[user_id], area)]
    if rows:
        connection.execute(insert(PushEvent), rows)
    return {row["endpoint_id"] for row in rows}


def _after_flush(session: Session, _context) -> None:
    changes = [(o.id, o.user_id, "recorded") for o in session.new if isinstance(o, CreditRecord)]
    changes += [(o.id, o.user_id, "updated") for o in session.dirty
                if isinstance(o, CreditRecord) and session.is_modified(o, include_collections=False)]
    if changes:
        _pending(session, write_events(session, changes, utcnow()))


def _pending(session: Session, endpoint_ids: set[int]) -> None:
    if endpoint_ids:
        session.info.setdefault(PENDING, set()).update(endpoint_ids)


def _after_commit(session: Session) -> None:
    session.info.pop(SEEN, None)
    endpoint_ids = session.info.pop(PENDING, set())
    if not endpoint_ids:
        return
    from push.tasks import deliver  # the task module reads the outbox: imported when needed
    for endpoint_id in sorted(endpoint_ids):
        try:
            deliver(endpoint_id)
        except Exception:  # the queue is down: the events wait in the outbox for the periodic task
            log.exception("push: could not queue the delivery to endpoint %s", endpoint_id)


def _after_rollback(session: Session) -> None:
    session.info.pop(SEEN, None)
    session.info.pop(PENDING, None)


def install() -> None:
    """Listen on every session (the app's and the tasks' own); idempotent."""
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
