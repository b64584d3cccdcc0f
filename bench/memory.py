"""Memory benchmark: the web process's resident memory after start and after its first requests.

    .venv/bin/python bench/memory.py

Two ways, each against a bare Flask app (one route, the same Flask) measured the same way in
the same run, so that the ratio holds on any machine:

- ``gunicorn``: a gunicorn worker as bin/run starts it (gthread, 8 threads; one worker here),
  the app on a fresh SQLite database and SQLite queue (bin/run's defaults); its VmRSS once it
  answers, after the sign-in page and the catalogue, and after a search (jieba's dictionary);
- ``in-process``: ``create_app()`` in a child process, VmRSS after it returns and after the
  same requests through the test client, and which of the heavy libraries are loaded at each
  point (imported on first use since issue 16: PDF, signing, XLSX, images, search; tests/core/
  test_lazy_imports.py keeps them out of create_app).

Aim (issue 16): the web process at most 100 MB after start.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import GUNICORN, free_port, running  # noqa: E402

PAGES = ("/login", "/")
SEARCH = "/search?q=安全"  # loads jieba's dictionary (about 70 MB): reported on its own
HEAVY = ("fpdf", "fontTools", "pypdf", "segno", "cryptography.hazmat.bindings._rust", "openpyxl", "xlsxwriter",
         "PIL.Image", "jieba", "pypinyin", "whoosh", "alembic", "redis", "psycopg")
"""Reported when loaded: the first eleven are imported on first use; alembic (Flask-Migrate), redis and
psycopg (huey.storage imports both when installed) are still imported at start."""


def bare_app():
    """The baseline: Flask and one route, nothing of Zhixin."""
    from flask import Flask

    app = Flask("bare")
    app.add_url_rule("/login", "login", lambda: "ok")
    return app


def _rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))


def _config(work: Path) -> dict:
    return {"DATABASE_URL": f"sqlite:///{work / 'app.db'}", "SECRET_KEY": "bench", "TESTING": False,
            "QUEUE_URL": f"sqlite:///{work / 'queue.db'}", "MEDIA_ROOT": str(work / "media"),
            "RATELIMIT_ENABLED": False}


def in_process(kind: str, work: Path) -> dict:
    """One child's figures: RSS after start and after PAGES, the heavy modules loaded at each."""
    if kind == "bare":
        app = bare_app()
    else:
        from app import create_app

        app = create_app(_config(work), instance_path=str(work / "instance"))
    started, loaded = _rss_mb(), [name for name in HEAVY if name in sys.modules]
    client = app.test_client()
    for page in PAGES if kind == "app" else PAGES[:1]:
        client.get(page)
    served, loaded_after = _rss_mb(), [name for name in HEAVY if name in sys.modules]
    client.get(SEARCH)
    return {"start": started, "served": served, "searched": _rss_mb(), "loaded_at_start": loaded,
            "loaded_after": loaded_after}


def _child(kind: str, work: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--work", str(work)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _create_tables(work: Path) -> None:
    from app import create_app
    from core.extensions import db

    with create_app(_config(work), instance_path=str(work / "instance")).app_context():
        db.create_all()


def _worker_pid(master: int) -> int:
    for _ in range(100):
        with open(f"/proc/{master}/task/{master}/children") as f:
            children = f.read().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def _get(port: int, path: str) -> None:
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path.replace("安全", "%E5%AE%89%E5%85%A8"))
        connection.getresponse().read()
    finally:
        connection.close()


def under_gunicorn(kind: str, work: Path) -> dict:
    """A gunicorn worker's RSS once it answers (the wait probes one URL), then after PAGES."""
    port, target = free_port(), "app:create_app()" if kind == "app" else "bench.memory:bare_app()"
    env = {**os.environ, "ZHIXIN_DATABASE_URL": f"sqlite:///{work / 'app.db'}", "ZHIXIN_SECRET_KEY": "bench",
           "ZHIXIN_QUEUE_URL": f"sqlite:///{work / 'queue.db'}", "ZHIXIN_MEDIA_ROOT": str(work / "media"),
           "ZHIXIN_RATELIMIT_ENABLED": "false"}
    args = [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread",
            "--threads", "8", "--graceful-timeout", "5", "--no-control-socket", target]
    with running(args, port, work / f"gunicorn-{kind}.log", env=env) as master:
        worker = _worker_pid(master.pid)
        started = _rss_mb(worker)
        for page in PAGES if kind == "app" else PAGES[:1]:
            _get(port, page)
        served = _rss_mb(worker)
        _get(port, SEARCH)
        return {"start": started, "served": served, "searched": _rss_mb(worker)}


def report(results: dict) -> None:
    for way in ("gunicorn", "in-process"):
        bare, app = results[way]["bare"], results[way]["app"]
        print(f"\n{way}:")
        for kind, r in (("bare Flask", bare), ("Zhixin", app)):
            print(f"  {kind:10} {r['start']:6.1f} MB after start, {r['served']:6.1f} MB after {', '.join(PAGES)}"
                  + (f", {r['searched']:6.1f} MB after a search" if kind == "Zhixin" else ""))
        print(f"  Zhixin / bare Flask: {app['start'] / bare['start']:.2f}× after start, "
              f"{app['served'] / bare['served']:.2f}× after the requests; "
              f"+{app['start'] - bare['start']:.1f} MB of its own after start")
    app = results["in-process"]["app"]
    print(f"\nheavy libraries loaded by create_app(): {', '.join(app['loaded_at_start']) or 'none'}")
    print(f"after {', '.join(PAGES)}: {', '.join(app['loaded_after']) or 'none'}")
    print(f"aim: ≤ 100 MB after start (gunicorn worker): {results['gunicorn']['app']['start']:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", choices=("bare", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(in_process(args.child, args.work)))
        return
    with tempfile.TemporaryDirectory(prefix="zhixin-bench-memory-") as tmp:
        work = Path(tmp)
        _create_tables(work)
        results = {"gunicorn": {kind: under_gunicorn(kind, work) for kind in ("bare", "app")},
                   "in-process": {kind: _child(kind, work) for kind in ("bare", "app")}}
    report(results)


if __name__ == "__main__":
    main()
