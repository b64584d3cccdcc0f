"""A deadline rush through the README's deployment: honest players behind nginx, more than the
web processes can serve, with and without the overload refusal (core/overload.py, issue 22).

    .venv/bin/python bench/rush.py [--viewers 3000] [--seconds 90] [--max-queue 5,0]
        [--database sqlite|postgresql] [--pg-url URL]

For each ``--max-queue`` value (``ZHIXIN_MAX_QUEUE_SECONDS``; 0 = off) a fresh bench world
(bench/harness.py) is served by the README's nginx block in front of gunicorn started with
bin/run's arguments (bench/readme_stack.py). Every player opens a watch session, then, as
static/js/player/queue.js does: a heartbeat every 15 s (from a random start) claiming the 15 s
of media played since the previous one, sent one at a time from its queue over its own
kept-alive connection; a failed one (5xx, 408, 429, network) sent again with the same seq
after Retry-After (plus up to half of it at random), else after 1 s.

It prints the answers by status, the latency of every answer (p50, p99, max), how much of
the playback the server had acknowledged by the end (the rest still waits in the players'
queues), and the credit: seconds the server credited ÷ seconds the acknowledged heartbeats
claimed (below 1: honest seconds clipped; above 1 only by heartbeats the server counted whose
answer never came back, e.g. after nginx's 504) and ÷ seconds played (never above 1).
"""
import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, readme_stack

INTERVAL = 15.0
RETRY_S = 1.0


async def post(port: int, connection: list, path: str, token: str, body: bytes) -> tuple[int, dict]:
    """POST on the player's kept-alive ``connection`` ([reader, writer], opened when empty)."""
    if not connection:
        connection.extend(await asyncio.open_connection("127.0.0.1", port))
    reader, writer = connection
    writer.write((f"POST {path} HTTP/1.1\r\nHost: rush\r\nX-Watch-Token: {token}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, value = line.decode("latin-1").split(":", 1)
        headers[name.strip().lower()] = value.strip()
    await reader.readexactly(int(headers.get("content-length", 0)))
    if headers.get("connection", "").lower() == "close":
        writer.close()
        connection.clear()
    return status, headers


async def player(viewer, port: int, start: float, end: float, stats: dict) -> None:
    loop = asyncio.get_running_loop()
    connection: list = []
    queue: list[tuple[int, float, float]] = []
    # Playback starts at a random moment of the first interval; the first heartbeat comes 15 s later.
    seq, next_beat, not_before = 0, start + random.uniform(0, INTERVAL) + INTERVAL, 0.0
    path = f"/api/v1/sessions/{viewer.session_id}/heartbeats"
    while (now := loop.time()) < end:
        while now >= next_beat:  # every heartbeat that fell due while a request was on its way
            seq += 1
            queue.append((seq, (seq - 1) * INTERVAL, seq * INTERVAL))
            next_beat += INTERVAL
            stats["played"] += INTERVAL
        if not queue or now < not_before:
            await asyncio.sleep(max(min(next_beat, not_before if queue else end, end) - now, 0.001))
            continue
        number, a, b = queue[0]
        body = json.dumps({"seq": number, "segments": [[a, b]], "position": b, "rate": 1.0}).encode()
        sent = loop.time()
        try:
            status, headers = await asyncio.wait_for(post(port, connection, path, viewer.watch_token, body), 120)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status, headers = 0, {}
            if connection:
                connection[1].close()
                connection.clear()
        stats["latency"].append(loop.time() - sent)
        stats["statuses"][status] = stats["statuses"].get(status, 0) + 1
        if status == 200:
            queue.pop(0)
            stats["acked"] += b - a
        else:
            wait = float(headers["retry-after"]) if headers.get("retry-after", "").isdigit() else RETRY_S
            not_before = loop.time() + wait * (1 + random.random() / 2)
    while end >= next_beat:  # played meanwhile, whether or not its heartbeat could be queued yet
        next_beat += INTERVAL
        stats["played"] += INTERVAL
    if connection:
        connection[1].close()


def credited_seconds(world) -> float:
    from sqlalchemy import text

    engine = world.engine()
    with engine.connect() as conn:
        total = conn.execute(text("SELECT COALESCE(SUM(played_seconds), 0) FROM watch_sessions")).scalar()
    engine.dispose()
    return float(total)


def run(max_queue: float, args) -> None:
    work = Path(tempfile.mkdtemp(prefix="zhixin-rush-"))
    env = {"ZHIXIN_MAX_QUEUE_SECONDS": str(max_queue)}
    with readme_stack.stack(work, args.viewers, env=env, database=args.database, pg_url=args.pg_url) as s:
        viewers = harness.open_sessions(s.port, s.world.lesson_id, s.world.tokens, workers=8)
        stats = {"played": 0.0, "acked": 0.0, "latency": [], "statuses": {}}

        async def rush():
            loop = asyncio.get_running_loop()
            start = loop.time()
            await asyncio.gather(*(player(v, s.port, start, start + args.seconds, stats) for v in viewers))

        asyncio.run(rush())
        credited = credited_seconds(s.world)
    latency = sorted(stats["latency"])
    p99 = latency[int(0.99 * (len(latency) - 1))] if latency else 0.0
    print(f"MAX_QUEUE_SECONDS={max_queue:g}: {len(viewers)} players, {args.seconds:g} s")
    print(f"  answers {dict(sorted(stats['statuses'].items()))} (0 = network error or no answer in 120 s)")
    print(f"  latency p50 {statistics.median(latency):.2f} s, p99 {p99:.2f} s, max {latency[-1]:.2f} s")
    print(f"  acknowledged {stats['acked'] / max(stats['played'], 1):.0%} of the playback by the end "
          f"(the rest waits in the players' queues)")
    print(f"  served {stats['statuses'].get(200, 0) / args.seconds:.0f} heartbeats/s")
    print(f"  credit: {credited:,.0f} s credited / {stats['acked']:,.0f} s acknowledged = "
          f"{credited / max(stats['acked'], 1):.3f}, / {stats['played']:,.0f} s played = "
          f"{credited / max(stats['played'], 1):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--max-queue", default="5,0", type=lambda v: [float(x) for x in v.split(",")])
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--pg-url", default=harness.PG_DEFAULT)
    args = parser.parse_args()
    if readme_stack.NGINX is None:
        raise SystemExit("nginx is needed: apt-get install nginx (bin/bench installs it)")
    for max_queue in args.max_queue:
        run(max_queue, args)


if __name__ == "__main__":
    main()
