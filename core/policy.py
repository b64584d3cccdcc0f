"""Study-hour policy: the one place that answers how study becomes 学时 and how much is required.

Every room asks here, never ``current_app.config`` directly: how many minutes make one
学时 (courses, at authoring), how many 学时 a year are required (learning, bureau), what
share of a lesson completes it, and the limits a heartbeat is judged by (learning).

Today each answer is the app's setting, the same for every region, year and subject, and
is returned as configured (``45`` stays an int, ``0.1`` a float), so pages and API bodies
show what they always showed. ``region`` (a GB/T 2260 code) and ``year`` are taken and
ignored: the per-province rules make the answers depend on them (and on the subject
type) here, without changing the callers. Call inside an app context.
"""
from flask import current_app


def _setting(name: str):
    return current_app.config[name]


def minutes_per_hour(region: str | None = None, year: int | None = None):
    """Minutes of lesson video that make one 学时 (``CREDIT_MINUTES_PER_HOUR``, default 45)."""
    return _setting("CREDIT_MINUTES_PER_HOUR")


def required_hours(region: str | None = None, year: int | None = None):
    """学时 a trainee must earn in a credit year (``ANNUAL_REQUIRED_HOURS``, default 30)."""
    return _setting("ANNUAL_REQUIRED_HOURS")


def required_tenths(region: str | None = None, year: int | None = None) -> int:
    """:func:`required_hours` in tenths of a 学时, as the ledger counts."""
    return round(float(required_hours(region, year)) * 10)


def completion_ratio(region: str | None = None, year: int | None = None):
    """The share of a lesson's duration that must be covered to complete it (``COMPLETION_RATIO``)."""
    return _setting("COMPLETION_RATIO")


def max_playback_rate():
    """The fastest playback credited in full (``MAX_PLAYBACK_RATE``, 1.0 = real time)."""
    return _setting("MAX_PLAYBACK_RATE")


def heartbeat_seconds():
    """How often the player reports what was played (``HEARTBEAT_SECONDS``)."""
    return _setting("HEARTBEAT_SECONDS")


def heartbeat_slack_seconds():
    """Seconds a heartbeat may claim beyond real time, for timers and networks (``HEARTBEAT_SLACK_SECONDS``)."""
    return _setting("HEARTBEAT_SLACK_SECONDS")


def heartbeat_max_segments() -> int:
    """The most played segments one heartbeat may carry (``HEARTBEAT_MAX_SEGMENTS``)."""
    return int(_setting("HEARTBEAT_MAX_SEGMENTS"))


def session_opens_per_minute() -> int:
    """Watch sessions a trainee may open in a burst, then one every 60 / that many seconds
    (``WATCH_SESSION_OPENS_PER_MINUTE``, 12; 0 turns the pacing off): docs/rules.md rule 10."""
    return int(_setting("WATCH_SESSION_OPENS_PER_MINUTE"))


def attention_check_minutes() -> float:
    """Minutes after a session opens that an attention check falls due (``ATTENTION_CHECK_MINUTES``;
    0, the default, turns the checks off): docs/rules.md rule 11."""
    return float(_setting("ATTENTION_CHECK_MINUTES"))


def exam_seconds_per_question(region: str | None = None, year: int | None = None) -> float:
    """Seconds a person needs at least per question of a test paper: a paper submitted by the
    trainee faster than this × its questions is an integrity signal (``EXAM_SECONDS_PER_QUESTION``, 5)."""
    return float(_setting("EXAM_SECONDS_PER_QUESTION"))


def exam_fails_in_a_row(region: str | None = None, year: int | None = None) -> int:
    """Consecutive failed test attempts (any course) that make an integrity signal (``EXAM_FAILS_IN_A_ROW``, 3)."""
    return max(2, int(_setting("EXAM_FAILS_IN_A_ROW")))
