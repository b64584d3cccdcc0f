"""Media benchmark: 1 MiB range requests on a ~50 MB rendition, five ways, driven by wrk.

    .venv/bin/python bench/media.py [--seconds 8] [--connections 4 16] [--rounds 1]
                                    [--megabytes 50] [--range-mib 1] [--keep]

It makes a real H.264 MP4 (the flower sample looped by ffmpeg, stream copy), registers it
as the 540p rendition of a lesson of a published course in a fresh SQLite database, signs a
trainee in through the login form (CSRF token and session cookie, as a browser does) and
times, one after the other at each concurrency, random 1 MiB-aligned ``Range`` requests:

- ``nginx``: nginx serving the file directly (the baseline for ``signed`` and ``accel``);
- ``signed``: nginx serving a link signed as the app signs it with ``MEDIA_LINK_SECRET``
  (``courses/media/links.py``), checked by nginx alone (``secure_link``, README's block): no Python;
- ``accel`` (for reference): nginx in front of the app (gunicorn) with ``MEDIA_ACCEL_REDIRECT``:
  the app checks access and answers X-Accel-Redirect, nginx sends the bytes;
- ``bare_accel`` (for reference, no aim): the same, but behind nginx is a bare Flask route
  that answers X-Accel-Redirect without checking anything: what the Python hop alone costs;
- ``app``: the app alone under gunicorn, sending the ranges itself;
- ``send_file``: a bare Flask app calling ``flask.send_file(path, conditional=True)``
  under the same gunicorn (the baseline for ``app``).

Every gunicorn runs 2 gthread workers of 4 threads (README's worker class); nginx runs 2
workers with sendfile. Before timing, each contender must answer one range with 206, the
right Content-Range and the file's own bytes. It prints MB/s of response bytes (as wrk
counts them), requests/s, p50/p99 latency and the CPU time the serving processes spent per
request (from /proc: the steadier figure when other work shares the machine), then each
contender's ratio to its baseline; the aims are signed/nginx ≥ 0.9 (issue 16; accel/nginx
was issue 7's, not reachable with a hop into Python) and app/send_file ≥ 1.0. wrk and the
servers share the cores: the figures compare CPU cost.
"""
import argparse
import getpass
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

