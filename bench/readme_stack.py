"""The deployment as the README describes it, for tests and bench/rush.py: the README's own
nginx block in front of gunicorn started with bin/run's own arguments, serving a bench world
(bench/harness.py: a database built by the migrations, one published lesson, trainees with
API tokens). Reading both files, instead of copying their settings, keeps the tests honest
when either changes.
"""
import getpass
import http.client
import json
import os
import re
import shlex
import subprocess
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import harness

ROOT = harness.ROOT
NGINX = next((p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if os.access(p, os.X_OK)), None)


def readme_nginx_block() -> str:
    """The ```nginx block of README.md."""
    return re.search(r"```nginx\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)


def bin_run_gunicorn_args() -> list[str]:
    """gunicorn's arguments as bin/run passes them, ``${PORT}`` left in."""
    text = (ROOT / "bin/run").read_text()
    command = re.search(r'"\$VENV/bin/gunicorn"(.*?)&\n', text, re.S).group(1)
    return shlex.split(command.replace("\\\n", " "))


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def nginx_keepalive_timeout(block: str) -> float:
    """The upstream's keepalive_timeout in seconds (nginx's default, 60 s, when unset)."""
    upstream = re.search(r"upstream zhixin \{(.*?)\}", block, re.S).group(1)
    found = re.search(r"^\s*keepalive_timeout\s+(\d+)(ms|s)?;", upstream, re.M)
    if not found:
        return 60.0
    return int(found.group(1)) / (1000 if found.group(2) == "ms" else 1)


@dataclass
class Stack:
    world: harness.World
    port: int  # nginx
    app_port: int  # gunicorn
    gunicorn: subprocess.Popen
    work: Path

    def nginx_statuses(self) -> list[str]:
        """Each answer nginx gave: '<nginx status> <gunicorn status or ->'."""
        log = self.work / "nginx" / "access.log"
        return [" ".join(line.split()[:2]) for line in log.read_text().splitlines()] if log.exists() else []

    def upstream_ports(self) -> list[str]:
        """The client port of nginx's upstream connection behind each request gunicorn answered."""
        log = self.work / "access.log"
        return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children").read_text()
        return [int(pid) for pid in children.split()]


def render_nginx(work: Path, port: int, app_port: int, block: str) -> Path:
    prefix = work / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    block = (block.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
             .replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
             .replace("/srv/zhixin/static/", f"{ROOT}/static/").replace("/srv/zhixin/media/", f"{work}/media/"))
    fields = {"USER": getpass.getuser(), "PREFIX": str(prefix), "SERVER_BLOCK": block}
    template = (ROOT / "bench/nginx/readme.conf.in").read_text()
    conf = prefix / "nginx.conf"
    conf.write_text(re.sub(r"@([A-Z_]+)@", lambda m: fields[m.group(1)], template))
    return conf


@contextmanager
def stack(work: Path, users: int, *, block: str | None = None, gunicorn_args: list[str] | None = None,
          env: dict | None = None, database: str = "sqlite", pg_url: str = harness.PG_DEFAULT):
    """nginx (the README's block, or ``block``) → gunicorn (bin/run's arguments, or
    ``gunicorn_args``) → a fresh bench world of ``users`` trainees (``database``: sqlite or
    postgresql, a database of its own on ``pg_url``'s server, dropped at the end)."""
    world = harness.make_world(database, work, users, pg_url)
    port, app_port = harness.free_port(), harness.free_port()
    args = [a.replace("${PORT}", str(app_port)) for a in (gunicorn_args or bin_run_gunicorn_args())]
    args = [str(ROOT / ".venv/bin/gunicorn"), *args[:-1], "--chdir", str(ROOT),
            "--access-logfile", str(work / "access.log"), "--access-logformat", "%({remote_port}e)s %(s)s",
            args[-1]]
    conf = render_nginx(work, port, app_port, block or readme_nginx_block())
    try:
        with ExitStack() as processes:
            app = processes.enter_context(harness.running(args, app_port, work / "gunicorn.log",
                                                          {**world.env(), **(env or {})}))
            nginx = [NGINX, "-p", str(conf.parent), "-e", str(conf.parent / "error.log"), "-c", str(conf)]
            processes.enter_context(harness.running(nginx, port, conf.parent / "error.log"))
            yield Stack(world, port, app_port, app, work)
    finally:
        world.drop()


def open_sessions(s: Stack, count: int) -> list[harness.Viewer]:
    """``count`` trainees open a watch session each, through nginx."""
    return harness.open_sessions(s.port, s.world.lesson_id, s.world.tokens[:count], workers=4)


def heartbeat(connection: http.client.HTTPConnection, viewer: harness.Viewer, seq: int,
              segment: float) -> tuple[int, dict, dict]:
    """POST heartbeat ``seq`` of ``viewer`` (claiming [(seq-1)·segment, seq·segment], nothing
    when ``segment`` is 0) on ``connection``; its status, headers and JSON body."""
    segments = [[(seq - 1) * segment, seq * segment]] if segment else []
    body = json.dumps({"seq": seq, "segments": segments, "rate": 1.0})
    connection.request("POST", f"/api/v1/sessions/{viewer.session_id}/heartbeats", body=body,
                       headers={"X-Watch-Token": viewer.watch_token, "Content-Type": "application/json"})
    answer = connection.getresponse()
    raw = answer.read()
    try:
        reply = json.loads(raw)
    except ValueError:
        reply = {"raw": raw[:200].decode(errors="replace")}
    return answer.status, dict(answer.getheaders()), reply
