"""Checks during video study straight into the tables, as the heartbeats and answers would leave
them (issue 19): failed and missed scheduled checks, passed ones, face captures."""
import itertools
from datetime import date, datetime, timedelta

from core import policy
from core.extensions import db
from core.policy.examples import EXAMPLES
from core.policy.models import RuleSetVersion
from faces.models import FaceCapture
from learning.models import WatchCheck

_CHECK_IDS = itertools.count(10**6)  # apart from the ids other worlds give their captures


def add_check(user, lesson, state: str, at: datetime, kind: str = "question", slot: int = 0) -> WatchCheck:
    """A scheduled check of ``user`` on ``lesson`` issued at ``at``: ``failed`` (answered at ``at``),
    ``missed`` (its window ended a minute later), ``passed``, ``due`` or ``waiting``."""
    check = WatchCheck(user_id=user.id, lesson_id=lesson.id, session_id="s" * 32, kind=kind, slot=slot,
                       position=100.0 + slot, start=float(slot), state=state, held=[[float(slot), 100.0 + slot]],
                       issued_at=None if state == "waiting" else at,
                       window_ends_at=None if state == "waiting" else at + timedelta(minutes=1),
                       answered_at=at if state in ("failed", "passed") else None, created_at=at)
    db.session.add(check)
    db.session.commit()
    return check


def add_misses(user, lesson, count: int, at: datetime, state: str = "missed") -> list[WatchCheck]:
    return [add_check(user, lesson, state, at + timedelta(minutes=5 * n), slot=n) for n in range(count)]


def add_capture(user, unit, status: str, at: datetime, reviewer=None, note: str = "") -> FaceCapture:
    """A face capture of ``user`` reviewed by ``unit``: ``pending`` (not judged yet), ``failed``
    (waiting for a person), ``accepted`` or ``rejected`` (by ``reviewer`` an hour later, ``note``)."""
    decided = status in ("accepted", "rejected")
    capture = FaceCapture(check_id=next(_CHECK_IDS), user_id=user.id,
                          unit_id=unit.id if unit else None, region_code=user.region_code, year=at.year,
                          held_seconds=60.0, sha256="0" * 64, fingerprint=bytes(256), status=status,
                          code="not_same_person" if status != "pending" else "", submitted_at=at,
                          reviewed_by_id=reviewer.id if decided and reviewer else None,
                          reviewed_at=at + timedelta(hours=1) if decided else None, review_note=note)
    db.session.add(capture)
    db.session.commit()
    return capture


def misses_world(trainee, course, unit, reviewer, now: datetime) -> dict:
    """For tests/pages.py: three missed checks on ``course`` (held over the allowance), a passed
    one, and a face capture of ``unit`` that ``reviewer`` accepted with a note."""
    misses = add_misses(trainee, course.lessons[0], 3, now - timedelta(days=1))
    add_check(trainee, course.lessons[0], "passed", now - timedelta(hours=20), slot=3)
    capture = add_capture(trainee, unit, "accepted", now - timedelta(days=1), reviewer=reviewer,
                          note="光线较暗 确系本人")
    return {"misses": misses, "capture": capture}


def store_example_rules() -> None:
    """The example rule sets (the nation, Guangdong with both checks on, Henan) as the admin
    would store them (as tests/learning/conftest.py's store_rules)."""
    for data in EXAMPLES:
        rules = {key: value for key, value in data.items() if key not in ("prefix", "effective_from")}
        db.session.add(RuleSetVersion(prefix=data["prefix"], effective_from=date.fromisoformat(data["effective_from"]),
                                      rules=rules))
    db.session.commit()
    policy.forget_book()
