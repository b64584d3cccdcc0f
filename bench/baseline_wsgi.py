"""The heartbeat benchmark's baseline: the least a heartbeat can cost on the same database.

A plain WSGI function, no framework, no authentication, no rules: it reads the JSON body's
``seq`` and ``segments`` and performs one single-row UPDATE of the watch session by primary
key — last_seq, played_seconds, last_heartbeat_at, only if ``seq`` is new — and commits,
one connection per thread, with the app's own SQLite settings (core/db.py: WAL,
synchronous=NORMAL, busy_timeout) or PostgreSQL's defaults as the app uses them.

    gunicorn ... bench.baseline_wsgi:application   (BENCH_DATABASE_URL: the SQLAlchemy URL)
"""
import json
import os
import threading
from datetime import UTC, datetime

URL = os.environ.get("BENCH_DATABASE_URL", "")
SQLITE = URL.startswith("sqlite:///")
UPDATE = ("UPDATE watch_sessions SET last_seq = {p}, played_seconds = played_seconds + {p},"
          " last_heartbeat_at = {p} WHERE id = {p} AND last_seq < {p}").format(p="?" if SQLITE else "%s")
_local = threading.local()


def _connect():
    if SQLITE:
        import sqlite3

        conn = sqlite3.connect(URL[len("sqlite:///"):], check_same_thread=False)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        return conn
    import psycopg

    return psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"))


def _connection():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = _connect()
    return conn


def _answer(start_response, status: str, payload: dict):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    parts = environ.get("PATH_INFO", "").split("/")  # /api/v1/sessions/<id>/heartbeats
    if environ["REQUEST_METHOD"] != "POST" or len(parts) != 6:
        return _answer(start_response, "404 Not Found", {"error": "not_found"})
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length))
    seq = body["seq"]
    played = sum(b - a for a, b in body["segments"])
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if SQLITE else now
    conn = _connection()
    cursor = conn.execute(UPDATE, (seq, played, stamp, parts[4], seq))
    conn.commit()
    return _answer(start_response, "200 OK", {"seq": seq, "duplicate": cursor.rowcount == 0})
