"""The study-hour rules (ARCHITECTURE §4) as plain functions: no app, no database, ``now`` passed in.

A heartbeat claims the media segments played since the previous one. The server checks
their shape, caps what one heartbeat may claim, caps what the whole session may have
played by the wall-clock time since it opened (× the maximum rate, plus a little slack),
and merges what is left into the lesson's coverage. Whatever is cut is reported as an
integrity event.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

CHINA = ZoneInfo("Asia/Shanghai")
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
        """The most one heartbeat may claim: two intervals (a late timer) at the top rate."""
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
    completed: bool
    events: list[dict] = field(default_factory=list)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


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


def session_allowance(opened_at: datetime, now: datetime, played_seconds: float, limits: Limits) -> float:
    """Seconds the session may still claim: wall-clock time since it opened × the top rate,
    plus slack, less what it has already played. Queued heartbeats flushed late fit in it;
    a script claiming faster than real time does not."""
    elapsed = max((now - opened_at).total_seconds(), 0.0)
    return elapsed * limits.max_rate + limits.slack_seconds - played_seconds


def apply_heartbeat(intervals, played_seconds: float, opened_at: datetime, claim: Claim,
                    now: datetime, limits: Limits) -> Outcome:
    """Credit what ``claim`` may honestly have played; report what was cut."""
    claimed = total_length(claim.segments)
    events = []
    accepted = clip(claim.segments, limits.per_heartbeat)
    if total_length(accepted) < claimed - 1e-6:
        events.append({"kind": "oversized_heartbeat", "allowed": limits.per_heartbeat})
    allowance = session_allowance(opened_at, now, played_seconds, limits)
    within_budget = clip(accepted, allowance)
    if total_length(within_budget) < total_length(accepted) - 1e-6:
        events.append({"kind": "faster_than_real_time", "allowed": round(max(allowance, 0.0), 3)})
    if claim.rate is not None and claim.rate > limits.max_rate + 1e-9:
        events.append({"kind": "rate_above_limit", "rate": claim.rate, "allowed": limits.max_rate})
    before = total_length(intervals)
    merged = merge_intervals([*intervals, *within_budget])
    covered = total_length(merged)
    return Outcome(
        accepted=within_budget, intervals=merged, covered_seconds=covered,
        credited_seconds=covered - before, played_seconds=total_length(within_budget),
        completed=is_complete(covered, limits), events=events,
    )


def is_complete(covered_seconds: float, limits: Limits) -> bool:
    return limits.duration > 0 and covered_seconds >= limits.completion_ratio * limits.duration - 1e-6


def credit_year(now: datetime) -> int:
    """The calendar year, in China Standard Time, that a completion at ``now`` counts toward."""
    return now.astimezone(CHINA).year
