"""Heartbeat benchmark: authenticated, validated heartbeats/s under gunicorn, against a bare UPDATE.

    .venv/bin/python bench/heartbeat.py [--databases sqlite,postgresql] [--concurrency 16,64]
        [--seconds 15] [--warmup 3] [--viewers 1200] [--segment 0.25] [--threads 8] [--pg-url URL]

For each database (a fresh SQLite file; a fresh PostgreSQL database on --pg-url's server)
it builds a bench world with the migrations (bench/harness.py): one published lesson of a
four-hour video, trainees with API tokens. Then, under gunicorn as bin/run starts it
(2 gthread workers × 8 threads; rate limits off, since the whole load comes from one
address), for each concurrency c:

- ``app``: ``--viewers`` trainees open a watch session each through the real API, then
  wrk (-t c -c c, bench/wrk/heartbeat.lua) plays them as honest players: Bearer token,
  heartbeat k of a viewer claims [(k-1)·segment, k·segment], the next heartbeat of a viewer
  only after the previous one was answered 200 (else the same one again). With enough
  viewers per connection nobody claims faster than real time, so every second is credited;
- ``baseline``: the same wrk script against bench/baseline_wsgi.py under the same gunicorn
  settings on the same database: one single-row UPDATE of the session by primary key, same
  durability settings, no authentication and no rules.

After each run it checks the database: each viewer's last_seq is the highest seq answered
200 (or the next one, if it was sent and left unanswered) and its played and covered seconds
are exactly last_seq × segment — nothing acknowledged lost, nothing credited twice or beyond
what was sent. It prints heartbeats/s (answered 200), p50/p99 latency, errors, PASS/FAIL,
and app/baseline throughput, and the viewers one web core keeps up with at the configured
heartbeat interval (HEARTBEAT_SECONDS over the workers' CPU per heartbeat). Exit status 1 if any check fails.
Aim (issue 16): SQLite ≥ 60 % of the baseline with p99 ≤ 50 ms at 16 concurrent, ≥ 50 % at 64;
PostgreSQL ≥ 50 % at 16.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

from config import Defaults


def measure(server: harness.Server, viewers: list, connections: int, args, work: Path) -> harness.WrkResult:
    """A warm-up, then the timed run (with the workers' CPU time); viewers carry on from one to the other."""
    if args.warmup:
        harness.run_wrk(server.port, viewers, connections, args.warmup, args.segment, work)
    cpu = server.cpu_seconds()
    result = harness.run_wrk(server.port, viewers, connections, args.seconds, args.segment, work)
    result.cpu_seconds = server.cpu_seconds() - cpu
    return result


def viewers_per_core(result: harness.WrkResult) -> float:
    """Viewers one web core keeps up with at the configured heartbeat interval, from the CPU
    the workers spent per heartbeat answered."""
    per_heartbeat = result.cpu_seconds / max(result.ok, 1)
    return Defaults.HEARTBEAT_SECONDS / per_heartbeat if per_heartbeat else 0.0


def report(label: str, result: harness.WrkResult, problems: list[str]) -> None:
    errors = sum(result.errors.values()) + sum(n for status, n in result.statuses.items() if status != 200)
    print(f"  {label:22} {result.ok / result.seconds:8,.0f} hb/s  p50 {result.p50_ms:6.1f} ms  "
          f"p99 {result.p99_ms:6.1f} ms  max {result.max_ms:7.1f} ms  errors {errors}  "
          f"CPU {1000 * result.cpu_seconds / max(result.ok, 1):5.2f} ms/hb  "
          f"{viewers_per_core(result):7,.0f} viewers/core  {'PASS' if not problems else 'FAIL'}")
    for line in problems[:10]:
        print(f"      {line}")
    if len(problems) > 10:
        print(f"      … and {len(problems) - 10} more")


def run_app(world, server: harness.Server, args, work: Path) -> dict:
    results = {}
    for n, connections in enumerate(args.concurrency):
        tokens = world.tokens[n * args.viewers:(n + 1) * args.viewers]
        opened = time.monotonic()
        viewers = harness.open_sessions(server.port, world.lesson_id, tokens)
        result = measure(server, viewers, connections, args, work)
        fastest = max(v.acked for v in viewers) * args.segment / (time.monotonic() - opened)
        problems = harness.verify(world, viewers, args.segment)
        report(f"app, {connections} concurrent", result, problems)
        print(f"      {len(viewers)} viewers; the busiest claimed {fastest:.2f} s per wall-clock second (limit 1)")
        results[connections] = (result, problems)
    return results


def run_baseline(world, server: harness.Server, args, work: Path) -> dict:
    results = {}
    for n, connections in enumerate(args.concurrency):
        viewers = harness.insert_sessions(world, world.tokens[n * args.viewers:(n + 1) * args.viewers])
        result = measure(server, viewers, connections, args, work)
        problems = harness.verify(world, viewers, args.segment, progress=False)
        report(f"baseline, {connections} concurrent", result, problems)
        results[connections] = (result, problems)
    return results


def bench_database(kind: str, args, work: Path) -> bool:
    print(f"\n{kind}: building the world ({args.viewers * len(args.concurrency)} trainees) …")
    world = harness.make_world(kind, work, args.viewers * len(args.concurrency), args.pg_url)
    try:
        results = {}
        for name, spec, runner in (("app", harness.APP, run_app), ("baseline", harness.BASELINE, run_baseline)):
            server = harness.Server(spec, harness.free_port(), world.env(), work / f"gunicorn-{name}.log",
                                    threads=args.threads).start()
            try:
                results[name] = runner(world, server, args, work)
            finally:
                server.stop()
    finally:
        world.drop()
    for connections in args.concurrency:
        app, base = results["app"][connections][0], results["baseline"][connections][0]
        print(f"  {connections} concurrent: app / baseline = {app.ok / app.seconds / (base.ok / base.seconds):.0%} "
              f"of the throughput, p99 {app.p99_ms:.1f} vs {base.p99_ms:.1f} ms")
    return all(not problems for runs in results.values() for _result, problems in runs.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_common_arguments(parser)
    parser.add_argument("--concurrency", default="16,64", type=lambda s: [int(c) for c in s.split(",")])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--viewers", type=int, default=1200, help="viewers per run")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker (bin/run: 8)")
    args = parser.parse_args()
    print(f"gunicorn: 2 gthread workers × {args.threads} threads; rate limits off; {args.seconds:g} s runs after "
          f"{args.warmup:g} s warm-up; {args.viewers} viewers per run, {args.segment:g} s per heartbeat")
    harness.run_per_database(bench_database, args, "heartbeat", "every viewer credited exactly what it sent")


if __name__ == "__main__":
    main()
