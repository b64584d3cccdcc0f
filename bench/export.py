"""Export benchmark: N generated credit records → CSV and XLSX, against ``sqlite3 -csv``.

    .venv/bin/python bench/export.py [--rows 1000000] [--small 200000]

For each size (``--rows`` and ``--small``; ``--small 0`` skips the second) it builds a fresh
SQLite database in a temporary directory (users, courses and certificates through SQLAlchemy
Core executemany, the credit records through the sqlite3 module's executemany, appended in
time order as the ledger is), then, each in a child process of its own so that peaks are clean:

- ``sqlite3``: the sqlite3 shell (``-csv``) dumping records_query's own SQL (same joins and
  certificate subquery, parameters inlined) into a file: the baseline, after one warm-up run
  so that every contender reads a warm page cache;
- ``csv``: bureau.exports.export_statement(records_query(...)) (a province officer's scope,
  no filter: every row) through the exports' server-side cursor and
  bureau.export_writers.csv_record_chunks (what the CSV download sends), written to a file; no HTTP;
- ``xlsx``: bureau.export_writers.write_xlsx over the same rows.

It prints wall and CPU time (CPU is the steadier figure on a shared machine), rows/s, the
peak memory of each Python child (VmHWM) and its growth during the export (what the rows
cost; the rest is the imported app), and each export's time as a multiple of sqlite3's.
Aim (issue 5): CSV within 2× of sqlite3, peak under 100 MB, the same peak at both sizes.
"""
import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCOPE = "440000"
REGIONS = ("440303", "440304", "440305", "440306", "440307", "440103", "440104", "440604", "441900", "440000")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
EMPLOYERS = ("深圳市人民医院", "南山区第二实验学校", "广州市规划设计研究院", "佛山市气象局", "东莞理工学院",
             "=HYPERLINK(\"http://example.invalid\",\"点击\")", "+86 工作室", "宝安区疾病预防控制中心")
CHUNK = 50_000


# --- the database ----------------------------------------------------------------------------

def make_app(db_path: Path, instance: Path):
    from app import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "bench", "TESTING": False,
                       "QUEUE_URL": f"sqlite:///{instance / 'queue.db'}", "MEDIA_ROOT": str(instance / "media")},
                      instance_path=str(instance))