MIB = 1 << 20
SAMPLE = ROOT.parent / "shared" / "samples" / "flower_h264_aac_faststart.mp4"  # ../shared beside the checkout
SAMPLE_HEIGHT = 540
PHONE, PASSWORD = "13900000001", "bench-only-password"
TRAINEE_ID = 2  # build_world's trainee (after the producer): whom the signed contender's link is for
LINK_SECRET = "bench-media-link-secret"  # MEDIA_LINK_SECRET of the signed contender, and nginx's
USER_AGENT = "zhixin-media-bench"  # Flask-Login keys a session's freshness to it: one for all
WRK_LUA = """
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  span = tonumber(args[1])
  blocks = tonumber(args[2])
  math.randomseed(7919 * (id + 1))
end
function request()
  local first = math.random(0, blocks - 1) * span
  wrk.headers["Range"] = "bytes=" .. first .. "-" .. (first + span - 1)
  return wrk.format()
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %d, "bytes": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.bytes, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


# --- the bare Flask baseline (gunicorn imports this module for it) -----------------------------

def plain_app():
    """A Flask app serving ``$BENCH_MEDIA_FILE`` at /plain.mp4 with Werkzeug's ranges, and
    answering /bare/accel.mp4 with ``X-Accel-Redirect: $BENCH_MEDIA_ACCEL`` unchecked."""
    from flask import Flask, Response, send_file

    app = Flask("plain")
    path, accel = os.environ["BENCH_MEDIA_FILE"], os.environ["BENCH_MEDIA_ACCEL"]

    @app.get("/plain.mp4")
    def plain():
        return send_file(path, mimetype="video/mp4", conditional=True)

    @app.get("/bare/accel.mp4")
    def bare_accel():
        return Response(mimetype="video/mp4", headers={"X-Accel-Redirect": accel})

    return app


# --- the world: a rendition and the rows that make it playable ---------------------------------

def make_rendition(out: Path, megabytes: int) -> None:
    """An H.264/AAC MP4 of about ``megabytes`` MB: the flower sample looped, streams copied."""
    loops = max(round(megabytes * 1e6 / SAMPLE.stat().st_size) - 1, 0)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(SAMPLE),
                    "-c", "copy", "-movflags", "+faststart", str(out)], check=True, timeout=300)


def app_config(work: Path) -> dict:
    return {"DATABASE_URL": f"sqlite:///{work / 'bench.db'}", "QUEUE_URL": f"sqlite:///{work / 'queue.db'}",
            "SECRET_KEY": "bench-media", "MEDIA_ROOT": str(work / "media")}


def app_env(work: Path, **extra: str) -> dict:
    """The environment of a gunicorn serving the app of ``work`` (``extra``: more ZHIXIN_ keys)."""
    return {**os.environ, **{f"ZHIXIN_{key}": value for key, value in {**app_config(work), **extra}.items()}}


def people():
    """A producer and a trainee who signs in with ``PHONE`` and ``PASSWORD``."""
    from werkzeug.security import generate_password_hash

    from accounts.idnumber import check_digit
    from accounts.models import User

    producer = User(role="producer", real_name="制作方", id_number="11010519800101100" + check_digit(
        "11010519800101100"), phone="13800000000", region_code="110105", password_hash="-",
        organisation="知新制作中心")
    trainee = User(role="trainee", real_name="张三", id_number="11010519850301101" + check_digit(
        "11010519850301101"), phone=PHONE, region_code="110105", employer="北京市第一医院",
        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    return producer, trainee


def build_world(work: Path, megabytes: int) -> tuple[str, Path]:
    """A published course whose lesson plays a fresh rendition, and a trainee (``PHONE``);
    returns the rendition's URL path and its file."""
    from app import create_app
    from core.extensions import db
    from courses.categories import ensure_categories
    from courses.media import storage
    from courses.models import Course, Lesson, Video

    app = create_app(app_config(work), instance_path=str(work / "instance"))
    with app.app_context():
        db.create_all()
        category = ensure_categories()["digital"]
        producer, trainee = people()
        video = Video(owner=producer, status="ready", duration_seconds=300.0, width=960, height=SAMPLE_HEIGHT)
        db.session.add_all([producer, trainee, video])
        db.session.flush()
        relative = storage.rendition_path(video.id, SAMPLE_HEIGHT)
        path = storage.resolve(relative)
        make_rendition(path, megabytes)
        video.renditions = [{"height": SAMPLE_HEIGHT, "width": 960, "path": relative, "bytes": path.stat().st_size}]
        course = Course(title="数字经济概论", summary="课程简介", instructor="李老师", category=category,
                        producer=producer, organisation=producer.organisation, status="published",
                        catalogue_year=2026, credit_tenths=10)
        course.lessons.append(Lesson(position=1, title="第1讲", video=video))
        db.session.add(course)
        db.session.commit()
        video_id = video.id
        db.engine.dispose()
    return f"/media/videos/{video_id}/{SAMPLE_HEIGHT}p.mp4", path


# --- servers -----------------------------------------------------------------------------------

def cpu_seconds(groups: list[int]) -> float:
    """User + system CPU time so far of every process in the process ``groups``."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) in groups:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def gunicorn(target: str, port: int, work: Path, env: dict):
    args = [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--worker-class", "gthread", "--threads", "4", "--log-level", "warning", "--chdir", str(ROOT), target]
    return harness.running(args, port, work / f"gunicorn-{port}.log", env)


def nginx(port: int, app_port: int, bare_port: int, work: Path):
    prefix = work / "nginx"
    prefix.mkdir(exist_ok=True)
    fields = {"USER": getpass.getuser(), "PREFIX": str(prefix), "PORT": str(port), "APP_PORT": str(app_port),
              "BARE_PORT": str(bare_port), "MEDIA_ROOT": str(work / "media"), "LINK_SECRET": LINK_SECRET}
    template = (ROOT / "bench/nginx/media.conf.in").read_text()
    conf = prefix / "nginx.conf"
    conf.write_text(re.sub(r"@([A-Z_]+)@", lambda m: fields[m.group(1)], template))
    args = ["nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    return harness.running(args, port, prefix / "error.log")


# --- the client ----------------------------------------------------------------------------------

def fetch(port: int, path: str, headers: dict, body: str | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    """One request (GET, or a form POST when there is a ``body``) and its answer's bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        if body is not None:
            headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request("GET" if body is None else "POST", path, body, {"User-Agent": USER_AGENT, **headers})
        answer = connection.getresponse()
        return answer, answer.read()
    finally:
        connection.close()


def sign_in(port: int) -> str:
    """The ``Cookie`` header of a trainee signed in through the login form, CSRF token and all."""
    page, form = fetch(port, "/login", {})
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.decode()).group(1)
    answer, _ = fetch(port, "/login", {"Cookie": cookie},
                      f"csrf_token={token}&identifier={PHONE}&password={PASSWORD}")
    if answer.status not in (302, 303):
        raise SystemExit(f"signing in answered {answer.status}")
    return answer.getheader("Set-Cookie").split(";", 1)[0]


