"""Crash benchmark: kill -9 gunicorn under heartbeat load; nothing committed lost, nobody over-credited.

    .venv/bin/python bench/crash.py [--databases sqlite,postgresql] [--seconds 40] [--concurrency 16]
        [--viewers 600] [--segment 0.25] [--pg-url URL]

For each database it builds a bench world (bench/harness.py), starts the app under gunicorn
as bin/run does (2 gthread workers × 8 threads, rate limits off), opens a watch session per
viewer through the API, and starts wrk with bench/wrk/heartbeat.lua (honest players that
resend a heartbeat until it is answered 200). During the load:

1. at 1/5 of ``--seconds``: ``kill -9`` one worker (the master starts a new one);
2. at 2/5: ``kill -9`` the master and every worker at once, as a power cut of the process
   would. wrk is stopped there (it does not live through a server that is away: a refused
   connection ends a thread, or it spins reconnecting) and the committed heartbeats are counted
   from the database; gunicorn is started again on the same port and database, and a second wrk
   plays the same players for the remaining 3/5, first resending whatever went unanswered.

Then the database is checked as in bench/heartbeat.py: every viewer's last_seq is the
highest seq answered 200 (or the next one, sent and left unanswered), and its played and covered
seconds are exactly last_seq × segment — no acknowledged heartbeat lost, no viewer credited more
than it sent. It prints the counts (heartbeats committed before the crash and by the end,
answered, errors) and the same load without any kill as the baseline (throughput ratio).
Exit status 1 if any check fails.
"""
import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def committed(world) -> int:
    """Heartbeats committed so far: the sum of the sessions' last_seq."""
    from sqlalchemy import text

    engine = world.engine()
    with engine.connect() as conn:
        total = conn.scalar(text("SELECT COALESCE(SUM(last_seq), 0) FROM watch_sessions WHERE lesson_id = :l"),
                            {"l": world.lesson_id})
    engine.dispose()
    return int(total)


def crash_run(world, viewers: list, args, work: Path) -> tuple[list[harness.WrkResult], dict]:
    """The load with the two kills; returns wrk's figures (before and after the crash) and the counts."""
    port = harness.free_port()
    server = harness.Server(harness.APP, port, world.env(), work / "gunicorn-crash.log").start()
    viewers[:] = harness.open_sessions(port, world.lesson_id, [(v.user_id, v.token) for v in viewers])
    counts, results = {}, []
    wrk = harness.start_wrk(port, viewers, args.concurrency, args.seconds, args.segment, work)
    started = time.monotonic()
    try:
        time.sleep(args.seconds / 5)
        counts["killed_worker"] = server.kill_worker()
        time.sleep(max(args.seconds * 2 / 5 - (time.monotonic() - started), 0))
        server.kill_all()
        # wrk does not live through a server that is away (a refused connection ends it, or it spins
        # on reconnecting): it stops here, and a second wrk carries on with the same players, who
        # resend whatever went unanswered.
        wrk.send_signal(signal.SIGINT)
        results.append(harness.finish_wrk(wrk, viewers, work))
        counts["committed_at_crash"] = committed(world)
        counts["pending_at_crash"] = sum(1 for v in viewers if v.pending)
        counts["acked_at_crash"] = sum(v.acked for v in viewers)
        down = time.monotonic()
        server = harness.Server(harness.APP, port, world.env(), work / "gunicorn-crash.log").start()
        counts["down_seconds"] = time.monotonic() - down
        results.append(harness.run_wrk(port, viewers, args.concurrency, args.seconds * 3 / 5, args.segment, work))
    finally:
        server.stop()
        if wrk.poll() is None:
            wrk.kill()
    counts["committed_at_end"] = committed(world)
    return results, counts


def calm_run(world, viewers: list, args, work: Path) -> harness.WrkResult:
    """The same load, nothing killed: the baseline."""
    server = harness.Server(harness.APP, harness.free_port(), world.env(), work / "gunicorn-calm.log").start()
    try:
        viewers[:] = harness.open_sessions(server.port, world.lesson_id, [(v.user_id, v.token) for v in viewers])
        return harness.run_wrk(server.port, viewers, args.concurrency, args.seconds, args.segment, work)
    finally:
        server.stop()


def bench_database(kind: str, args, work: Path) -> bool:
    print(f"\n{kind}: building the world ({2 * args.viewers} trainees) …")
    world = harness.make_world(kind, work, 2 * args.viewers, args.pg_url)
    try:
        crashed = [harness.Viewer(i, uid, tok, "") for i, (uid, tok) in enumerate(world.tokens[:args.viewers])]
        calm = [harness.Viewer(i, uid, tok, "") for i, (uid, tok) in enumerate(world.tokens[args.viewers:])]
        results, counts = crash_run(world, crashed, args, work)
        problems = harness.verify(world, crashed, args.segment)
        baseline = calm_run(world, calm, args, work)
        calm_problems = harness.verify(world, calm, args.segment)
    finally:
        world.drop()
    ok, seconds = sum(r.ok for r in results), sum(r.seconds for r in results)
    errors = sum(sum(r.errors.values()) for r in results)
    others = {s: n for r in results for s, n in r.statuses.items() if s != 200}
    print(f"  killed worker {counts['killed_worker']} at {args.seconds / 5:g} s, then the whole server at "
          f"{args.seconds * 2 / 5:g} s; gunicorn answered again {counts['down_seconds']:.1f} s after its restart")
    print(f"  heartbeats at the crash: {counts['acked_at_crash']} answered 200, {counts['pending_at_crash']} sent and "
          f"unanswered, {counts['committed_at_crash']} committed; at the end {counts['committed_at_end']} committed; "
          f"answered 200: {ok}; acknowledged per viewer, summed: {sum(v.acked for v in crashed)}; "
          f"socket errors {errors}; other statuses {others}")
    print(f"  with kills: {ok / seconds:,.0f} hb/s; without: {baseline.ok / baseline.seconds:,.0f} hb/s "
          f"({ok / seconds / max(baseline.ok / baseline.seconds, 1e-9):.0%}), p99 {max(r.p99_ms for r in results):.1f}"
          f" vs {baseline.p99_ms:.1f} ms")
    for label, found in (("with kills", problems), ("without", calm_problems)):
        print(f"  {label}: {'PASS' if not found else 'FAIL'}" + "".join(f"\n      {p}" for p in found[:10]))
    return not problems and not calm_problems and counts["committed_at_end"] > counts["committed_at_crash"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_common_arguments(parser)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--viewers", type=int, default=600)
    args = parser.parse_args()
    print(f"gunicorn: 2 gthread workers × 8 threads; rate limits off; {args.seconds:g} s of load at "
          f"{args.concurrency} concurrent, {args.viewers} viewers, {args.segment:g} s per heartbeat")
    harness.run_per_database(bench_database, args, "crash",
                             "no committed heartbeat lost, nobody credited more than it sent")


if __name__ == "__main__":
    main()
