"""Server-scheduled checks of who is watching (issue 19) as plain functions: no app, no
database, ``now``, keys and random generators passed in.

A rule set turns a kind of check on with a rate per hour of video (core.policy.rulebook.CheckRule).
Each (trainee, lesson) gets its own **plan**: unannounced positions in the video, one in each
equal slot of the lesson, drawn from an HMAC of a server secret, so the server finds them
again on every heartbeat without storing them and no client can compute them. The first
position not yet passed is the **gate**; the stretch from the previous passed position
(``start``) on is **held**: played, judged against the wall-clock budget, but not credited
until the gate's check passes. Crossing the gate makes the check due: a challenge with a
one-use nonce and an answer window. Passed: the held stretch up to the gate is credited and
the rest carried to the next gate. Failed or missed: the held stretch is dropped and the
trainee re-watches it from ``start`` (补录).
"""
import hashlib
import hmac
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from learning.rules import Limits, Outcome, is_complete, merge_intervals, total_length

KINDS = ("question", "idle", "face")
# A slot's first and last fifth hold no check: not at the very start, never at the very end.
MARGIN = 0.2
# A claim ending this close before the gate has crossed it (players report a little early).
CROSS_TOLERANCE = 0.5


@dataclass(frozen=True)
class Point:
    """A scheduled check: its index in the lesson's plan, its position (seconds), its kind."""

    slot: int
    position: float
    kind: str


@dataclass(frozen=True)
class Gate:
    """The first check of a plan not yet passed; ``start`` the previous passed position (or 0),
    ``next_position`` the following check's (None: the last one)."""

    slot: int
    position: float
    kind: str
    start: float
    next_position: float | None


def key_from(secret: str | bytes) -> bytes:
    """The key of plans and nonces, derived from the app's secret (never the secret itself)."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"zhixin watch checks v1", hashlib.sha256).digest()


def plan(key: bytes, user_id: int, lesson_id: int, duration: float, per_hour: dict[str, float]) -> list[Point]:
    """The checks of ``user_id`` on ``lesson_id`` (``duration`` seconds), for each kind at its
    rate per hour of video: round(duration / 3600 × rate) of it, at least one, each at a random
    place in the middle of its equal slot; all kinds merged by position. The same inputs give
    the same plan; another trainee, lesson or key another one."""
    points = []
    for kind, rate in sorted(per_hour.items()):
        if rate <= 0 or duration <= 0:
            continue
        count = max(1, round(duration / 3600 * rate))
        seed = hmac.new(key, f"plan:{kind}:{user_id}:{lesson_id}".encode(), hashlib.sha256).digest()
        rng, width = random.Random(seed), duration / count
        points += [(round(i * width + width * (MARGIN + (1 - 2 * MARGIN) * rng.random()), 3), kind)
                   for i in range(count)]
    return [Point(slot, position, kind) for slot, (position, kind) in enumerate(sorted(points))]


def gate(points: list[Point], passed: set[int]) -> Gate | None:
    """The first point of ``points`` whose slot is not in ``passed``; None when all passed."""
    start = 0.0
    for index, point in enumerate(points):
        if point.slot not in passed:
            following = points[index + 1].position if index + 1 < len(points) else None
            return Gate(point.slot, point.position, point.kind, start, following)
        start = point.position
    return None


def split(segments, start: float) -> tuple[list[list[float]], list[list[float]]]:
    """``segments`` cut at ``start``: the parts before it (free: a stretch already passed) and
    the parts from it on (held)."""
    free, held = [], []
    for a, b in segments:
        if a < start:
            free.append([a, min(b, start)])
        if b > start:
            held.append([max(a, start), b])
    return free, held


def crossed(held, position: float) -> bool:
    """Whether the held playback reached the gate at ``position``."""
    return any(b >= position - CROSS_TOLERANCE for _a, b in held)


def hold(outcome: Outcome, before, start: float, limits: Limits) -> tuple[Outcome, list[list[float]]]:
    """A judged heartbeat (learning.rules.apply_heartbeat) with what it accepted from ``start``
    on taken out of the credit: the outcome as credited, and the held parts."""
    free, held = split(outcome.accepted, start)
    merged = merge_intervals([*before, *free])
    covered = total_length(merged)
    return replace(outcome, intervals=merged, covered_seconds=covered,
                   credited_seconds=covered - total_length(before),
                   completed=is_complete(covered, limits)), held


def release(held, position: float, next_position: float | None):
    """A passed check at ``position``: the held parts it credits (up to ``position``, or all
    when it was the last check) and the parts carried on to the next check."""
    if next_position is None:
        return merge_intervals(held), []
    credit, carry = [], []
    for a, b in merge_intervals(held):
        if a < position:
            credit.append([a, min(b, position)])
        if b > position:
            carry.append([max(a, position), b])
    return credit, carry


def window_end(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


def window_open(window_ends_at: datetime | None, now: datetime) -> bool:
    """Whether an answer at ``now`` is in time (no window: always)."""
    return window_ends_at is None or now <= window_ends_at


def over_allowance(misses: int, allowed: int) -> bool:
    """Whether a course's failed and missed checks now need review."""
    return misses > allowed


