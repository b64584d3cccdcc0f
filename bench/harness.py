"""Shared helpers of the heartbeat benchmarks (bench/heartbeat.py, bench/crash.py).

A bench world is a fresh database — an SQLite file in a temporary directory, or a PostgreSQL
database of its own — built by the migrations, holding one published course whose lesson
plays a long video, and trainees with API tokens. The app (or the baseline WSGI app) runs
under gunicorn as in production (bin/run: 2 gthread workers, 8 threads); wrk drives it with
bench/wrk/heartbeat.lua, and the database is then checked: every viewer credited exactly the
seconds it sent, whatever was acknowledged kept.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LUA = str(ROOT / "bench" / "wrk" / "heartbeat.lua")
PG_DEFAULT = os.environ.get("ZHIXIN_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LESSON_SECONDS = 4 * 3600.0
APP = "app:create_app()"
BASELINE = "bench.baseline_wsgi:application"


def add_common_arguments(parser) -> None:
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--segment", type=float, default=0.25, help="seconds one heartbeat claims")
    parser.add_argument("--pg-url", default=PG_DEFAULT, help="the PostgreSQL server (a database is made there)")


def run_per_database(bench_database, args, name: str, passed: str) -> None:
    """``bench_database(kind, args, work)`` for each of ``args.databases`` in a temporary
    directory; prints PASS (with ``passed``) or FAIL and exits 1 if any database failed."""
    work = Path(tempfile.mkdtemp(prefix=f"zhixin-bench-{name}-"))
    try:
        results = [bench_database(kind, args, work / kind) for kind in args.databases.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nPASS: {passed}" if all(results) else "\nFAIL: see above")
    sys.exit(0 if all(results) else 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Until something answers HTTP on ``port`` (any status); fails, with the log's tail,
    when ``process`` exits first or nothing answers in ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        connection = HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz-stack")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"nothing answered on {port} after {seconds} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running(args: list[str], port: int, log: Path, env: dict | None = None):
    """``args`` as a process group of its own until the block ends (TERM, then KILL)."""
    with open(log, "ab") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_for_port(port, process, log)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


# --- the world ----------------------------------------------------------------------------------

@dataclass
class World:
    kind: str  # "sqlite" or "postgresql"
    url: str  # SQLAlchemy URL
    work: Path
    lesson_id: int = 0
    tokens: list[tuple[int, str]] = field(default_factory=list)  # (user_id, plain token)
    admin_url: str = ""  # PostgreSQL: where the database was created, to drop it

    def env(self) -> dict:
        """The environment of a gunicorn serving this world: rate limits off (the bench is one client)."""
        return {**os.environ, "ZHIXIN_DATABASE_URL": self.url, "ZHIXIN_SECRET_KEY": "bench",
                "ZHIXIN_QUEUE_URL": f"sqlite:///{self.work / 'queue.db'}",
                "ZHIXIN_MEDIA_ROOT": str(self.work / "media"), "ZHIXIN_RATELIMIT_ENABLED": "false",
                "BENCH_DATABASE_URL": self.url, "PYTHONUNBUFFERED": "1"}

    def engine(self):
        import sqlalchemy

        return sqlalchemy.create_engine(self.url)

    def drop(self) -> None:
        if self.kind == "postgresql":
            _pg_admin(self.admin_url, f'DROP DATABASE IF EXISTS "{self.url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


def make_world(kind: str, work: Path, users: int, pg_url: str = PG_DEFAULT) -> World:
    """A fresh database built by the migrations, with one lesson and ``users`` token holders."""
    work.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        world = World(kind, f"sqlite:///{work / 'bench.db'}", work)
    else:
        name = f"zhixin_bench_{os.getpid()}_{secrets.token_hex(3)}"
        _pg_admin(pg_url, f'CREATE DATABASE "{name}"')
        world = World(kind, f"{pg_url.rsplit('/', 1)[0]}/{name}", work, admin_url=pg_url)
    done = subprocess.run([sys.executable, __file__, "seed", world.url, str(work), str(users)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        world.drop()
        raise SystemExit(f"building the bench world failed:\n{done.stderr[-3000:]}")
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    world.lesson_id, world.tokens = seeded["lesson_id"], [tuple(t) for t in seeded["tokens"]]
    return world


def seed(url: str, work: Path, users: int) -> dict:
    """Run in a child (the app's engine stays out of the parent): migrate, then insert the world."""
    import flask_migrate
    from sqlalchemy import insert

    from accounts.idnumber import check_digit
    from accounts.models import ApiToken, User
    from accounts.tokens import hash_token
    from app import create_app
    from core.extensions import db
    from courses.categories import ensure_categories
    from courses.models import Course, Lesson, Video

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "QUEUE_URL": f"sqlite:///{work / 'queue.db'}",
                      "MEDIA_ROOT": str(work / "media")}, instance_path=str(work / "instance"))
    now = datetime.now(UTC)
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        producer = User(role="producer", real_name="制作方", id_number="110105198001010011", phone="13800000000",
                        region_code="110105", password_hash="-", organisation="知新制作中心")
        video = Video(owner=producer, status="ready", duration_seconds=LESSON_SECONDS, width=640, height=360)
        course = Course(title="公需科目：数字经济概论", category=ensure_categories()["digital"], producer=producer,
                        status="published", catalogue_year=now.year, credit_tenths=30, published_at=now)
        lesson = Lesson(course=course, position=1, title="第一讲", video=video)
        db.session.add_all([producer, video, course, lesson])
        db.session.flush()
        first17 = [f"440303{1960 + n // 300 % 50}{n // 25 % 12 + 1:02d}{n % 25 + 1:02d}{n % 900 + 100:03d}"
                   for n in range(users)]
        db.session.execute(insert(User), [
            {"role": "trainee", "real_name": "学员", "id_number": f + check_digit(f), "phone": f"139{n:08d}",
             "region_code": "440303", "password_hash": "-", "created_at": now} for n, f in enumerate(first17)])
        user_ids = db.session.scalars(db.select(User.id).where(User.role == "trainee").order_by(User.id)).all()
        plain = ["zx_" + secrets.token_urlsafe(32) for _ in user_ids]
        db.session.execute(insert(ApiToken), [
            {"user_id": uid, "name": "bench", "token_hash": hash_token(p), "prefix": p[:10], "created_at": now}
            for uid, p in zip(user_ids, plain, strict=True)])
        db.session.commit()
        return {"lesson_id": lesson.id, "tokens": list(zip(user_ids, plain, strict=True))}