def check_range(port: int, path: str, cookie: str, data: bytes, span: int) -> None:
    """One random range must come back 206 with its Content-Range and the file's bytes."""
    first = random.randrange(len(data) // span) * span
    answer, body = fetch(port, path, {"Range": f"bytes={first}-{first + span - 1}", "Cookie": cookie})
    expected = f"bytes {first}-{first + span - 1}/{len(data)}"
    if (answer.status, answer.getheader("Content-Range")) != (206, expected) or body != data[first:first + span]:
        raise SystemExit(f"{path} on {port}: {answer.status} {answer.getheader('Content-Range')!r}, "
                         f"{len(body)} bytes, wanted 206 {expected!r} and the file's bytes")


def run_wrk(port: int, path: str, cookie: str, ranges: tuple[int, int], connections: int, seconds: float,
            script: Path) -> dict:
    """wrk's figures for ``connections`` connections asking random ranges for ``seconds``;
    ``ranges`` is (bytes in a range, how many whole ranges the file holds)."""
    args = ["wrk", "--threads", "2" if connections > 1 else "1", "--connections", str(connections),
            "--duration", f"{seconds:g}s", "--timeout", "10s", "--script", str(script),
            "--header", f"User-Agent: {USER_AGENT}"]
    if cookie:
        args += ["--header", f"Cookie: {cookie}"]
    done = subprocess.run(args + [f"http://127.0.0.1:{port}{path}", "--", *map(str, ranges)],
                          capture_output=True, text=True, timeout=seconds + 60, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = result["duration_us"] / 1e6
    result.update(mb_s=result["bytes"] / seconds / 1e6, rps=result["requests"] / seconds)
    if result["errors"] or result["requests"] == 0 or result["bytes"] < result["requests"] * ranges[0]:
        raise SystemExit(f"wrk on {path}: {result} (errors, or responses shorter than a range)")
    return result


def check_accel(port: int, path: str, cookie: str) -> str:
    """The app behind nginx must answer with an empty body and X-Accel-Redirect."""
    answer, body = fetch(port, path, {"Range": "bytes=0-1", "Cookie": cookie})
    target = answer.getheader("X-Accel-Redirect")
    if answer.status != 200 or body or not target:
        raise SystemExit(f"the accel app answered {answer.status}, {len(body)} bytes, X-Accel-Redirect {target!r}")
    return target


def signed_link(relative: str, user_id: int) -> str:
    """The rendition's link for ``user_id`` as the app gives it with MEDIA_LINK_SECRET, valid for a day."""
    from datetime import UTC, datetime

    from courses.media import links

    return links.sign(relative, user_id, links.expiry(datetime.now(UTC), 86400), LINK_SECRET)


# --- the run -------------------------------------------------------------------------------------

CONTENDERS = ("nginx", "signed", "accel", "bare_accel", "app", "send_file")
RATIOS = (("signed", "nginx", 0.9), ("accel", "nginx", None), ("bare_accel", "nginx", None),
          ("app", "send_file", 1.0))
SERVERS = ("nginx", "accel", "app", "send_file")


def start_contenders(stack: ExitStack, work: Path, url_path: str, rendition: Path, span: int) -> dict:
    """Start the servers and check each contender once;
    ``{name: (port, path, cookie, process groups serving it)}``."""
    ports = {name: harness.free_port() for name in SERVERS}
    relative = rendition.relative_to(work / "media").as_posix()
    groups = {"accel": stack.enter_context(gunicorn("app:create_app()", ports["accel"], work, app_env(
                  work, MEDIA_ACCEL_REDIRECT="/protected-media/"))).pid,
              "app": stack.enter_context(gunicorn("app:create_app()", ports["app"], work, app_env(work))).pid,
              "send_file": stack.enter_context(gunicorn("bench.media:plain_app()", ports["send_file"], work, {
                  **os.environ, "BENCH_MEDIA_FILE": str(rendition),
                  "BENCH_MEDIA_ACCEL": f"/protected-media/{relative}"})).pid,
              "nginx": stack.enter_context(nginx(ports["nginx"], ports["accel"], ports["send_file"], work)).pid}
    cookie = sign_in(ports["nginx"])
    contenders = {"nginx": (ports["nginx"], f"/direct/{relative}", "", [groups["nginx"]]),
                  "signed": (ports["nginx"], signed_link(relative, TRAINEE_ID), "", [groups["nginx"]]),
                  "accel": (ports["nginx"], url_path, cookie, [groups["nginx"], groups["accel"]]),
                  "bare_accel": (ports["nginx"], "/bare/accel.mp4", "", [groups["nginx"], groups["send_file"]]),
                  "app": (ports["app"], url_path, sign_in(ports["app"]), [groups["app"]]),
                  "send_file": (ports["send_file"], "/plain.mp4", "", [groups["send_file"]])}
    data = rendition.read_bytes()
    for port, path, session, _groups in contenders.values():
        check_range(port, path, session, data, span)
    print(f"accel: the app answers X-Accel-Redirect: {check_accel(ports['accel'], url_path, cookie)}")
    unsigned, _body = fetch(ports["nginx"], contenders["signed"][1].split("?")[0], {})
    if unsigned.status != 403:
        raise SystemExit(f"nginx answered {unsigned.status} to a media link without its signature, wanted 403")
    return contenders


def measure(contenders: dict, ranges: tuple[int, int], connections: list[int], seconds: float,
            rounds: int, script: Path, names: list[str]) -> dict:
    """Each contender at each concurrency, ``rounds`` times, contenders taking turns so that
    a busy spell of the machine hits them alike; ``{(connections, name): [run of each round]}``."""
    runs = {}
    for round_ in range(1, rounds + 1):
        for n in connections:
            for name in names:
                port, path, cookie, groups = contenders[name]
                run_wrk(port, path, cookie, ranges, n, min(seconds, 1), script)  # warm: caches, keep-alive
                cpu = cpu_seconds(groups)
                r = run_wrk(port, path, cookie, ranges, n, seconds, script)
                r["cpu_ms"] = (cpu_seconds(groups) - cpu) * 1000 / r["requests"]
                runs.setdefault((n, name), []).append(r)
                print(f"  {round_:>5}  {n:>5}  {name:10} {r['mb_s']:8.1f} {r['rps']:8.1f} {r['p50_us'] / 1000:8.1f} "
                      f"{r['p99_us'] / 1000:8.1f} {r['cpu_ms']:8.2f}", flush=True)
    return runs


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def report(runs: dict, connections: list[int], rounds: int) -> None:
    """Each contender's ratio to its baseline: the median over the rounds of the ratio within a
    round (the two ran seconds apart, so a busy spell of the machine mostly hits both)."""
    print(f"\nRatios ({'median of ' + str(rounds) + ' rounds, each within its round' if rounds > 1 else 'one round'}; "
          "CPU per request is the steadier figure on a busy machine):")
    for n in connections:
        parts = []
        for name, base, aim in RATIOS:
            if (n, name) not in runs or (n, base) not in runs:
                continue
            pairs = list(zip(runs[n, name], runs[n, base], strict=True))
            ratio = median([mine["mb_s"] / theirs["mb_s"] for mine, theirs in pairs])
            cpu = median([mine["cpu_ms"] / theirs["cpu_ms"] for mine, theirs in pairs])
            verdict = f" (aim ≥ {aim}: {'met' if ratio >= aim else 'NOT met'})" if aim else ""
            parts.append(f"{name}/{base} {ratio:.2f}× MB/s{verdict}, {cpu:.2f}× CPU per request")
        print(f"  {n:>2} connections:\n" + "".join(f"    {part}\n" for part in parts), end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="wrk duration of each timed run")
    parser.add_argument("--connections", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--megabytes", type=int, default=50, help="size of the rendition")
    parser.add_argument("--range-mib", type=int, default=1, help="MiB in each range (the issue's figure: 1)")
    parser.add_argument("--rounds", type=int, default=1, help="turns of every contender (the median counts)")
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=list(CONTENDERS),
                        help="which to time, in this order (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, nginx.conf)")
    args = parser.parse_args()
    for program in ("ffmpeg", "nginx", "wrk"):
        if shutil.which(program) is None:
            raise SystemExit(f"{program} is not installed")
    if not SAMPLE.is_file():
        raise SystemExit(f"the sample {SAMPLE} is missing (the shared samples sit beside the checkout)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the servers are stopped too
    work = Path(tempfile.mkdtemp(prefix="zhixin-bench-media-"))
    try:
        url_path, rendition = build_world(work, args.megabytes)
        size = rendition.stat().st_size
        script = work / "ranges.lua"
        script.write_text(WRK_LUA)
        with ExitStack() as stack:
            span = args.range_mib * MIB
            contenders = start_contenders(stack, work, url_path, rendition, span)
            print(f"rendition {size / 1e6:.1f} MB; random {args.range_mib} MiB ranges; {args.seconds:g} s per run\n"
                  f"  round  conns  contender      MB/s    req/s   p50 ms   p99 ms   CPU ms (servers', per request)")
            runs = measure(contenders, (span, size // span), args.connections, args.seconds, args.rounds,
                           script, args.contenders)
        report(runs, args.connections, args.rounds)
    finally:
        if args.keep:
            print(f"work directory: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
