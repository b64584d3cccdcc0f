"""One writer at a time on SQLite, queued fairly instead of polling.

SQLite lets one transaction at a time write. A writer that finds the database locked waits in
SQLite's busy handler, which sleeps in steps growing to 100 ms and may lose to a newcomer
again and again: heartbeats saw second-long tails. :func:`queue_for_writing` makes a
transaction wait its turn instead, on a lock that wakes the next waiter as soon as the holder's
transaction ends: a ``threading.Lock`` among the threads of a process, then an exclusive
``flock`` on a file beside the database among processes (the kernel drops it if the process
dies). PostgreSQL needs none of this: row locks queue there.
"""
import fcntl
import os
import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

_THREADS = threading.Lock()
_KEY = "sqlite_writer"
WAIT_SECONDS = 10  # as long as the busy timeout: past it, SQLite's own wait decides


def lock_path(database: str) -> str:
    return f"{database}-writers"


def queue_for_writing(session: Session) -> None:
    """Wait until this transaction of ``session`` is the database's only queued writer, when
    the database is an SQLite file; the turn ends with the transaction (commit or rollback)."""
    bind = session.get_bind()
    database = bind.url.database
    if bind.dialect.name != "sqlite" or not database or database == ":memory:" or _KEY in session.info:
        return
    session.connection()  # begin the transaction now, so that its end is certain to end the turn
    if not _THREADS.acquire(timeout=WAIT_SECONDS):
        return
    try:
        fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        _THREADS.release()
        raise
    fcntl.flock(fd, fcntl.LOCK_EX)
    session.info[_KEY] = fd


@event.listens_for(Session, "after_transaction_end")
def _end_turn(session, transaction) -> None:
    if transaction.parent is None and _KEY in session.info:
        os.close(session.info.pop(_KEY))  # closing the file drops its flock
        _THREADS.release()