# --- gunicorn -----------------------------------------------------------------------------------

class Server:
    """``gunicorn`` serving ``spec`` on ``port`` as bin/run does; its output goes to ``log``."""

    def __init__(self, spec: str, port: int, env: dict, log: Path, workers: int = 2, threads: int = 8):
        self.spec, self.port, self.env, self.log = spec, port, env, log
        self.args = [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                     "--worker-class", "gthread", "--threads", str(threads), "--graceful-timeout", "10",
                     "--timeout", "60", "--no-control-socket", "--chdir", str(ROOT), spec]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited at start; see {self.log}:\n{self.log.read_text()[-2000:]}")
            if len(self.workers()) >= 1 and _answers(self.port):
                return self
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not answer within {timeout} s; see {self.log}")

    def workers(self) -> list[int]:
        """The worker processes' ids (the master's children)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except (OSError, AttributeError):
            return []
        return [int(pid) for pid in children.split()]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the live workers: steadier than wall time on a busy machine."""
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        return total / os.sysconf("SC_CLK_TCK")

    def kill_worker(self) -> int:
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """kill -9 the master and its workers at once, as a power cut would."""
        workers = self.workers()
        self.process.kill()
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill_all()


def _answers(port: int) -> bool:
    try:
        conn = HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/bench-ping")
        conn.getresponse().read()
        conn.close()
        return True
    except OSError:
        return False


# --- viewers ------------------------------------------------------------------------------------

@dataclass
class Viewer:
    index: int
    user_id: int
    token: str
    session_id: str
    watch_token: str = ""  # what heartbeats carry (X-Watch-Token); the baseline checks none
    next_seq: int = 1  # what the player sends next: a pending seq again, else acked + 1
    acked: int = 0
    pending: int = 0


def open_sessions(port: int, lesson_id: int, tokens: list[tuple[int, str]], workers: int = 8) -> list[Viewer]:
    """Open one watch session per token through the real API (POST /api/v1/lessons/<id>/sessions)."""

    def one(item):
        index, (user_id, token) = item
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", f"/api/v1/lessons/{lesson_id}/sessions", body=b"",
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status != 201:
            raise SystemExit(f"opening a session answered {response.status}: {body[:300]!r}")
        opened = json.loads(body)
        return Viewer(index, user_id, token, opened["id"], opened["watch_token"])

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, enumerate(tokens)))


def insert_sessions(world: World, tokens: list[tuple[int, str]]) -> list[Viewer]:
    """Closed session rows written directly, for the baseline (which checks no token)."""
    from sqlalchemy import text

    viewers = [Viewer(i, uid, tok, secrets.token_hex(16)) for i, (uid, tok) in enumerate(tokens)]
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if world.kind == "sqlite" else now
    engine = world.engine()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO watch_sessions (id, user_id, lesson_id, opened_at, last_seq, played_seconds,"
                          " open, ip) VALUES (:id, :user_id, :lesson_id, :opened_at, 0, 0, false, '')"),
                     [{"id": v.session_id, "user_id": v.user_id, "lesson_id": world.lesson_id, "opened_at": stamp}
                      for v in viewers])
    engine.dispose()
    return viewers