def nonce(key: bytes, user_id: int, lesson_id: int, slot: int | None, session_id: str, issued_at: datetime) -> str:
    """The one-use nonce of a check (``slot`` of the lesson's plan, None for an idle check)
    issued in ``session_id`` at ``issued_at``: recomputable by the server alone (a due check's
    next heartbeats carry it again), stored only hashed."""
    message = f"nonce:{user_id}:{lesson_id}:{slot}:{session_id}:{issued_at.timestamp():.6f}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def nonce_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def choice_challenge(question, rng: random.Random) -> dict:
    """A bank question as asked: stem, options (单选, 多选 in a random order) and, kept on
    the server, the indices of the right ones in that order."""
    order = list(range(len(question.options)))
    if question.kind != "judge":
        rng.shuffle(order)
    right = set(question.answer)
    return {"kind": question.kind, "stem": question.stem, "options": [question.options[i] for i in order],
            "answer": sorted(new for new, old in enumerate(order) if old in right)}


def sum_challenge(rng: random.Random) -> dict:
    """A challenge made up on the server when no bank question fits (the idle check, a course
    without a bank): a small sum with four choices. A script that clicks a button earns nothing."""
    a, b = rng.randint(2, 19), rng.randint(2, 19)
    options = {a + b}
    while len(options) < 4:
        options.add(a + b + rng.choice((-3, -2, -1, 1, 2, 3, 10)))
    shown = sorted(options)
    rng.shuffle(shown)
    return {"kind": "single", "stem": f"{a} + {b} = ?", "options": [str(n) for n in shown],
            "answer": [shown.index(a + b)]}


def public(challenge: dict | None) -> dict | None:
    """What the player may see of a challenge: never the answer."""
    if challenge is None:
        return None
    return {"kind": challenge["kind"], "stem": challenge["stem"], "options": list(challenge["options"])}


def judge(challenge: dict, chosen) -> bool | None:
    """Whether ``chosen`` (option indices) is right; None when it is not a list of distinct
    option indices (one for 单选 and 判断)."""
    count = len(challenge["options"])
    if not isinstance(chosen, list) or not chosen or any(type(i) is not int or not 0 <= i < count for i in chosen):
        return None
    if len(set(chosen)) != len(chosen) or (challenge["kind"] != "multiple" and len(chosen) != 1):
        return None
    return sorted(chosen) == sorted(challenge["answer"])


def miss_counts_since(misses: list[tuple[str, datetime]], cleared_at: datetime | None,
                      now: datetime) -> dict[str, int]:
    """Per kind, the misses (``(kind, at)``: a failed or missed check and when it was) after the
    course's last clearance ``cleared_at`` (None: never cleared) and not after ``now``."""
    counts: dict[str, int] = {}
    for kind, at in misses:
        if at <= now and (cleared_at is None or at > cleared_at):
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def held_for_review(misses: list[tuple[str, datetime]], allowed: dict[str, int], cleared_at: datetime | None,
                    now: datetime) -> bool:
    """Whether a course's completion waits for a person or for 补录: since its last clearance (a
    reviewer's, or the trainee's re-watch) its failed and missed checks went over the allowance.
    Counted as :func:`over_allowance` counts them (every kind's misses together) against the
    smallest allowance among the kinds missed; a kind the rules no longer name allows none."""
    counts = miss_counts_since(misses, cleared_at, now)
    if not counts:
        return False
    return over_allowance(sum(counts.values()), min(allowed.get(kind, 0) for kind in counts))
