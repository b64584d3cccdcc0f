"""SQLite writers take turns: across threads, across processes, and the turn ends with the transaction."""
import subprocess
import sys
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from core import sqlite_writers

HOLD = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def take_turn(engine, log: list, name: str) -> threading.Thread:
    """A thread that waits for its turn, writes, logs ``name`` and commits."""

    def run():
        with Session(engine) as session:
            sqlite_writers.queue_for_writing(session)
            session.execute(text("INSERT INTO t VALUES (1)"))
            log.append(name)
            session.commit()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_writer_waits_while_another_process_has_the_turn(engine):
    log: list[str] = []
    with subprocess.Popen([sys.executable, "-c", HOLD, sqlite_writers.lock_path(engine.url.database)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline() == "held\n"
        writer = take_turn(engine, log, "writer")
        writer.join(timeout=0.5)
        log.append("other process done")
        holder.stdin.write("\n")
        holder.stdin.flush()
        writer.join(timeout=30)
    assert log == ["other process done", "writer"]


def test_the_turn_ends_with_the_transaction_committed_or_rolled_back(engine):
    log: list[str] = []
    with Session(engine) as first:
        sqlite_writers.queue_for_writing(first)
        second = take_turn(engine, log, "second")
        second.join(timeout=0.5)
        log.append("first rolled back")
        first.rollback()
    second.join(timeout=30)
    third = take_turn(engine, log, "third")
    third.join(timeout=30)
    assert log == ["first rolled back", "second", "third"]


def test_a_session_queues_once_per_transaction_and_memory_databases_not_at_all(engine):
    with Session(engine) as session:
        sqlite_writers.queue_for_writing(session)
        sqlite_writers.queue_for_writing(session)  # the same transaction: no waiting on itself
        session.commit()
    memory = create_engine("sqlite://")
    with Session(memory) as session:
        sqlite_writers.queue_for_writing(session)
        assert "sqlite_writer" not in session.info
    memory.dispose()
