"""The study-hour rules (docs/rules.md) as plain functions: no app, no database, ``now`` passed in.

A heartbeat claims the media segments played since the previous one. The server checks
their shape, caps what one heartbeat may claim, caps what the trainee may have played,
across all their sessions and lessons, by the wall-clock time that has passed (× the
maximum rate, plus a little slack, once), and merges what is left into the lesson's
coverage. Whatever is cut is reported as an integrity event. Opening sessions is paced
per trainee (:func:`session_open_turn`).

By rule: :func:`parse_claim` 3–4, :func:`heartbeat_allowance` 5a, :func:`apply_heartbeat` 5–6,
:func:`credit_year` 7, :func:`session_open_turn` 10, :func:`attention_due` and :func:`resume_clock` 11,
:func:`day_count` and :func:`daily_cap_reached` 14 (a province's daily cap).
"""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from core.tz import CHINA

# Players report positions a little past the rendition's probed end; within this, clamp.
END_TOLERANCE = 1.0


class SegmentError(ValueError):
    """A heartbeat whose segments are malformed: answered 422, nothing credited."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Limits:
    duration: float
    max_rate: float = 1.0
    slack_seconds: float = 3.0
    heartbeat_seconds: float = 15.0
    max_segments: int = 50
    completion_ratio: float = 0.95

    @property
    def per_heartbeat(self) -> float:
        """The most one heartbeat may always claim: two intervals (a late timer) at the top rate."""
        return 2 * self.heartbeat_seconds * self.max_rate + self.slack_seconds


@dataclass(frozen=True)
class Claim:
    seq: int
    segments: list[tuple[float, float]]
    position: float | None = None
    rate: float | None = None


@dataclass
class Outcome:
    accepted: list[tuple[float, float]]
    intervals: list[list[float]]
    covered_seconds: float
    credited_seconds: float
    played_seconds: float
    played_until: datetime
    completed: bool
    events: list[dict] = field(default_factory=list)


def _number(value) -> float | None:
    """``value`` as a finite float, or None (not a number, NaN, infinite, or an integer
    beyond float range such as 10**400, which JSON allows)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def parse_segments(raw, duration: float, max_segments: int) -> list[tuple[float, float]]:
    """Check the shape of claimed segments: finite, ordered, disjoint, inside [0, duration]."""
    if not isinstance(raw, list):
        raise SegmentError("invalid_segments", _("segments 应为 [[起, 止], …] 形式的列表。"))
    if len(raw) > max_segments:
        raise SegmentError("too_many_segments", _("一次心跳最多 %(n)s 段播放记录。", n=max_segments))
    segments, previous_end = [], 0.0
    for item in raw:
        if not isinstance(item, list) or len(item) != 2:
            raise SegmentError("invalid_segments", _("每段播放记录应为 [起, 止] 两个数。"))
        start, end = _number(item[0]), _number(item[1])
        if start is None or end is None:
            raise SegmentError("invalid_segments", _("播放记录中的时间必须是有限的数字。"))
        if start < 0 or end > duration + END_TOLERANCE:
            raise SegmentError("segment_out_of_range", _("播放记录超出了视频时长。"))
        if end <= start or start < previous_end:
            raise SegmentError("segments_unordered", _("播放记录应按时间先后排列且互不重叠。"))
        segments.append((start, min(end, duration)))
        previous_end = end
    return [(a, b) for a, b in segments if b > a]


# seq is stored in a 32-bit column; a player counting one per heartbeat never gets near it.
MAX_SEQ = 2**31 - 1


def parse_claim(body, limits: Limits) -> Claim:
    """A heartbeat's JSON body as a :class:`Claim`; anything malformed raises :class:`SegmentError`.

    ``position`` is advisory (where to resume): out of range, it is dropped, not refused.
    """
    if not isinstance(body, dict):
        raise SegmentError("invalid_body", _("请求体应为 JSON 对象。"))
    seq = body.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
        raise SegmentError("invalid_seq", _("seq 应为不超过 %(n)s 的正整数。", n=MAX_SEQ))
    segments = parse_segments(body.get("segments"), limits.duration, limits.max_segments)
    rate = body.get("rate")
    if rate is not None:
        rate = _number(rate)
        if rate is None or rate < 0:
            raise SegmentError("invalid_rate", _("rate 应为非负的有限数字。"))
    position = _number(body.get("position"))
    if position is not None and not 0 <= position <= limits.duration + END_TOLERANCE:
        position = None
    return Claim(seq=seq, segments=segments, rate=rate,
                 position=min(position, limits.duration) if position is not None else None)


