"""Study-hour policy: the one place that answers how study becomes 学时 and how much is required.

Every room asks here, never ``current_app.config`` directly: how many minutes make one
学时 and what a course is worth to a trainee (:func:`hours_for`), how many 学时 of each
subject type a year requires (:func:`rules_for`, :func:`required_hours`), which credit year
a completion counts toward (:func:`year_of`), whether a year is closed (:func:`locked`),
what share of a lesson completes it, and the limits a heartbeat is judged by.

The answers that differ by region come from the stored rule sets (:mod:`core.policy.rulebook`
has them as plain functions; :mod:`core.policy.ruledata` their JSON form): the most specific
GB/T 2260 prefix of the trainee's region wins, the national set is the fallback, and when no
national set is stored it is built from the settings (``CREDIT_MINUTES_PER_HOUR``,
``ANNUAL_REQUIRED_HOURS``), so a fresh install behaves as before. The book is read once per
app context (parsed once per process while they stay unchanged). Call inside an app context.
"""
from datetime import datetime

from flask import current_app, g
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.policy import rulebook, ruledata
from core.policy.models import RuleSetVersion
from core.policy.rulebook import SUBJECT_TYPES, RuleSet, Standing

__all__ = ["SUBJECT_TYPES", "RuleSet", "Standing"]


def _setting(name: str):
    return current_app.config[name]


# What changes with any insert, edit or delete of a rule set: cheap to read on every request.
STAMP = select(func.count(), func.max(RuleSetVersion.updated_at))


def book() -> list[RuleSet]:
    """Every stored rule set version, with the national set from the settings when none is stored.

    Parsed once per process and language while the stored sets stay as they were
    (:data:`STAMP`), read once per app context.
    """
    if "rule_book" not in g:
        use_book_stamp(tuple(db.session.execute(STAMP).one()))
    return g.rule_book


def use_book_stamp(stamp: tuple, locale: str | None = None) -> None:
    """Answer this app context's questions from the book as it is when :data:`STAMP` reads
    ``stamp`` (read by the caller, e.g. with other columns in one statement), in ``locale``
    (default: the request's)."""
    cache = current_app.extensions.setdefault("rule_book", {})
    key = (stamp, locale or str(get_locale()))
    loaded = cache.get(key)
    if loaded is None:
        loaded = _load_book()
        cache.clear()  # an older book is never asked for again
        cache[key] = loaded
    g.rule_book = loaded


def _load_book() -> list[RuleSet]:
    rows = db.session.scalars(select(RuleSetVersion)).all()
    loaded = [ruledata.load({**row.rules, "effective_from": row.effective_from.isoformat()}, row.prefix)
              for row in rows]
    if not any(rules.prefix == rulebook.NATIONAL for rules in loaded):
        loaded.append(rulebook.national_default(_setting("CREDIT_MINUTES_PER_HOUR"),
                                                _setting("ANNUAL_REQUIRED_HOURS"), _("全国（默认）")))
    return loaded


def forget_book() -> None:
    """Read the rule sets again at the next question (after they were changed)."""
    g.pop("rule_book", None)
    current_app.extensions.pop("rule_book", None)


def this_year(now: datetime | None = None) -> int:
    """The calendar year in China Standard Time: the credit year pages show by default."""
    return rulebook.china_date(now or utcnow()).year


def rules_for(region: str | None = None, year: int | None = None) -> RuleSet:
    """The rule set governing ``region``'s credit year ``year`` (default: this year)."""
    return rulebook.effective(book(), region, year or this_year())


def minutes_per_hour(region: str | None = None, year: int | None = None):
    """Minutes of lesson video that make one 学时 (national default ``CREDIT_MINUTES_PER_HOUR``, 45)."""
    return rules_for(region, year).minutes_per_hour


def required_tenths(region: str | None = None, year: int | None = None) -> int:
    """Tenths of a 学时 a trainee must earn in total in a credit year."""
    return rules_for(region, year).total_tenths


def required_hours(region: str | None = None, year: int | None = None):
    """:func:`required_tenths` in 学时 (``30``, not ``30.0``, when whole)."""
    return ruledata.number(required_tenths(region, year) / 10)


def hours_for(seconds: float, region: str | None = None, year: int | None = None) -> int:
    """What a course of ``seconds`` of video is worth, in tenths of a 学时, under the region's rules."""
    return rulebook.hours_for(rules_for(region, year), seconds)


def year_of(subject_type: str, region: str | None, moment: datetime, full=()) -> int | None:
    """The credit year a completion at ``moment`` counts toward, or None when every year it
    could count toward is closed (rulebook.year_of)."""
    return rulebook.year_of(book(), subject_type, region, moment, full)


def locked(region: str | None, year: int, now: datetime) -> bool:
    """Whether the region's credit year is locked at ``now``."""
    return rulebook.locked(book(), region, year, now)


def declared_hours(region: str | None, year: int, start, end) -> tuple[int, int]:
    """Tenths of a 学时 an offline training from ``start`` to ``end`` gives by default, and the
    most a trainee may declare for it (rulebook.declared_hours)."""
    return rulebook.declared_hours(rules_for(region, year), start, end)


def declared_year(subject_type: str, region: str | None, day, now: datetime) -> tuple[int | None, str]:
    """The credit year of an offline training that ended on ``day``, or None and why
    (``year_locked``, ``window_closed``): rulebook.declared_year."""
    return rulebook.declared_year(book(), subject_type, region, day, now)


def standing(region: str | None, year: int, credited: dict[str, int]) -> Standing:
    """A year's credited tenths per subject type against the region's requirement."""
    return rulebook.standing(rules_for(region, year), credited)


def subject_name(subject_type: str) -> str:
    """公需科目 / 专业科目 / 选修科目, in the request's language."""
    return {"gongxu": _("公需科目"), "zhuanye": _("专业科目"), "xuanxiu": _("选修科目")}.get(subject_type, subject_type)


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