def id_number(region: str, n: int) -> str:
    from accounts.idnumber import check_digit

    born = datetime(1960, 1, 1) + timedelta(days=n // 900 % 14000)
    first17 = f"{region}{born:%Y%m%d}{n % 900 + 100:03d}"
    return first17 + check_digit(first17)


def _users(count: int, rng: random.Random, now: datetime):
    from werkzeug.security import generate_password_hash

    password = generate_password_hash("bench-only", method="pbkdf2:sha256:1000")
    for n in range(count):
        region = REGIONS[n % len(REGIONS)]
        yield {"role": "trainee", "real_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
               "id_number": id_number(region, n), "phone": f"139{n:08d}", "employer": rng.choice(EMPLOYERS),
               "region_code": region, "password_hash": password, "created_at": now}


def _records(rows: int, users: int, courses: list[tuple[int, int]], rng: random.Random):
    """Ledger rows as appended in time order, as (user_id, course_id, year, hours_tenths, basis,
    reason, awarded_at, updated_at); each trainee's courses are distinct (one completion each)."""
    start, step = datetime(2024, 1, 1), 2 * 365 * 86400 / rows
    for n in range(rows):
        user = n % users + 1
        course_id, tenths = courses[(user * 7 + n // users) % len(courses)]
        at = start + timedelta(seconds=n * step, microseconds=rng.randrange(10**6))
        stamp = at.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite storage format, UTC
        if n % 50 == 49:
            yield user, course_id, at.year, -tenths, "correction", "重复计入", stamp, stamp
        else:
            yield user, course_id, at.year, tenths, "completion", "", stamp, stamp


def _insert_records(db_path: Path, rows) -> None:
    """The million ledger rows by the sqlite3 module's own executemany, the fastest way in."""
    connection = sqlite3.connect(db_path)
    try:
        with connection:
            connection.executemany(
                "INSERT INTO credit_records (user_id, course_id, year, hours_tenths, basis, reason, awarded_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        connection.close()


def _insert(table, rows) -> None:
    from core.extensions import db

    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(table.insert(), batch)
            batch = []
    if batch:
        db.session.execute(table.insert(), batch)


def build(db_path: Path, instance: Path, rows: int) -> None:
    """A fresh database with ``rows`` credit records of rows/5 trainees in Guangdong."""
    from accounts.models import User
    from core.extensions import db
    from courses.categories import ensure_categories
    from courses.models import Course
    from learning.models import Certificate

    rng, now = random.Random(5), datetime.now(UTC)
    app = make_app(db_path, instance)
    with app.app_context():
        db.create_all()
        categories = list(ensure_categories().values())
        users = max(rows // 5, 1)
        _insert(User.__table__, _users(users, rng, now))
        producer = User(role="producer", real_name="制作方", id_number=id_number("110105", 999_999_999),
                        phone="13800000000", region_code="110105", password_hash="-", organisation="知新制作中心")
        db.session.add(producer)
        db.session.flush()
        courses = [Course(title=f"公需科目第{n}讲：{'数字经济与网络安全'[n % 8:]}", category=categories[n % 9],
                          producer=producer, status="published", catalogue_year=2025, credit_tenths=10 + n % 30)
                   for n in range(50)]
        db.session.add_all(courses)
        db.session.flush()
        course_list = [(c.id, c.credit_tenths) for c in courses]
        db.session.commit()
        _insert_records(db_path, _records(rows, users, course_list, rng))
        _insert(Certificate.__table__, (
            {"number": f"ZX-2025-{n:08d}", "user_id": n % users + 1, "kind": "course", "year": 2025,
             "course_id": course_list[((n % users + 1) * 7 + n // users) % len(course_list)][0],
             "hours_tenths": 10, "payload": {}, "signature": "", "status": "valid", "issued_at": now}
            for n in range(0, rows, 5)))
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def records_sql(db_path: Path, instance: Path) -> str:
    """The export's SQL with its parameters inlined, for the sqlite3 shell."""
    from sqlalchemy.dialects import sqlite

    from bureau.records import Filters, records_query
    from bureau.scope import Scope

    with make_app(db_path, instance).app_context():
        stmt = records_query(Scope(SCOPE), Filters())
        return str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def build_in_child(db_path: Path, instance: Path, rows: int) -> None:
    subprocess.run([sys.executable, __file__, "--child", "build", "--db", str(db_path), "--instance", str(instance),
                    "--rows-to-build", str(rows)], timeout=3600, check=True)


def records_sql_in_child(db_path: Path, instance: Path) -> str:
    done = subprocess.run([sys.executable, __file__, "--child", "sql", "--db", str(db_path),
                           "--instance", str(instance)], capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- one export, in a child process ----------------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across fork)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, db_path: Path, instance: Path, out: Path) -> dict:
    from bureau.export_writers import csv_record_chunks, export_batches, write_xlsx
    from bureau.exports import export_statement, stream_batches, subject_names
    from bureau.records import Filters, records_query
    from bureau.scope import Scope

    counted = [0]

    def counting(batches):
        for batch in batches:
            counted[0] += len(batch)
            yield batch

    app = make_app(db_path, instance)
    with app.app_context():
        stmt = export_statement(records_query(Scope(SCOPE), Filters()))
        list(export_batches(stream_batches(stmt.limit(10))))  # warm: imports, compiled query cache
        baseline, started, cpu = _peak_rss_mb(), time.perf_counter(), time.process_time()
        names = subject_names()
        if kind == "csv":
            with open(out, "wb") as f:
                for chunk in csv_record_chunks(counting(stream_batches(stmt)), names):
                    f.write(chunk)
        else:
            write_xlsx(export_batches(counting(stream_batches(stmt)), names), str(out))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": counted[0], "baseline_mb": baseline, "peak_mb": _peak_rss_mb()}


def run_child(kind: str, db_path: Path, instance: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db_path),
                           "--instance", str(instance), "--out", str(out)],
                          capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} export failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_sqlite3(db_path: Path, sql: str, out: Path) -> dict:
    """The sqlite3 shell's own CSV dump of the same rows, timed (its CPU time from wait4)."""
    started = time.perf_counter()
    with open(out, "wb") as f:
        shell = subprocess.Popen(["sqlite3", "-csv", "-header", str(db_path), sql], stdout=f)
        _pid, status, usage = os.wait4(shell.pid, 0)
        shell.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if shell.returncode != 0:
        raise SystemExit("sqlite3 failed")
    with open(out, "rb") as f:
        rows = sum(1 for _line in f) - 1
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rows": rows}


# --- the report ------------------------------------------------------------------------------

def measure(rows: int, work: Path) -> dict:
    db_path, instance = work / f"bench_{rows}.db", work / f"instance_{rows}"
    started = time.perf_counter()
    build_in_child(db_path, instance, rows)
    print(f"\n{rows:,} credit records generated in {time.perf_counter() - started:.1f} s "
          f"({db_path.stat().st_size / 2**20:.0f} MB database)")
    sql = records_sql_in_child(db_path, instance)
    run_sqlite3(db_path, sql, work / "sqlite3.csv")  # a first pass warms the page cache for every run
    results = {"sqlite3": run_sqlite3(db_path, sql, work / "sqlite3.csv")}
    for kind in ("csv", "xlsx"):
        results[kind] = run_child(kind, db_path, instance, work / f"export.{kind}")
    for kind, r in results.items():
        memory = (f"  peak {r['peak_mb']:6.1f} MB (+{r['peak_mb'] - r['baseline_mb']:.1f} MB during the export)"
                  if "peak_mb" in r else "")
        print(f"  {kind:8} {r['seconds']:7.2f} s wall {r['cpu']:7.2f} s CPU  "
              f"{r['rows'] / r['seconds']:>9,.0f} rows/s{memory}  rows {r['rows']:,}")
    base = results["sqlite3"]
    for kind in ("csv", "xlsx"):
        print(f"  {kind.upper()} / sqlite3 -csv: {results[kind]['seconds'] / base['seconds']:.2f}× wall, "
              f"{results[kind]['cpu'] / base['cpu']:.2f}× CPU")
    shutil.rmtree(instance, ignore_errors=True)
    for path in (db_path, work / "sqlite3.csv", work / "export.csv", work / "export.xlsx"):
        path.unlink(missing_ok=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=200_000, help="a second, smaller run (0: none)")
    parser.add_argument("--child", choices=("csv", "xlsx", "build", "sql"), help=argparse.SUPPRESS)
    parser.add_argument("--rows-to-build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        build(args.db, args.instance, args.rows_to_build)
        return
    if args.child == "sql":
        print(json.dumps(records_sql(args.db, args.instance)))
        return
    if args.child:
        print(json.dumps(child(args.child, args.db, args.instance, args.out)))
        return
    work = Path(tempfile.mkdtemp(prefix="zhixin-bench-export-"))
    try:
        sizes = [args.rows] + ([args.small] if 0 < args.small < args.rows else [])
        results = {rows: measure(rows, work) for rows in sizes}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if len(results) == 2:
        big, small = (results[rows] for rows in sizes)
        print(f"\nPeak memory at {sizes[1]:,} → {sizes[0]:,} rows (MB): " + ", ".join(
            f"{kind} {small[kind]['peak_mb']:.1f} → {big[kind]['peak_mb']:.1f}" for kind in ("csv", "xlsx")))


if __name__ == "__main__":
    main()
