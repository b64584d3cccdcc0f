"""A trainee watching through the v1 calls, with the server's clock in the test's hands."""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import learning.check_api
import learning.heartbeats
import learning.watch_api
from core import policy
from core.extensions import db
from core.policy.examples import EXAMPLES
from core.policy.models import RuleSetVersion
from learning.models import CreditRecord, IntegrityEvent, LessonProgress
from tests.conftest import sign_in_as


class Clock:
    """The server's ``now`` for the watch calls: starts at a fixed instant, moves when told."""

    def __init__(self):
        self.now = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(learning.watch_api, "utcnow", clock)
    monkeypatch.setattr(learning.heartbeats, "utcnow", clock)
    monkeypatch.setattr(learning.check_api, "utcnow", clock)
    return clock


@dataclass
class Viewer:
    """One trainee's browser: opens sessions and sends heartbeats, as player.js does."""

    client: object
    user: object
    clock: Clock
    session_id: str = ""
    seq: int = 0
    tokens: dict = field(default_factory=dict)  # the watch token of each session opened

    @property
    def token(self) -> str:
        return self.tokens.get(self.session_id, "")

    def open(self, lesson_id: int) -> dict:
        response = self.client.post(f"/api/v1/lessons/{lesson_id}/sessions")
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        self.session_id, self.seq = body["id"], 0
        self.tokens[self.session_id] = body["watch_token"]
        return body

    def beat(self, segments, position=None, seq=None, rate=1.0, session_id=None, expect=200, token=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        body = {"seq": seq, "segments": segments, "rate": rate}
        if position is not None:
            body["position"] = position
        session_id = session_id or self.session_id
        token = self.tokens.get(session_id, "") if token is None else token
        response = self.client.post(f"/api/v1/sessions/{session_id}/heartbeats", json=body,
                                    headers={"X-Watch-Token": token})
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.get_json()

    def send_raw(self, data, content_type: str = "application/json"):
        """POST ``data`` as this session's heartbeat body, as it is."""
        return self.client.post(f"/api/v1/sessions/{self.session_id}/heartbeats", data=data,
                                content_type=content_type, headers={"X-Watch-Token": self.token})

    def watch(self, start: float, end: float, step: float = 15.0) -> dict:
        """Play [start, end) at 1×, a heartbeat every ``step`` seconds of wall-clock time."""
        body, at = None, start
        while at < end:
            upto = min(at + step, end)
            self.clock.advance(upto - at)
            body = self.beat([[at, upto]], position=upto)
            at = upto
        return body


@pytest.fixture
def make_viewer(client, make_user, clock):
    def make(user=None) -> Viewer:
        user = user or make_user()
        sign_in_as(client, user)
        return Viewer(client, user, clock)

    return make


def events(user, kind=None) -> list[IntegrityEvent]:
    db.session.expire_all()
    rows = db.session.scalars(select(IntegrityEvent).where(IntegrityEvent.user_id == user.id)).all()
    return [row for row in rows if kind is None or row.kind == kind]


def credits(user) -> list[CreditRecord]:
    db.session.expire_all()
    return db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user.id)).all()


def progress(user, lesson) -> LessonProgress | None:
    db.session.expire_all()
    return db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id))


@pytest.fixture
def store_rules(app):
    """``store_rules(*json_forms)``: rule sets stored as the admin would store them (the book
    is read again at the next question); with no argument, the seeded examples
    (core/policy/examples.py: the nation, Guangdong, Henan)."""

    def store(*sets) -> None:
        for data in sets or EXAMPLES:
            rules = {key: value for key, value in data.items() if key not in ("prefix", "effective_from")}
            db.session.add(RuleSetVersion(prefix=data["prefix"], effective_from=date.fromisoformat(
                data["effective_from"]), rules=rules))
        db.session.commit()
        policy.forget_book()

    return store