def merge_intervals(intervals) -> list[list[float]]:
    """The union of intervals, sorted and merged (touching intervals join)."""
    merged: list[list[float]] = []
    for start, end in sorted((float(a), float(b)) for a, b in intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def total_length(intervals) -> float:
    return sum(end - start for start, end in intervals)


def clip(segments: list[tuple[float, float]], allowance: float) -> list[tuple[float, float]]:
    """The first ``allowance`` seconds of ``segments``, in order."""
    kept, left = [], max(allowance, 0.0)
    for start, end in segments:
        if left <= 0:
            break
        take = min(end - start, left)
        kept.append((start, start + take))
        left -= take
    return kept


def budget_start(played_until: datetime | None, opened_at: datetime) -> datetime:
    """Where a claim in a session opened at ``opened_at`` may start using wall-clock time.

    ``played_until`` is the trainee's playback clock: the instant up to which the playback
    credited so far, on every lesson and in every session, has used up real time. A new
    session does not reset it, so opening sessions buys no time; a session's own opening
    is the other bound, so time spent away before it cannot be claimed in it.
    """
    return opened_at if played_until is None else max(played_until, opened_at)


def trainee_allowance(start: datetime, now: datetime, limits: Limits) -> float:
    """Seconds of playback the trainee may still claim at ``now``: the wall-clock time since
    ``start`` (:func:`budget_start`) at the top rate, plus the slack, which the clock makes
    a one-time allowance rather than one per session. Queued heartbeats flushed late fit in
    it; a script claiming faster than real time, in one session or in many, does not."""
    return (now - start).total_seconds() * limits.max_rate + limits.slack_seconds


def heartbeat_allowance(last_beat: datetime | None, now: datetime, limits: Limits) -> float:
    """Seconds one heartbeat of a session may claim at ``now`` (docs/rules.md rule 5a): two
    intervals' worth (:attr:`Limits.per_heartbeat`), or more when the server itself credited
    the session's previous heartbeat, at ``last_beat``, longer ago: that wall-clock time at the
    top rate, plus the slack. None (no heartbeat yet): two intervals' worth.

    Measured on the server's clock, an overloaded server that answers late (so the player's
    next claim covers its wait too) cannot turn honest seconds into clipped ones; the
    trainee's clock (rule 5b, :func:`trainee_allowance`) still keeps every claim within wall time.
    """
    if last_beat is None:
        return limits.per_heartbeat
    since = (now - last_beat).total_seconds() * limits.max_rate + limits.slack_seconds
    return max(limits.per_heartbeat, since)


def played_until_after(start: datetime, played_seconds: float, limits: Limits) -> datetime:
    """The trainee's playback clock once ``played_seconds`` more were credited from ``start``."""
    return start + timedelta(seconds=played_seconds / limits.max_rate)


def resume_clock(played_until: datetime | None, now: datetime) -> datetime:
    """The trainee's playback clock when playback resumes after a pause the server imposed
    (an attention check answered at ``now``): the time spent waiting cannot be claimed later."""
    return now if played_until is None else max(played_until, now)


def attention_due(carried, now: datetime, minutes: float) -> datetime | None:
    """When a new session's first attention check falls due: ``minutes`` from ``now``, or
    earlier when a session it closes had one due sooner (``carried``), so that reopening
    neither dodges nor postpones a check. None when checks are off (``minutes`` ≤ 0)."""
    if minutes <= 0:
        return None
    return min([due for due in carried if due is not None] + [now + timedelta(minutes=minutes)])


def apply_heartbeat(intervals, start: datetime, claim: Claim, now: datetime, limits: Limits,
                    last_beat: datetime | None = None) -> Outcome:
    """Credit what ``claim`` may honestly have played since ``start`` (:func:`budget_start`),
    in one heartbeat acknowledged by the server at ``last_beat`` before
    (:func:`heartbeat_allowance`); report what was cut. ``Outcome.played_until`` is the
    trainee's clock afterwards."""
    claimed = total_length(claim.segments)
    events = []
    per_heartbeat = heartbeat_allowance(last_beat, now, limits)
    accepted = clip(claim.segments, per_heartbeat)
    if total_length(accepted) < claimed - 1e-6:
        events.append({"kind": "oversized_heartbeat", "allowed": round(per_heartbeat, 3)})
    allowance = trainee_allowance(start, now, limits)
    within_budget = clip(accepted, allowance)
    if total_length(within_budget) < total_length(accepted) - 1e-6:
        events.append({"kind": "faster_than_real_time", "allowed": round(max(allowance, 0.0), 3)})
    if claim.rate is not None and claim.rate > limits.max_rate + 1e-9:
        events.append({"kind": "rate_above_limit", "rate": claim.rate, "allowed": limits.max_rate})
    before = total_length(intervals)
    merged = merge_intervals([*intervals, *within_budget])
    covered, played = total_length(merged), total_length(within_budget)
    return Outcome(
        accepted=within_budget, intervals=merged, covered_seconds=covered,
        credited_seconds=covered - before, played_seconds=played,
        played_until=played_until_after(start, played, limits),
        completed=is_complete(covered, limits), events=events,
    )


def is_complete(covered_seconds: float, limits: Limits) -> bool:
    return limits.duration > 0 and covered_seconds >= limits.completion_ratio * limits.duration - 1e-6


def credit_year(now: datetime) -> int:
    """The calendar year, in China Standard Time, that a completion at ``now`` counts toward."""
    return now.astimezone(CHINA).year


@dataclass(frozen=True)
class DayCount:
    """Seconds of coverage credited to a trainee on ``day``, a China Standard Time date."""

    day: date
    seconds: float

    def plus(self, seconds: float) -> "DayCount":
        return DayCount(self.day, self.seconds + seconds)


def day_count(day: date | None, seconds: float | None, now: datetime) -> DayCount:
    """The trainee's day counter at ``now`` from the stored ``day`` and ``seconds``: kept
    through the same day in China Standard Time, back to nothing on a new one."""
    today = now.astimezone(CHINA).date()
    return DayCount(today, float(seconds or 0.0) if day == today else 0.0)


def daily_cap_seconds(cap_tenths: int | None, minutes_per_hour: float) -> float | None:
    """A daily cap of ``cap_tenths`` tenths of a 学时 in seconds of coverage (None: no cap)."""
    return None if cap_tenths is None else cap_tenths / 10 * float(minutes_per_hour) * 60


def daily_cap_reached(count: DayCount, cap_seconds: float | None) -> bool:
    """Whether today's credited seconds reached the cap: then heartbeats credit nothing more
    today. The heartbeat that crosses it is credited whole (at most one heartbeat's worth)."""
    return cap_seconds is not None and count.seconds >= cap_seconds - 1e-6


@dataclass(frozen=True)
class OpenTurn:
    """Whether a session may open now; ``opens_until`` is the pacing clock to keep."""

    allowed: bool
    opens_until: datetime | None
    retry_after: float = 0.0


def session_open_turn(opens_until: datetime | None, now: datetime, per_minute: int) -> OpenTurn:
    """Pace a trainee's session openings: a burst of ``per_minute``, then one every
    60 / ``per_minute`` seconds (a generic cell rate algorithm; ``opens_until`` is its
    theoretical arrival time). A person switching lessons and reloading stays far below
    it; a script opening a session per claim does not. ``per_minute`` ≤ 0 turns it off."""
    if per_minute <= 0:
        return OpenTurn(True, opens_until)
    interval = timedelta(seconds=60 / per_minute)
    after = max(opens_until or now, now) + interval
    over = (after - now - per_minute * interval).total_seconds()
    if over > 1e-9:
        return OpenTurn(False, opens_until, over)
    return OpenTurn(True, after)