# --- wrk ----------------------------------------------------------------------------------------

@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: dict
    p50_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict
    cpu_seconds: float = 0.0  # the server workers' CPU time during the run, when measured

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)


def run_wrk(port: int, viewers: list[Viewer], connections: int, seconds: float, segment: float,
            work: Path) -> WrkResult:
    """Drive ``viewers`` with ``connections`` one-connection wrk threads for ``seconds``; update each
    viewer's acked/pending/next_seq from what wrk saw."""
    return finish_wrk(start_wrk(port, viewers, connections, seconds, segment, work), viewers, work)


def start_wrk(port: int, viewers: list[Viewer], connections: int, seconds: float, segment: float,
              work: Path) -> subprocess.Popen:
    """wrk started in the background (see run_wrk); pass it to finish_wrk."""
    viewers_file, result_file = work / "viewers.txt", work / "wrk-result.txt"
    viewers_file.write_text("".join(f"{v.index} {v.watch_token or '-'} {v.session_id} {v.next_seq} {v.pending}\n"
                                    for v in viewers))
    result_file.unlink(missing_ok=True)
    args = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", LUA,
            f"http://127.0.0.1:{port}", "--", str(viewers_file), str(connections), repr(segment)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "BENCH_WRK_RESULT": str(result_file)})
    process.seconds = seconds
    return process


def finish_wrk(process: subprocess.Popen, viewers: list[Viewer], work: Path) -> WrkResult:
    """Wait for wrk, then read what it saw into ``viewers``."""
    result_file = work / "wrk-result.txt"
    try:
        out, err = process.communicate(timeout=process.seconds + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise SystemExit("wrk did not finish") from None
    if process.returncode != 0 or not result_file.exists():
        raise SystemExit(f"wrk failed ({process.returncode}):\n{out}\n{err}")
    return _read_result(result_file, {v.index: v for v in viewers})


def _read_result(path: Path, by_index: dict[int, Viewer]) -> WrkResult:
    statuses: dict[int, int] = {}
    for line in path.read_text().splitlines():
        kind, *fields = line.split()
        if kind == "summary":
            requests, duration, connect, read, write, status, timeout, p50, p99, top = map(int, fields[:10])
            errors = {"connect": connect, "read": read, "write": write, "status": status, "timeout": timeout}
            summary = (requests, duration / 1e6, errors, p50 / 1e3, p99 / 1e3, top / 1e3)
        elif kind == "status":
            statuses[int(fields[0])] = statuses.get(int(fields[0]), 0) + int(fields[1])
        elif kind == "viewer":
            viewer = by_index[int(fields[0])]
            viewer.acked, viewer.pending = int(fields[1]), int(fields[2])
            viewer.next_seq = viewer.pending or viewer.acked + 1
    return WrkResult(*summary, statuses)


# --- verification -------------------------------------------------------------------------------

def verify(world: World, viewers: list[Viewer], segment: float, progress: bool = True) -> list[str]:
    """What is wrong in the database, one line per viewer (empty: all good).

    For each viewer: the session's last_seq is the highest acknowledged seq, or the one after it
    if that was sent and left unanswered; the session's played seconds, and (``progress``) the
    lesson's covered seconds, are exactly last_seq × segment.
    """
    from sqlalchemy import text

    engine = world.engine()
    with engine.connect() as conn:  # one statement, one snapshot: a heartbeat may still be committing
        rows = conn.execute(text(
            "SELECT s.id, s.last_seq, s.played_seconds, p.covered_seconds FROM watch_sessions s"
            " LEFT JOIN lesson_progress p ON p.user_id = s.user_id AND p.lesson_id = s.lesson_id"
            " WHERE s.lesson_id = :l"), {"l": world.lesson_id}).all()
    engine.dispose()
    sessions = {sid: (seq, played, covered or 0.0) for sid, seq, played, covered in rows}
    problems = []
    for v in viewers:
        last_seq, played, covered = sessions[v.session_id]
        allowed = {v.acked} | ({v.pending} if v.pending == v.acked + 1 else set())
        if last_seq not in allowed:
            problems.append(f"viewer {v.index}: server seq {last_seq}, acked {v.acked}, pending {v.pending}")
        if played != last_seq * segment:
            problems.append(f"viewer {v.index}: played {played} s for seq {last_seq} × {segment} s")
        if progress and covered != last_seq * segment:
            problems.append(f"viewer {v.index}: covered {covered} s for seq {last_seq} × {segment} s")
    return problems


if __name__ == "__main__" and sys.argv[1:2] == ["seed"]:
    print(json.dumps(seed(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
